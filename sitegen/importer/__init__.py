"""`python build.py import`: scraped text or saved web pages -> clean, de-duplicated draft articles."""
