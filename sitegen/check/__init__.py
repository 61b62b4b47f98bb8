"""Checks on loaded articles. Each module has one job; the build runs them all (see pipeline.py)."""
