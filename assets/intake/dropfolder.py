"""The drop folder `raw/`: the one place that lists what lies there, the one file-name rule, and
the one way a file's bytes are read.

The folder is untrusted. Nothing here follows a symbolic link, to a file or to a folder, or leaves
`raw/`: a link is listed as refused (`not_a_regular_file`) and never opened. A file is read once,
into memory, with `O_NOFOLLOW` and a check that the opened descriptor is a regular file, so the
hash, the validation and the archive copy all come from the same bytes even while a department
overwrites the file."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from schemas.kinds import kind_of_suffix
from schemas.rounds import ROUND_KEY

# File names are ASCII only and matched whole (fullmatch), as round keys are (schemas/rounds.py).
FILE_NAME_RE = re.compile(
    r"(?P<department>[A-Za-z]{3})_(?P<round>\d{4}-\d{2})(?:_(?P<suffix>[A-Za-z0-9._-]+))?\.(?P<ext>csv|xlsx)",
    re.IGNORECASE | re.ASCII,
)
MAX_FILE_BYTES = 20 * 2**20  # a department's file is kilobytes; anything this big is refused unread


@dataclass(frozen=True)
class SubmissionName:
    department: str
    round: str
    suffix: str | None
    ext: str

    @property
    def kind(self) -> str:
        return kind_of_suffix(self.suffix)


def parse_file_name(name: str) -> SubmissionName | None:
    """`BIF_2009-05.csv` -> department BIF, round 2009-05; None if the name is not a submission's."""
    m = FILE_NAME_RE.fullmatch(name)
    if not m:
        return None
    return SubmissionName(m["department"].upper(), m["round"], m["suffix"], m["ext"].lower())


def suggest_name(name: str, department: str | None, round_key: str | None) -> str | None:
    """A name the pipeline reads for a file a clerk named otherwise (`BIF 2009-11 endelig.xlsx`
    -> `BIF_2009-11_endelig.xlsx`), or None when no department and round can be told."""
    ext = Path(name).suffix.lower()
    ext = ext if ext in (".csv", ".xlsx") else ".csv"
    stem = Path(name).stem
    m = re.match(r"^\s*([A-Za-z]{3})[\s_-]*(\d{4}-\d{2})(.*)$", stem)
    department = department or (m.group(1).upper() if m else None)
    round_key = round_key or (m.group(2) if m else None)
    if not department or not round_key:
        return None
    rest = m.group(3) if m else ""
    suffix = re.sub(r"[^A-Za-z0-9.-]+", "_", rest).strip("_.-")
    return f"{department}_{round_key}" + (f"_{suffix}" if suffix else "") + ext


@dataclass(frozen=True)
class Entry:
    """One thing lying in raw/ or in a round folder."""

    path: Path                 # where it lies (never resolved: a link stays a link)
    where: str                 # 'raw/<name>' or 'raw/<round>/<name>', for messages
    round: str | None          # the round it is read for: its folder's, or (straight in raw/) its name's
    name: SubmissionName | None
    status: str                # submission | ignored | refused | round_folder (the folder itself)
    reason: str | None = None  # why it is ignored or refused, in plain words
    is_folder: bool = False    # a round folder itself (a folder, or a link where one should be)

    @property
    def is_submission(self) -> bool:
        return self.status == "submission"


def _kind_of_node(path: Path) -> str:
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        return "link"
    if stat.S_ISDIR(st.st_mode):
        return "dir"
    if stat.S_ISREG(st.st_mode):
        return "file"
    return "other"


def _file_entry(path: Path, where: str, folder_round: str | None, departments: set[str]) -> Entry:
    node = _kind_of_node(path)
    name = parse_file_name(path.name)
    if node == "link":
        return Entry(path, where, folder_round or (name.round if name else None), name, "refused",
                     "a symbolic link, not a file: links in the drop folder are never followed; copy the file itself")
    if node == "dir":
        return Entry(path, where, folder_round, None, "ignored", "a folder inside a round folder is not read")
    if node != "file":
        return Entry(path, where, folder_round, name, "refused", "not a regular file")
    if name is None:
        hint = suggest_name(path.name, None, folder_round)
        return Entry(path, where, folder_round, None, "ignored",
                     "not a submission file name (<DEPT>_<YYYY-MM>[_suffix].csv|xlsx)"
                     + (f"; name it {hint}" if hint else ""))
    if name.department not in departments:
        return Entry(path, where, folder_round, name, "ignored", f"unknown department {name.department!r}")
    return Entry(path, where, folder_round or name.round, name, "submission")


def scan(raw_dir: Path) -> list[Entry]:
    """Everything in raw/ and its round folders, in name order, without following any link.
    Names starting with '.' (editors' and copy tools' temporary files) and README files are
    passed over."""
    from schemas.code_lists import department_codes

    departments = set(department_codes())
    out: list[Entry] = []
    try:
        top = sorted(raw_dir.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return out
    for p in top:
        if p.name.startswith(".") or p.name.lower().startswith("readme"):
            continue
        node = _kind_of_node(p)
        if node == "dir":
            if not ROUND_KEY.fullmatch(p.name):
                out.append(Entry(p, f"raw/{p.name}/", None, None, "ignored",
                                 "not a round folder (rounds are YYYY-05 and YYYY-11)"))
                continue
            out.append(Entry(p, f"raw/{p.name}/", p.name, None, "round_folder", is_folder=True))  # even empty
            for f in sorted(p.iterdir()):
                if not f.name.startswith("."):
                    out.append(_file_entry(f, f"raw/{p.name}/{f.name}", p.name, departments))
        elif node == "link" and ROUND_KEY.fullmatch(p.name):
            out.append(Entry(p, f"raw/{p.name}/", p.name, None, "refused",
                             "the round folder is a symbolic link: links in the drop folder are never followed",
                             is_folder=True))
        else:
            out.append(_file_entry(p, f"raw/{p.name}", None, departments))
    return out


def round_files(entries: list[Entry], department: str, round_key: str, kind: str) -> list[Entry]:
    """The department's submissions of one kind for a round, and the refused entries (links)
    whose name says they are such a file."""
    return [e for e in entries
            if e.round == round_key and e.name is not None and e.name.department == department
            and e.name.kind == kind and e.status in ("submission", "refused")]


def rounds_present(entries: list[Entry]) -> set[str]:
    """The rounds raw/ holds at all: a folder (even an empty one), or a file naming it."""
    return {e.round for e in entries if e.round}


class UnsafeFile(OSError):
    """The path is not a regular file inside the drop folder (a link, a device, a folder)."""


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes, read once, never through a symbolic link. Reads at most limit + 1 bytes,
    so an oversized file is recognised (and refused by the reader) without being read whole."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        if os.path.islink(path):
            raise UnsafeFile(f"{path.name}: a symbolic link; links are never followed") from None
        raise UnsafeFile(f"{path.name}: cannot be opened ({e.strerror})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UnsafeFile(f"{path.name}: not a regular file")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
