"""XLSX templates for a department's submission, generated from the same schema (COLUMNS,
REQUIRED_COLUMNS), catalog (the department's series) and code lists the validator uses, so the
template and the validation cannot disagree. See docs/submissions.md, "Templates".

The workbook: sheet `Indberetning` (read by the pipeline: the first visible sheet) with a title
row, a row of Danish labels, the header row with the exact column names and one prefilled row per
cell the department is expected to deliver for one example period (the round's month); sheet
`Koder` lists the codes for reference. The instructions (title, labels, the rule of each column,
the dropdowns' messages, the code sheet) are in Danish by default and in English with
`lang="en"` (core/messages/<lang>.yml, `template.*`); column names and codes are the same in both.

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
from core.i18n import current_language, t
from schemas.catalog import Catalog
from schemas.code_lists import CITY, codes, computation, district_codes, load_code_list
from schemas.submission import COLUMNS, ROUND_RE

SHEET = "Indberetning"
CODES_SHEET = "Koder"
TITLE_ROW, LABEL_ROW, HEADER_ROW = 1, 2, 3
FIRST_DATA_ROW = HEADER_ROW + 1
SPARE_ROWS = 200



def rules(lang: str | None = None) -> dict[str, str]:
    """The rule of each column in plain words (docs/submissions.md, "Columns"), shown as a comment
    on the header cell; its code lists are filled in from the same CSVs the schema checks against."""
    return {c: t(lang, f"template.rule.{c}") for c in COLUMNS}

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
            "titles_en": "; ".join(f"{m.code}: {m.title_en}" for m in members),
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


def _department_name(department: str, lang: str = "da") -> str:
    deps = load_code_list("departments").set_index("code")
    return deps.at[department, f"name_{lang}"]


def check_arguments(catalog: Catalog, department: str, round_key: str) -> None:
    """ValueError with a plain message (in the current language) when the department or round
    cannot get a template."""
    if department not in codes("departments"):
        raise ValueError(t(None, "template.errors.unknown_department", department=repr(department),
                           departments=", ".join(codes("departments"))))
    if not re.match(ROUND_RE, round_key or ""):
        raise ValueError(t(None, "template.errors.round_format", round=repr(round_key)))
    if not catalog.series_of(department):
        raise ValueError(t(None, "template.errors.no_series", department=department))


def make_template(catalog: Catalog, department: str, round_key: str, path: Path, lang: str | None = None) -> Path:
    """Write the XLSX template for `department` and `round_key` to `path`, its instructions in
    `lang` (default: the current language, Danish); return the path."""
    lang = lang or current_language()
    check_arguments(catalog, department, round_key)
    path = Path(path)
    series = series_rows(catalog, department)
    rows = expected_rows(catalog, department, round_key)
    col = {c: get_column_letter(i + 1) for i, c in enumerate(COLUMNS)}

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET

    # Row 1: title, merged over the columns.
    ws.cell(TITLE_ROW, 1, csv_cell(t(lang, "template.title", department_name=_department_name(department, lang),
                                     department=department, round=round_key)))
    ws.cell(TITLE_ROW, 1).font = _TITLE_FONT
    ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=len(COLUMNS))

    # Row 2: labels in the language; row 3: the exact column names, each with its rule as a comment.
    rule_args = {
        "departments": ", ".join(codes("departments")),
        "districts": ", ".join(codes("districts")),
        "groups": ", ".join(codes("groups")),
        "series": ", ".join(s["indicator"] for s in series),
    }
    texts = rules(lang)
    for i, c in enumerate(COLUMNS, start=1):
        label = ws.cell(LABEL_ROW, i, csv_cell(t(lang, f"template.label.{c}")))
        label.font = _LABEL_FONT
        head = ws.cell(HEADER_ROW, i, csv_cell(c))
        head.font, head.fill = _HEADER_FONT, _HEADER_FILL
        comment = Comment(texts[c].format(**rule_args), "barometer")
        comment.width, comment.height = 320, 140
        head.comment = comment
        ws.column_dimensions[get_column_letter(i)].width = max(12, len(label.value) + 2, len(c) + 2)
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
                              showErrorMessage=True, errorTitle=t(lang, "template.invalid_code"),
                              error=t(lang, "template.choose_code", what=t(lang, f"template.what.{what}"),
                                      sheet=CODES_SHEET))

    add(dropdown([department], "department"), "department")
    add(dropdown([round_key], "round"), "round")
    add(dropdown([s["indicator"] for s in series], "indicator"), "indicator")
    add(dropdown(codes("districts"), "district"), "district")
    add(dropdown([g for g in codes("groups") if any(g in s["groups"] for s in series)], "group"), "group")
    add(dropdown(codes("sexes"), "sex"), "sex")

    def number(kind: str, what: str) -> DataValidation:
        return DataValidation(type=kind, operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                              showErrorMessage=True, errorTitle=t(lang, "template.invalid_number"),
                              error=t(lang, "template.whole_number" if kind == "whole" else "template.number",
                                      what=t(lang, f"template.what.{what}")))

    # Counts are whole numbers, except the numerator of mean-type series (a sum of values, e.g.
    # grades) and of rows added by hand below the prefilled ones (series unknown in advance).
    whole_rows = [r for r, row in enumerate(rows, start=FIRST_DATA_ROW) if not row["_series"]["mean"]]
    whole = number("whole", "numerator")
    decimal = number("decimal", "numerator")
    for r, _row in enumerate(rows, start=FIRST_DATA_ROW):
        (whole if r in whole_rows else decimal).add(f"{col['numerator']}{r}")
    decimal.add(f"{col['numerator']}{last_row + 1}:{col['numerator']}{end}")
    ws.add_data_validation(whole)
    ws.add_data_validation(decimal)
    add(number("whole", "denominator"), "denominator")
    add(number("decimal", "sd"), "sd")

    _codes_sheet(wb.create_sheet(CODES_SHEET), series, lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _codes_sheet(ws, series: list[dict], lang: str) -> None:
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

    def w(key: str, **fields) -> str:
        return t(lang, f"template.codes.{key}", **fields)

    levels = {True: w("district_level"), False: w("city_level", city=CITY)}
    table(w("series"), [w(k) for k in ("code", "level", "groups_used", "sex", "fill", "computation", "title")],
          [[s["indicator"], levels[s["districts"]], ", ".join(s["groups"]), ", ".join(s["sexes"]),
            ", ".join(t(lang, f"template.label.{c}") for c in s["fill"]), s["computation"],
            s["titles" if lang == "da" else "titles_en"]]
           for s in series])
    label = f"label_{lang}"
    d = load_code_list("districts")
    table(w("districts"), [w("code"), w("name"), w("number")], d[["code", "name", "number"]].values.tolist())
    g = load_code_list("groups")
    table(w("groups"), [w("code"), w("name")], g[["code", label]].values.tolist())
    s = load_code_list("sexes")
    table(w("sexes"), [w("code"), w("name")], s[["code", label]].values.tolist())
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions["B"].width = 28
    for c in "CDEF":
        ws.column_dimensions[c].width = 16
    ws.column_dimensions["G"].width = 80
