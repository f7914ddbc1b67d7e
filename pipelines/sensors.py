"""Notice a new or changed file in raw/<round>/ and run that round."""

from __future__ import annotations

import json
import re

import dagster as dg

from pipelines import settings
from pipelines.jobs import barometer_job
from pipelines.partitions import ROUND_KEY_RE, rounds


def scan_raw(raw_dir) -> dict[str, str]:
    """{'<round>/<file>': 'mtime_ns:size'} of the files under raw/<round>/ and of the files lying
    straight in raw/ whose name carries a round."""
    out = {}
    if not raw_dir.is_dir():
        return out
    from assets.intake.reader import parse_file_name

    for f in sorted(p for p in raw_dir.iterdir() if p.is_file()):
        parsed = parse_file_name(f.name)
        if parsed:
            st = f.stat()
            out[f"{parsed.round}/{f.name}"] = f"{st.st_mtime_ns}:{st.st_size}"
    for folder in sorted(p for p in raw_dir.iterdir() if p.is_dir() and re.match(ROUND_KEY_RE, p.name)):
        for f in sorted(folder.iterdir()):
            if f.is_file() and not f.name.startswith("."):
                st = f.stat()
                out[f"{folder.name}/{f.name}"] = f"{st.st_mtime_ns}:{st.st_size}"
    return out


@dg.sensor(job=barometer_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.STOPPED,
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
            tags={"barometer/trigger": "new_file", "barometer/files": ",".join(files)[:200]},
        )
    # files of rounds not yet known stay out of the cursor (their previous signature, if any, is kept)
    cursor = {p: sig for p, sig in now.items() if p.split("/")[0] not in waiting}
    cursor.update({p: sig for p, sig in seen.items() if p.split("/")[0] in waiting})
    context.update_cursor(json.dumps(cursor))
