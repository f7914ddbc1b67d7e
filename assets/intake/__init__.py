"""Intake: reading department files, validating them, staging accepted rows."""
