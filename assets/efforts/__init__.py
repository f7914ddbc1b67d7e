"""Efforts, projects and budgets: the other half of each round (docs/warehouse.md)."""
