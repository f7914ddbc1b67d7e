"""Schemas: code lists, the indicator catalog's schema and the pandera submission models."""
