"""The clean file's path: prove a plain CSV submission clean with whole-column work, or decline.

`validate_plain` returns the typed rows exactly as the careful path (validation.py) would accept
them, or None, and then the careful path judges the file and writes every finding. It never
decides that a file is wrong, so a file that fails any rule always takes the careful path, and a
file the careful path rejects is never accepted here (tests/intake/test_fast_path.py holds both
on the bad corpora and on randomly mutated files).

Every rule is still the schema's own pandera check (schemas/):
- reading: reader_fast.py (the bytes show the careful reader would read the same cells, rows);
- numbers and periods: whole columns in Arrow; a number must already be in the canonical form
  the careful reader leaves unchanged (a whole number, or a decimal in the file's convention,
  within 15 characters): anything else (1.289, 7 500, 1e3) declines; periods are normalised by
  formats.parse_period once per distinct text;
- column rules (code lists, formats, not negative): each column check of the schema, run on the
  column's distinct values (they are element-wise: a value passes or fails wherever it stands);
  nullability and numbers by Arrow's null count and cast;
- the key (unique rules): the distinct combinations of the key's columns, counted (nulls equal,
  as pandas' `duplicated`);
- context rules (catalog, department, round): each check of the context schema, run on the
  distinct combinations of what it reads (_reduced): the rows' codes and periods, a subunit's
  set of sexes in place of the subunit, and numbers reduced to what a rule sees of them (present,
  whole, numerator at most denominator). A context schema with a rule not listed in
  CONTEXT_RULES declines, so a new rule is never skipped."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
import pyarrow.compute as pc

from assets.intake.formats import parse_period
from assets.intake.reader_fast import read_plain_csv
from schemas.catalog import Catalog
from schemas.kinds import Kind
from schemas.rule_set import Unique

MAX_NUMBER_CHARS = 15  # at most 15 characters: at most 15 digits (reader.MAX_DIGITS)
NUMBER_FORMS = {"point": r"^-?[0-9]+(\.[0-9]+)?$", "comma": r"^-?[0-9]+(,[0-9]+)?$", "unknown": r"^-?[0-9]+$"}

# The context rules of an indicator file (schemas/submission.py) and what each reads: the codes
# and the period of a row, the set of sexes of its (indicator, period, district, subunit, group),
# whether numerator, denominator and value are given, whether the counts are whole and the
# numerator at most the denominator. _reduced keeps exactly that, once per combination.
TEXT_READ = ("department", "round", "indicator", "reference_period", "district", "subunit", "group", "sex")
CONTEXT_RULES = {
    "district_level_matches_series", "all_districts_present", "gap_groups_paired", "group_used_by_series",
    "numerator_present", "denominator_present", "value_present_for_reported_series", "counts_are_whole_numbers",
    "numerator_at_most_denominator", "sex_total_or_split", "sex_split_required", "department_matches_file",
    "round_matches_file", "series_delivered_by_department", "period_not_after_round",
}


def _codes(col: pa_arrow.ChunkedArray) -> np.ndarray:
    """Each cell's code among the column's distinct values (an empty cell is one more value)."""
    encoded = pc.dictionary_encode(col).combine_chunks()
    return encoded.indices.fill_null(len(encoded.dictionary)).to_numpy(zero_copy_only=False).astype(np.int64)


def _combined(*codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the first row of each distinct combination of codes, each row's combination id)."""
    ids = np.zeros(len(codes[0]), dtype=np.int64)
    for c in codes:
        ids = ids * (int(c.max()) + 1) + c
        if ids.max() > 2**40:  # stay within int64: renumber the combinations so far
            ids = np.unique(ids, return_inverse=True)[1].astype(np.int64)
    _, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
    return first, inverse.astype(np.int64)


def _reduced(table: pa_arrow.Table) -> pd.DataFrame | None:
    """One row per distinct combination of what the context rules read (CONTEXT_RULES), shaped as
    the typed rows: codes and period as they are; in place of the subunit, the set of sexes
    given for its (indicator, period, district, subunit, group); numbers reduced to present or
    not, whole or not, numerator at most the denominator or not (0 / 0.5 for a numerator, 1 /
    1.5 / -1 / -0.5 for a denominator, 0 for a value)."""
    codes = {c: _codes(table[c]) for c in TEXT_READ}
    sex = codes["sex"]
    if sex.max() > 60:
        return None
    _, cell = _combined(*(codes[c] for c in ("indicator", "reference_period", "district", "subunit", "group")))
    sexes = np.zeros(int(cell.max()) + 1, dtype=np.int64)
    np.bitwise_or.at(sexes, cell, np.left_shift(1, sex))
    num, den = (table[c].to_numpy().astype(float) for c in ("numerator", "denominator"))
    num_class = np.where(np.isnan(num), 0, np.where(num % 1 == 0, 1, 2))
    at_most = np.isnan(num) | (num <= den)
    den_class = np.where(np.isnan(den), 0, 1 + np.where(at_most, 0, 2) + np.where(den % 1 == 0, 0, 1))
    value_class = (~np.isnan(table["value"].to_numpy().astype(float))).astype(np.int64)
    first, _ = _combined(*(codes[c] for c in TEXT_READ if c != "subunit"), sexes[cell], num_class, den_class,
                         value_class)
    take = pa_arrow.array(first)
    out = pd.DataFrame({c: table[c].take(take).to_pylist() for c in TEXT_READ if c != "subunit"}, dtype=object)
    out["subunit"] = [str(m) for m in sexes[cell[first]]]
    out["numerator"] = np.array([np.nan, 0.0, 0.5])[num_class[first]]
    out["denominator"] = np.array([np.nan, 1.0, 1.5, -1.0, -0.5])[den_class[first]]
    out["value"] = np.where(value_class[first] == 1, 0.0, np.nan)
    out["sd"], out["note"] = np.nan, None
    return out


