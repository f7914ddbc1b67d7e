"""Tests never read the live drop folder raw/: the sample rounds are generated once per session
into a temp folder, and that folder reproduces the shipped files byte for byte.

This is the only test that looks at the project's raw/, for the comparison alone, and only at the
files the generators write: anything else a user has dropped into raw/ is none of its business."""

from pathlib import Path

import conftest
from conftest import PROJECT, PROJECT_RAW, copy_raw, sample_files, sample_raw_dir

from core import settings


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def test_session_sample_is_a_temp_folder_outside_the_project(sample_raw):
    assert sample_raw == sample_raw_dir() == conftest.SAMPLE_RAW
    assert not _inside(sample_raw, PROJECT_RAW)
    assert not _inside(sample_raw, PROJECT)
    assert sample_raw.is_dir() and not sample_raw.is_symlink()


def test_session_defaults_point_away_from_the_project():
    assert not _inside(settings.raw_dir(), PROJECT_RAW)
    assert settings.raw_dir() == sample_raw_dir().resolve()
    assert not _inside(settings.warehouse_dir(), PROJECT)
    assert not _inside(settings.dagster_home(), PROJECT)


def test_generated_sample_equals_the_shipped_sample():
    files = sample_files()
    # 32 submissions in six rounds + 8 housing-area files + 1 dwelling file + 8 effort statements
    # + 2 project banks (one of them in 2009-11)
    assert len(files) == 51
    assert {f.parts[0] for f in files} == {"2006-11", "2007-05", "2007-11", "2008-05", "2008-11",
                                           "2009-05", "2009-11", "2010-05"}
    differ = [str(f) for f in files
              if (sample_raw_dir() / f).read_bytes() != (PROJECT_RAW / f).read_bytes()]
    assert not differ, f"generated sample differs from the shipped raw/ files: {differ}"
    # nothing in the session folder but what the generators wrote
    assert sorted(p.relative_to(sample_raw_dir()) for p in sample_raw_dir().rglob("*") if p.is_file()) == files


def test_copy_raw_copies_the_generated_sample(tmp_path):
    raw = copy_raw(tmp_path / "raw", ["2009-05", "2010-05"])
    got = sorted(p.relative_to(raw) for p in raw.rglob("*") if p.is_file())
    assert got == [f for f in sample_files() if f.parts[0] in ("2009-05", "2010-05")]
