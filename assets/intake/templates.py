"""XLSX templates for a department's submission, generated from the same schema (COLUMNS,
REQUIRED_COLUMNS), catalog (the department's series) and code lists the validator uses, so the
template and the validation cannot disagree. See docs/submissions.md, "Templates".

The workbook: sheet `Indberetning` (read by the pipeline: the first visible sheet) with a title
row, a row of Danish labels, the header row with the exact column names and one prefilled row per
cell the department is expected to deliver for one example period (the round's month); sheet
`Koder` lists the codes for reference.

Every cell is written through `neutral.csv_cell`: a text from the catalog or the code lists can
never become a formula in the workbook (or when a clerk later edits the cell).
"""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from assets.intake.neutral import csv_cell
from schemas.catalog import Catalog
from schemas.code_lists import CITY, codes, computation, district_codes, load_code_list
from schemas.submission import COLUMNS, LABELS_DA, ROUND_RE

SHEET = "Indberetning"
CODES_SHEET = "Koder"
TITLE_ROW, LABEL_ROW, HEADER_ROW = 1, 2, 3
FIRST_DATA_ROW = HEADER_ROW + 1
SPARE_ROWS = 200

# The rule of each column in plain words (docs/submissions.md, "Columns"); shown as a comment
# on the header cell. Code lists are filled in from the same CSVs the schema checks against.
RULES = {
    "department": "Required. The department code ({departments}); must equal the one in the file name.",
    "round": "Required. YYYY-05 (spring) or YYYY-11 (November); must equal the round in the file name.",
    "indicator": "Required. A series this department delivers: {series}.",
    "reference_period": "Required. The measurement month YYYY-MM or year YYYY; not after the round's month.",
    "district": "Required. District code ({districts}) for district-level series (all 10 for each period; "
                "0 / 0 where nobody is in scope), KBH for city-level series. A district-level series may add "
                "a KBH row as a control total.",
    "subunit": "Optional. A finer unit inside the district (school, institution, housing section); "
               "empty when not used.",
    "group": "Required. Population group ({groups}); only the groups the series uses.",
    "sex": "Required. F, M, or T when not split by sex; a cell is given either as T or as F + M, never both.",
    "numerator": "Required except for reported series. Number >= 0: persons/units with the trait (whole "
                 "numbers); for mean-type series the SUM of the values. For rates numerator <= denominator.",
    "denominator": "Required for rate and mean series. Number >= 0: persons/units in scope "
                   "(respondents for surveys), whole numbers.",
    "value": "Only for reported series (a rank that cannot be computed from counts); empty otherwise.",
    "sd": "Optional. For mean-type series: the standard deviation of the values in the cell (>= 0).",
    "note": "Optional. Free text, kept with the row.",
}

_TITLE_FONT = Font(bold=True, size=14)
_HEADER_FONT = Font(bold=True)
_LABEL_FONT = Font(italic=True, color="555555")
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
_INPUT_FILL = PatternFill("solid", fgColor="FFF7D6")  # the cells the department fills in


def series_rows(catalog: Catalog, department: str) -> list[dict]:
    """Per series the department delivers: what it is and which cells and columns it needs."""
    out = []
    for source, members in catalog.series_of(department).items():
        comps = {m.computation for m in members}
        groups = {g for m in members for g in (m.group, m.reference_group) if g}
        needs = [computation(c) for c in comps]  # schemas/code_lists/computations.csv
        reported = any(n.needs_value for n in needs)
        mean = any(n.uses_sd for n in needs)
        out.append({
            "indicator": source,
            "districts": members[0].districts,
            "groups": [g for g in codes("groups") if g in groups],
            "sexes": ["F", "M"] if any(m.sex for m in members) else ["T"],
            "reported": reported,
            "mean": mean,
            "share": any(n.is_percentage for n in needs),
            "computation": ", ".join(sorted(comps)),
            "fill": ["value"] if reported else (["numerator", "denominator", "sd"] if mean
                                                else ["numerator", "denominator"]),
            "titles": "; ".join(f"{m.code}: {m.title_da}" for m in members),
        })
    return out


def expected_rows(catalog: Catalog, department: str, round_key: str) -> list[dict]:
    """The cells the department is expected to deliver for one period (the round's month)."""
    rows = []
    for s in series_rows(catalog, department):
        for district in (district_codes(include_city=False) if s["districts"] else [CITY]):
            for group in s["groups"]:
                for sex in s["sexes"]:
                    rows.append({"department": department, "round": round_key, "indicator": s["indicator"],
                                 "reference_period": round_key, "district": district, "subunit": None,
                                 "group": group, "sex": sex, "_series": s})
    return rows


def _department_name(department: str) -> str:
    deps = load_code_list("departments").set_index("code")
    return deps.at[department, "name_da"]


def check_arguments(catalog: Catalog, department: str, round_key: str) -> None:
    """ValueError with a plain message when the department or round cannot get a template."""
    if department not in codes("departments"):
        raise ValueError(f"unknown department {department!r}; expected one of {', '.join(codes('departments'))}")
    if not re.match(ROUND_RE, round_key or ""):
        raise ValueError(f"round {round_key!r} must be YYYY-05 or YYYY-11")
    if not catalog.series_of(department):
        raise ValueError(f"the catalog has no series delivered by {department}")


