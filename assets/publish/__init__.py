"""The publish domain: the published warehouse, swapped in atomically, and the durable publication log."""
