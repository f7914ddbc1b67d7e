"""Notice a new or changed file in raw/<round>/ and run that round."""

from __future__ import annotations

import json

import dagster as dg

from assets.intake.neutral import terminal
from core import settings
from core.partitions import rounds
from pipelines.jobs import barometer_job


def scan_raw(raw_dir) -> dict[str, str]:
    """{'<round>/<file>': 'mtime_ns:size'} of what the drop folder lists for a round (files in
    raw/<round>/, files straight in raw/ whose name carries a round, and refused links, whose own
    signature counts: a link never makes the sensor read its target)."""
    from assets.intake.dropfolder import scan

    out = {}
    for e in scan(raw_dir):
        if e.round and e.status in ("submission", "refused", "ignored") and not e.is_folder:
            st = e.path.lstat()
            out[f"{e.round}/{e.path.name}"] = f"{st.st_mtime_ns}:{st.st_size}"
        elif e.round and e.is_folder and e.status == "refused":
            st = e.path.lstat()
            out[f"{e.round}/"] = f"{st.st_mtime_ns}:{st.st_size}"
    return out


@dg.sensor(job=barometer_job, minimum_interval_seconds=settings.sensor_interval_seconds(),
           default_status=(dg.DefaultSensorStatus.RUNNING if settings.automation_on_by_default()
                           else dg.DefaultSensorStatus.STOPPED),  # docs/deployment.md
           description="Requests a run of a round when a file in raw/<round>/ is new or changed.")
def new_file_in_raw(context: dg.SensorEvaluationContext):
    seen = json.loads(context.cursor) if context.cursor else {}
    now = scan_raw(settings.raw_dir())
    changed = sorted({path.split("/")[0] for path, sig in now.items() if seen.get(path) != sig})
    valid = set(rounds.get_partition_keys())
    waiting = set()
    for round_key in changed:
        if round_key not in valid:
            if valid and round_key > max(valid) and round_key[-2:] in ("05", "11"):
                # e.g. a file delivered in April for the May round, whose partition opens on 1 May:
                # not consumed, so it is requested as soon as the round exists
                context.log.info(f"raw/{round_key}/: the round is not open yet; waiting")
                waiting.add(round_key)
            else:  # before the first round, or not a May/November round: never one, said once
                context.log.warning(f"raw/{round_key}/ is not a round the barometer knows; skipped")
            continue
        files = sorted(p for p in now if p.startswith(round_key + "/") and seen.get(p) != now[p])
        yield dg.RunRequest(
            run_key=f"{round_key}:" + ",".join(f"{p}@{now[p]}" for p in files),
            partition_key=round_key,
            tags={"barometer/trigger": "new_file", "barometer/files": terminal(",".join(files))[:200]},
        )
    # files of rounds not yet known stay out of the cursor (their previous signature, if any, is kept)
    cursor = {p: sig for p, sig in now.items() if p.split("/")[0] not in waiting}
    cursor.update({p: sig for p, sig in seen.items() if p.split("/")[0] in waiting})
    context.update_cursor(json.dumps(cursor))


def _default_status() -> dg.DefaultSensorStatus:
    return dg.DefaultSensorStatus.RUNNING if settings.automation_on_by_default() else dg.DefaultSensorStatus.STOPPED


@dg.run_failure_sensor(name="notify_on_run_failure", default_status=_default_status(),
                       description="Notifies the configured channel (pipelines/notify.py) of every failed run.")
def notify_on_run_failure(context: dg.RunFailureSensorContext):
    from pipelines import notify

    run = context.dagster_run
    error = context.failure_event.message if context.failure_event else None
    notify.notify(*notify.run_failed_text(run.run_id, run.job_name, run.tags.get("dagster/partition"), error),
                  log=context.log)


def overdue_deliveries(public_db) -> list[tuple[str, str, str]]:
    """(round, department, deadline) of every overdue delivery in the published tracker."""
    import duckdb

    if not public_db.exists():
        return []
    con = duckdb.connect(str(public_db), read_only=True)
    try:
        return [(r, d, str(dl)) for r, d, dl in con.execute(
            "SELECT round, department, deadline FROM submission_tracker WHERE overdue ORDER BY round, department"
        ).fetchall()]
    finally:
        con.close()


@dg.sensor(name="notify_on_overdue_delivery", minimum_interval_seconds=3600, default_status=_default_status(),
           description="Once an hour, notifies the configured channel of deliveries that became overdue "
                       "(published submission_tracker: missing after the deadline); each one once.")
def notify_on_overdue_delivery(context: dg.SensorEvaluationContext):
    from pipelines import notify

    told = set(json.loads(context.cursor)) if context.cursor else set()
    overdue = overdue_deliveries(settings.warehouse_dir() / settings.PUBLIC_DB_NAME)
    new = [row for row in overdue if f"{row[0]}/{row[1]}" not in told]
    if new:
        notify.notify(*notify.overdue_text(new), log=context.log)
    context.update_cursor(json.dumps(sorted(told | {f"{r}/{d}" for r, d, _ in overdue})))
    return dg.SkipReason(f"{len(new)} newly overdue deliveries notified" if new else "no newly overdue delivery")
