"""Stage 2: content files -> validated Articles, or Problems."""
