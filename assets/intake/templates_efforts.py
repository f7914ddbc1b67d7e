"""XLSX templates for the other half of each round (docs/submissions.md, "Templates"): the effort
statement (`--kind efforts`) and the project bank (`--kind projects`), generated from the same
columns, code lists and rule records the validator uses.

The workbook: sheet `Indberetning` (read by the pipeline) with a title row, a row of Danish labels
and the header row with the exact column names (each with its rule as a comment), then empty rows
with dropdowns from the code lists; sheet `Eksempel` shows filled-in rows (never read: the
pipeline reads the first visible sheet); sheet `Koder` lists the codes. No data row is prefilled:
an effort's rows are the clerk's to write. Every cell is written through `neutral.csv_cell`, so no
text can become a formula. The instructions are Danish by default and English with `lang="en"`
(core/messages/<lang>.yml, `template.*`); column names, codes and the ja/nej values are the same."""

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
from schemas.code_lists import codes, load_code_list
from schemas.efforts import (
    EFFORT_COLUMNS,
    EFFORT_TEXT,
    MAX_PRIORITY_AREAS,
    PROJECT_COLUMNS,
    STATEMENT_YEARS_AHEAD,
    committee_of,
)
from schemas.rounds import ROUND_RE

SHEET, EXAMPLE_SHEET, CODES_SHEET = "Indberetning", "Eksempel", "Koder"
TITLE_ROW, LABEL_ROW, HEADER_ROW = 1, 2, 3
FIRST_DATA_ROW = HEADER_ROW + 1
ROWS = 300
KINDS = ("efforts", "projects")
RULED = ("department", "round", "statement_year", "row_type", "effort_id", "budget_year", "area", "budget_dkk",
         "committee", "indicators", "evaluated", "statistical_follow_up", "evaluation", "assessment", "project_id",
         "owner_department", "priority_areas", "start_month", "end_month", "total_budget_dkk", "status", "year",
         "cofinancing_dkk", "note")  # the columns with a rule of their own; the rest are free text (described)


def rules(lang: str | None = None) -> dict[str, str]:
    """The rule of each column in plain words (a comment on its header cell), in `lang`."""
    return {c: t(lang, f"template.effort_rule.{c}") for c in RULED}


_TITLE_FONT, _HEADER_FONT = Font(bold=True, size=14), Font(bold=True)
_LABEL_FONT = Font(italic=True, color="555555")
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")


def check_arguments(kind: str, department: str, round_key: str) -> None:
    """ValueError with a plain message (in the current language) when no template of `kind` can be made."""
    if kind not in KINDS:
        raise ValueError(t(None, "template.errors.unknown_kind", kind=repr(kind), kinds=", ".join(KINDS)))
    if department not in codes("departments"):
        raise ValueError(t(None, "template.errors.unknown_department", department=repr(department),
                           departments=", ".join(codes("departments"))))
    if not re.fullmatch(ROUND_RE, round_key or ""):
        raise ValueError(t(None, "template.errors.round_format", round=repr(round_key)))


def _example(kind: str, department: str, round_key: str, lang: str = "da") -> list[dict]:
    year = int(round_key[:4])
    if kind == "efforts":
        first = {"effort_id": f"{department}-EKS1", "effort_name": t(lang, "template.example.effort_name"),
                 "committee": committee_of(department), "indicators": "HOU-M1; HOU-M2",
                 "activities": t(lang, "template.example.activities"), "evaluated": "ja", "evaluation": "intern",
                 "statistical_follow_up": "ja", "assessment": "tilfredsstillende"}
        rows = [{"row_type": "effort", "effort_id": f"{department}-EKS1", "budget_year": year + i, "area": "housing",
                 "budget_dkk": 6000000, **(first if i == 0 else {})} for i in range(2)]
        rows += [{"row_type": "total", "budget_year": year, "budget_dkk": 6000000},
                 {"row_type": "total", "budget_dkk": 12000000, "note": t(lang, "template.example.total_note")}]
        return [{"department": department, "round": round_key, "statement_year": year, **r} for r in rows]
    base = {"department": department, "round": round_key, "project_id": "PB-001",
            "project_name": t(lang, "template.example.project_name"), "owner_department": department,
            "priority_areas": "education; culture_leisure",
            "start_month": f"{year - 1}-09", "end_month": f"{year + 1}-06", "total_budget_dkk": 450000,
            "status": "active"}
    return [{**base, "year": y, "cofinancing_dkk": 75000} for y in (year - 1, year)]


