"""The marts domain: the barometer's city figures, latest figures, area summaries and vintages,
each declared by its contract (contracts/<table>.yml) and built by build.py."""
