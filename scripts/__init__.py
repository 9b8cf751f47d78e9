"""Build and CI helpers run from a source checkout (`python -m scripts.NAME`); not shipped in the wheel."""