def make_template(kind: str, department: str, round_key: str, path: Path, lang: str | None = None) -> Path:
    """Write the XLSX template of `kind` (efforts, projects) for `department` and `round_key`, its
    instructions in `lang` (default: the current language, Danish)."""
    lang = lang or current_language()
    check_arguments(kind, department, round_key)
    columns = EFFORT_COLUMNS if kind == "efforts" else PROJECT_COLUMNS
    year = int(round_key[:4])
    fields = {"department": department, "round": round_key, "year": year, "last": year + STATEMENT_YEARS_AHEAD,
              "areas": ", ".join(codes("areas")), "committee": committee_of(department) or "-",
              "departments": ", ".join(codes("departments")), "max_areas": MAX_PRIORITY_AREAS}
    col = {c: get_column_letter(i + 1) for i, c in enumerate(columns)}
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    name = load_code_list("departments").set_index("code").at[department, f"name_{lang}"]
    kind_title = t(lang, f"template.kind.{kind}")
    _head(ws, columns, t(lang, "template.title_other", kind_title=kind_title, department_name=name,
                         department=department, round=round_key), fields, lang)
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    last = FIRST_DATA_ROW + ROWS

    def dropdown(column: str, values: list[str], what: str) -> None:
        if column not in col:
            return
        dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle=t(lang, "template.invalid_value"),
                            error=t(lang, "template.choose_value", what=t(lang, f"template.what.{what}"),
                                    sheet=CODES_SHEET))
        dv.add(f"{col[column]}{FIRST_DATA_ROW}:{col[column]}{last}")
        ws.add_data_validation(dv)

    dropdown("department", [department], "department")
    dropdown("round", [round_key], "round")
    dropdown("row_type", ["effort", "total"], "row_type")
    dropdown("committee", codes("committees"), "committee")
    dropdown("area", codes("areas"), "area")
    dropdown("evaluated", ["ja", "nej"], "yes_no")
    dropdown("statistical_follow_up", ["ja", "nej"], "yes_no")
    dropdown("evaluation", ["intern", "ekstern"], "evaluation")
    dropdown("assessment", codes("assessments"), "assessment")
    dropdown("owner_department", codes("departments"), "department")
    dropdown("status", ["active", "closed"], "status")
    for c in ("budget_dkk", "total_budget_dkk", "cofinancing_dkk"):
        if c in col:
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                showErrorMessage=True, errorTitle=t(lang, "template.invalid_number"),
                                error=t(lang, "template.amount"))
            dv.add(f"{col[c]}{FIRST_DATA_ROW}:{col[c]}{last}")
            ws.add_data_validation(dv)
    for c in EFFORT_TEXT[2:]:
        if c in col and c not in ("indicators", "evaluated", "evaluation", "statistical_follow_up", "assessment"):
            for r in range(FIRST_DATA_ROW, last + 1):
                ws[f"{col[c]}{r}"].alignment = Alignment(wrap_text=True, vertical="top")
    example = wb.create_sheet(EXAMPLE_SHEET)
    _head(example, columns, t(lang, "template.example_title", kind_title=kind_title), fields, lang)
    for r, row in enumerate(_example(kind, department, round_key, lang), start=FIRST_DATA_ROW):
        for i, c in enumerate(columns, start=1):
            example.cell(r, i, csv_cell(row.get(c))).alignment = Alignment(wrap_text=True, vertical="top")
    _codes_sheet(wb.create_sheet(CODES_SHEET), lang)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _head(ws, columns: list[str], title: str, fields: dict, lang: str) -> None:
    ws.cell(TITLE_ROW, 1, csv_cell(title)).font = _TITLE_FONT
    ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=len(columns))
    for i, c in enumerate(columns, start=1):
        ws.cell(LABEL_ROW, i, csv_cell(t(lang, f"template.label.{c}"))).font = _LABEL_FONT
        head = ws.cell(HEADER_ROW, i, csv_cell(c))
        head.font, head.fill = _HEADER_FONT, _HEADER_FILL
        comment = Comment(t(lang, f"template.effort_rule.{c if c in RULED else 'described'}").format(**fields),
                          "barometer")
        comment.width, comment.height = 320, 140
        head.comment = comment
        ws.column_dimensions[get_column_letter(i)].width = 30 if c in EFFORT_TEXT[2:] else max(12, len(c) + 2)


def _codes_sheet(ws, lang: str) -> None:
    """The code lists the dropdowns use, for reference (never read by the pipeline)."""
    r = 1
    for name, shown in (("areas", ["code", f"label_{lang}"]), ("committees", ["code", f"name_{lang}", "department"]),
                        ("assessments", ["code"]), ("departments", ["code", f"name_{lang}"])):
        ws.cell(r, 1, csv_cell(t(lang, f"template.codes.{name}"))).font = _TITLE_FONT
        r += 1
        for row in load_code_list(name)[shown].values.tolist():
            for i, v in enumerate(row, start=1):
                ws.cell(r, i, csv_cell(v))
            r += 1
        r += 1
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 40
