"""Stage 3: validated Articles -> output files."""
