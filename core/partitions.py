"""Rounds as Dagster partitions: the spring (May) and November updates, keys "2009-05", "2009-11"
(the key rule itself: schemas/rounds.py)."""

import dagster as dg

# Windows start on 1 May and 1 November. end_offset=1 makes the round in progress (whose window
# has not ended yet) a partition, so departments' files for it can be processed as they arrive.
rounds = dg.TimeWindowPartitionsDefinition(
    cron_schedule="0 0 1 5,11 *",
    start="2006-11",
    fmt="%Y-%m",
    end_offset=1,
)
