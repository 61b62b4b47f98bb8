"""`python build.py import`: scraped text -> clean, de-duplicated draft articles."""
