"""Read and validate a department's next rounds in a worker thread while the current round is
archived and staged (two cores: one validates, one writes).

Nothing changes in what intake does: each file is still read once (the worker's bytes are the
bytes staging hashes, archives and stages), validation is the same `validate_bytes`, and every
write (archive, register, staging) stays on the caller's thread (the register through the step's
`durable` cursor, staging in the step's transaction: staging.step_transaction), in the order of
the rounds. The worker validates only bytes not judged before (a re-run validates nothing new),
and keeps at most `ahead` rounds in memory."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from assets.intake.archive import sha256_hex
from assets.intake.dropfolder import MAX_FILE_BYTES, Entry, UnsafeFile, read_bytes, round_files
from assets.intake.validation import ValidationResult, validate_bytes
from schemas.catalog import Catalog


@dataclass(frozen=True)
class Fetched:
    """A file of raw/ read once: its bytes and their hash, or why it could not be read; and its
    validation under its own name when the bytes were not judged before."""

    data: bytes | None = None
    sha256: str | None = None
    error: Exception | None = None
    result: ValidationResult | None = None

    def result_for(self, sha256: str, file_name: str) -> ValidationResult | None:
        """The validation of these bytes under this name, if the worker made it."""
        ok = self.result is not None and self.sha256 == sha256 and self.result.path.name == file_name
        return self.result if ok else None


class Prefetch:
    """`take(round)` returns {path: Fetched} for the department's files of that round, the next
    rounds of `rounds` being read and validated meanwhile."""

    def __init__(self, entries: list[Entry], catalog: Catalog, department: str, kind: str, rounds: list[str],
                 judged: set[tuple[str, str]], ahead: int = 2):
        self.entries, self.catalog, self.department, self.kind = entries, catalog, department, kind
        self.rounds, self.judged, self.ahead = list(rounds), judged, ahead
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"intake-{department}")
        self._futures: dict[str, Future] = {}

    def __enter__(self) -> Prefetch:
        return self

    def __exit__(self, *exc) -> None:
        for f in self._futures.values():
            f.cancel()
        self._pool.shutdown(wait=True)

    def _fetch(self, round_key: str) -> dict[Path, Fetched]:
        out = {}
        for e in round_files(self.entries, self.department, round_key, self.kind):
            if e.status == "refused":
                continue
            try:
                data = read_bytes(e.path)
            except (UnsafeFile, OSError) as err:
                out[e.path] = Fetched(error=err)
                continue
            sha = sha256_hex(data)
            result = None
            if len(data) <= MAX_FILE_BYTES and (round_key, sha) not in self.judged:
                result = validate_bytes(e.path.name, data, self.catalog, department=self.department,
                                        round_key=round_key, kind=self.kind)
            out[e.path] = Fetched(data, sha, result=result)
        return out

    def take(self, round_key: str) -> dict[Path, Fetched]:
        if round_key in self.rounds:
            at = self.rounds.index(round_key)
            for nxt in self.rounds[at: at + 1 + self.ahead]:
                if nxt not in self._futures:
                    self._futures[nxt] = self._pool.submit(self._fetch, nxt)
        future = self._futures.pop(round_key, None)
        return future.result() if future is not None else {}
