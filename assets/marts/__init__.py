"""The marts domain: the barometer's city figures, latest figures, area summaries and vintages."""
