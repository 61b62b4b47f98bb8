"""Finding repeated text: comparison keys, the meaning guard, and the de-duplication engine."""
