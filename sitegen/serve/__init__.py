"""`python build.py serve`: a live-reload preview. The server knows a folder and a build function, nothing more."""