def _numbers(col: pa_arrow.ChunkedArray, convention: str) -> pa_arrow.ChunkedArray | None:
    """Canonical numbers as float64, or None when any cell is in another form."""
    present = len(col) - col.null_count
    if not present:
        return pc.cast(col, pa_arrow.float64())
    plain = pc.and_(pc.match_substring_regex(col, NUMBER_FORMS[convention]),
                    pc.less_equal(pc.utf8_length(col), MAX_NUMBER_CHARS))
    if (pc.sum(plain).as_py() or 0) != present:
        return None
    if convention == "comma":
        col = pc.replace_substring(col, ",", ".")
    return pc.cast(col, pa_arrow.float64())


def _periods(col: pa_arrow.ChunkedArray) -> pa_arrow.ChunkedArray:
    """formats.parse_period on each distinct text."""
    encoded = pc.dictionary_encode(col).combine_chunks()
    canonical = pa_arrow.array([parse_period(v) for v in encoded.dictionary.to_pylist()], pa_arrow.string())
    return pa_arrow.chunked_array([pc.take(canonical, encoded.indices)])


def _passes(check: pa.Check, data) -> bool:
    """Whether every row passes: a frame rule's own function on the whole frame (as pandera
    calls it), a column check through pandera; a missing answer fails, as
    validation.run_frame_checks counts it."""
    try:
        if isinstance(data, pd.DataFrame) and not check.element_wise and check.groupby is None:
            out = check._check_fn(data)
        else:
            out = check(data).check_output
    except Exception:  # a check that cannot run here: the careful path reports it
        return False
    if isinstance(out, (pd.Series, pd.DataFrame)):
        return bool(out.fillna(False).astype(bool).to_numpy().all())
    return bool(out)


def _columns_pass(schema: pa.DataFrameSchema, table: pa_arrow.Table) -> bool:
    """Nullability and every column check, on each column's distinct values."""
    for name, column in schema.columns.items():
        values = table[name]
        if values.null_count and not column.nullable:
            return False
        if not column.checks:
            continue
        distinct = pc.unique(values.drop_null()).to_pylist()
        if not distinct:
            continue
        series = pd.Series(distinct, dtype="float64" if "float" in str(column.dtype) else object)
        if not all(_passes(check, series) for check in column.checks):
            return False
    return True


def _typed(table: pa_arrow.Table, spec: Kind, convention: str) -> pa_arrow.Table | None:
    """The cells as the schema types them: numbers parsed, periods canonical, the optional
    columns the file leaves out added empty (after the file's own, as the careful reader does)."""
    names, arrays = [], []
    for name in table.column_names:
        col = table[name]
        if name in spec.number_columns:
            col = _numbers(col, convention)
            if col is None:
                return None
        elif name in spec.period_columns:
            col = _periods(col)
        names.append(name)
        arrays.append(col)
    for name in spec.columns:
        if name not in names:
            names.append(name)
            kind = pa_arrow.float64() if name in spec.number_columns else pa_arrow.string()
            arrays.append(pa_arrow.nulls(table.num_rows, kind))
    return pa_arrow.table(arrays, names=names)


def _keys_unique(table: pa_arrow.Table, frame_checks: list[pa.Check], spec: Kind) -> bool:
    """The schema's frame checks are unique rules and no two rows share a key (nulls equal)."""
    for check in frame_checks:
        rule = spec.rules.get(check.name)
        if rule is None or not isinstance(rule.check, Unique):
            return False  # a frame rule of another sort: the careful path runs it
        first, _ = _combined(*(_codes(table[c]) for c in rule.check.key))
        if len(first) != table.num_rows:
            return False
    return True


def validate_plain(name: str, data: bytes, catalog: Catalog, department: str, round_key: str, spec: Kind,
                   schema: pa.DataFrameSchema, frame_checks: list[pa.Check]
                   ) -> pa_arrow.Table | None:
    """The typed rows of a clean plain CSV indicator file as an Arrow table, with `source_row` (the
    row number) first (rows_frame: as the careful path's DataFrame); None when the file is not
    plain or not proven clean."""
    if spec.name != "indicators" or not name.lower().endswith(".csv"):
        return None
    plain = read_plain_csv(data, list(spec.columns), list(spec.required))
    if plain is None:
        return None
    table = _typed(plain.table, spec, plain.convention)
    if table is None or set(table.column_names) != set(schema.columns) or not _columns_pass(schema, table):
        return None
    context = spec.context_schema(catalog, department, round_key).checks
    if not {c.name for c in context} <= CONTEXT_RULES:
        return None
    if not _keys_unique(table, frame_checks, spec):
        return None
    reduced = _reduced(table)
    if reduced is None:
        return None
    if not all(_passes(check, reduced) for check in context):
        return None
    rows = pa_arrow.array(range(plain.first_row, plain.first_row + table.num_rows), pa_arrow.int64())
    return table.add_column(0, "source_row", rows)


def rows_frame(table: pa_arrow.Table) -> pd.DataFrame:
    """validate_plain's table as the careful path's typed rows: a DataFrame indexed by row number."""
    frame = table.drop_columns(["source_row"]).to_pandas()
    frame.index = pd.Index(table["source_row"].to_numpy(), name="row")
    return frame
