"""The districts domain: every district-level indicator per district, after disclosure control;
declared by its contract (contracts/district_values.yml) and built by build.py."""
