"""Orchestration: Dagster definitions, partitions, schedules, sensors, resources and the CLI."""