def make_template(catalog: Catalog, department: str, round_key: str, path: Path) -> Path:
    """Write the XLSX template for `department` and `round_key` to `path`; return the path."""
    check_arguments(catalog, department, round_key)
    path = Path(path)
    series = series_rows(catalog, department)
    rows = expected_rows(catalog, department, round_key)
    col = {c: get_column_letter(i + 1) for i, c in enumerate(COLUMNS)}

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET

    # Row 1: title, merged over the columns.
    ws.cell(TITLE_ROW, 1, csv_cell(f"Integrationsbarometer – {_department_name(department)} ({department}) – "
                                   f"runde {round_key}"))
    ws.cell(TITLE_ROW, 1).font = _TITLE_FONT
    ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=len(COLUMNS))

    # Row 2: Danish labels; row 3: the exact column names, each with its rule as a comment.
    rule_args = {
        "departments": ", ".join(codes("departments")),
        "districts": ", ".join(codes("districts")),
        "groups": ", ".join(codes("groups")),
        "series": ", ".join(s["indicator"] for s in series),
    }
    for i, c in enumerate(COLUMNS, start=1):
        label = ws.cell(LABEL_ROW, i, csv_cell(LABELS_DA[c]))
        label.font = _LABEL_FONT
        head = ws.cell(HEADER_ROW, i, csv_cell(c))
        head.font, head.fill = _HEADER_FONT, _HEADER_FILL
        comment = Comment(RULES[c].format(**rule_args), "barometer")
        comment.width, comment.height = 320, 140
        head.comment = comment
        ws.column_dimensions[get_column_letter(i)].width = max(12, len(LABELS_DA[c]) + 2, len(c) + 2)
    ws.column_dimensions[col["note"]].width = 30

    # Rows 4..: one row per expected cell; the cells to fill are shaded.
    for r, row in enumerate(rows, start=FIRST_DATA_ROW):
        for c in ("department", "round", "indicator", "reference_period", "district", "group", "sex"):
            ws[f"{col[c]}{r}"] = csv_cell(row[c])
        for c in row["_series"]["fill"]:
            ws[f"{col[c]}{r}"].fill = _INPUT_FILL
    last_row = FIRST_DATA_ROW + len(rows) - 1
    end = last_row + SPARE_ROWS
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"

    # Data validation: dropdowns from the code lists and the department's series, numbers >= 0.
    def add(dv: DataValidation, column: str, first: int = FIRST_DATA_ROW, last: int = end) -> None:
        if first <= last:
            dv.add(f"{col[column]}{first}:{col[column]}{last}")
            ws.add_data_validation(dv)

    def dropdown(values: list[str], what: str) -> DataValidation:
        return DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                              showErrorMessage=True, errorTitle="Ugyldig kode",
                              error=f"Vælg en kode for {what} fra listen (se arket {CODES_SHEET}).")

    add(dropdown([department], "forvaltning"), "department")
    add(dropdown([round_key], "runde"), "round")
    add(dropdown([s["indicator"] for s in series], "indikator"), "indicator")
    add(dropdown(codes("districts"), "bydel"), "district")
    add(dropdown([g for g in codes("groups") if any(g in s["groups"] for s in series)], "befolkningsgruppe"), "group")
    add(dropdown(codes("sexes"), "køn"), "sex")

    def number(kind: str, what: str) -> DataValidation:
        return DataValidation(type=kind, operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                              showErrorMessage=True, errorTitle="Ugyldigt tal",
                              error=f"{what} skal være et {'helt ' if kind == 'whole' else ''}tal ≥ 0.")

    # Counts are whole numbers, except the numerator of mean-type series (a sum of values, e.g.
    # grades) and of rows added by hand below the prefilled ones (series unknown in advance).
    whole_rows = [r for r, row in enumerate(rows, start=FIRST_DATA_ROW) if not row["_series"]["mean"]]
    whole = number("whole", "Tælleren")
    decimal = number("decimal", "Tælleren")
    for r, _row in enumerate(rows, start=FIRST_DATA_ROW):
        (whole if r in whole_rows else decimal).add(f"{col['numerator']}{r}")
    decimal.add(f"{col['numerator']}{last_row + 1}:{col['numerator']}{end}")
    ws.add_data_validation(whole)
    ws.add_data_validation(decimal)
    add(number("whole", "Nævneren"), "denominator")
    add(number("decimal", "Standardafvigelsen"), "sd")

    _codes_sheet(wb.create_sheet(CODES_SHEET), series)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _codes_sheet(ws, series: list[dict]) -> None:
    """The code lists and the department's series, for reference (never read by the pipeline)."""
    r = 1

    def table(title: str, header: list[str], rows: list[list]) -> None:
        nonlocal r
        ws.cell(r, 1, csv_cell(title)).font = _TITLE_FONT
        r += 1
        for i, h in enumerate(header, start=1):
            cell = ws.cell(r, i, csv_cell(h))
            cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        r += 1
        for row in rows:
            for i, v in enumerate(row, start=1):
                ws.cell(r, i, csv_cell(v)).alignment = Alignment(vertical="top", wrap_text=i == len(row))
            r += 1
        r += 1

    levels = {True: "bydel (10 bydele)", False: f"by ({CITY})"}
    table("Indikatorer (serier) – indicator", ["kode", "niveau", "grupper", "køn", "udfyld", "beregning", "titel"],
          [[s["indicator"], levels[s["districts"]], ", ".join(s["groups"]), ", ".join(s["sexes"]),
            ", ".join(LABELS_DA[c] for c in s["fill"]), s["computation"], s["titles"]] for s in series])
    d = load_code_list("districts")
    table("Bydele – district", ["kode", "navn", "nr."], d[["code", "name", "number"]].values.tolist())
    g = load_code_list("groups")
    table("Befolkningsgrupper – group", ["kode", "navn"], g[["code", "label_da"]].values.tolist())
    s = load_code_list("sexes")
    table("Køn – sex", ["kode", "navn"], s[["code", "label_da"]].values.tolist())
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions["B"].width = 28
    for c in "CDEF":
        ws.column_dimensions[c].width = 16
    ws.column_dimensions["G"].width = 80
