"""Assembly: the Dagster definitions (loaded from the assets package), jobs, schedules, sensors,
the CLI and the printed summary."""
