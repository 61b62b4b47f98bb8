"""sitegen: a static site generator for patient-education health articles."""

__version__ = "0.1.0"
