"""The districts domain: every district-level indicator per district, after disclosure control."""
