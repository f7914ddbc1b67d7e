"""XLSX templates for the other half of each round (docs/submissions.md, "Templates"): the effort
statement (`--kind efforts`) and the project bank (`--kind projects`), generated from the same
columns, code lists and rule records the validator uses.

The workbook: sheet `Indberetning` (read by the pipeline) with a title row, a row of Danish labels
and the header row with the exact column names (each with its rule as a comment), then empty rows
with dropdowns from the code lists; sheet `Eksempel` shows filled-in rows (never read: the
pipeline reads the first visible sheet); sheet `Koder` lists the codes. No data row is prefilled:
an effort's rows are the clerk's to write. Every cell is written through `neutral.csv_cell`, so no
text can become a formula."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from assets.intake.neutral import csv_cell
from schemas.code_lists import codes, load_code_list
from schemas.efforts import (
    EFFORT_COLUMNS,
    EFFORT_TEXT,
    LABELS_DA,
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
TITLES = {"efforts": "Redegørelse for integrationsindsatser", "projects": "Projektbanken"}

RULES = {
    "department": "Påkrævet. Forvaltningens kode ({department}), som i filens navn.",
    "round": "Påkrævet. Runden ({round}), som i filens navn.",
    "statement_year": "Påkrævet. Redegørelsens år = rundens år ({year}).",
    "row_type": "Påkrævet. effort: en indsats' budget for ét budgetår og ét politikområde; total: redegørelsens "
                "egen kontroltotal for et budgetår (eller uden budgetår: i alt). Totaler sammenlignes med rækkerne "
                "og bruges aldrig som tal.",
    "effort_id": "Påkrævet i effort-rækker, tom i total-rækker. En fast kode for indsatsen, den samme hvert år "
                 "(fx {department}-UDLEJ).",
    "budget_year": "Påkrævet i effort-rækker. Et helt år fra {year} til {last}.",
    "area": "Påkrævet i effort-rækker. Politikområdet, budgettet tæller under ({areas}).",
    "budget_dkk": "Påkrævet. Beløbet i hele kroner som et tal (6000000, ikke '6,0 mio.').",
    "committee": "Udvalget ({committee}); på mindst én af indsatsens rækker.",
    "indicators": "Indikatorkoder fra kataloget, adskilt af semikolon (fx HOU-M2; SAF-2).",
    "evaluated": "ja eller nej.", "statistical_follow_up": "ja eller nej.", "evaluation": "intern eller ekstern.",
    "assessment": "tilfredsstillende, delvist tilfredsstillende eller ikke tilfredsstillende.",
    "project_id": "Påkrævet. En fast kode for projektet, den samme hvert år.",
    "owner_department": "Påkrævet. Den ansvarlige forvaltning ({departments}).",
    "priority_areas": "Påkrævet. Højst {max_areas} politikområder i prioriteret rækkefølge, adskilt af semikolon "
                      "({areas}).",
    "start_month": "Påkrævet. Projektperiodens første måned, ÅÅÅÅ-MM.",
    "end_month": "Påkrævet. Projektperiodens sidste måned, ÅÅÅÅ-MM.",
    "total_budget_dkk": "Påkrævet. Projektets samlede budget over perioden i hele kroner; mindst 50000.",
    "status": "Påkrævet. active (aktivt) eller closed (afsluttet).",
    "year": "Påkrævet. Året for medfinansieringen, inden for projektperioden (én række pr. projekt og år).",
    "cofinancing_dkk": "Påkrævet. Kommunens medfinansiering det år i hele kroner.",
    "note": "Valgfri. Fri tekst.",
}
DESCRIBED = "Fri tekst (linjeskift er tilladt); på mindst én af indsatsens rækker, ens eller tom på de øvrige."

_TITLE_FONT, _HEADER_FONT = Font(bold=True, size=14), Font(bold=True)
_LABEL_FONT = Font(italic=True, color="555555")
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")


def check_arguments(kind: str, department: str, round_key: str) -> None:
    """ValueError with a plain message when no template of `kind` can be made."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of indicators, {', '.join(KINDS)}")
    if department not in codes("departments"):
        raise ValueError(f"unknown department {department!r}; expected one of {', '.join(codes('departments'))}")
    if not re.fullmatch(ROUND_RE, round_key or ""):
        raise ValueError(f"round {round_key!r} must be YYYY-05 or YYYY-11")


def _example(kind: str, department: str, round_key: str) -> list[dict]:
    year = int(round_key[:4])
    if kind == "efforts":
        first = {"effort_id": f"{department}-EKS1", "effort_name": "Eksempel: nye udlejningsmodeller",
                 "committee": committee_of(department), "indicators": "HOU-M1; HOU-M2",
                 "activities": "Kombineret udlejning\nFleksibel udlejning", "evaluated": "ja", "evaluation": "intern",
                 "statistical_follow_up": "ja", "assessment": "tilfredsstillende"}
        rows = [{"row_type": "effort", "effort_id": f"{department}-EKS1", "budget_year": year + i, "area": "housing",
                 "budget_dkk": 6000000, **(first if i == 0 else {})} for i in range(2)]
        rows += [{"row_type": "total", "budget_year": year, "budget_dkk": 6000000},
                 {"row_type": "total", "budget_dkk": 12000000, "note": "i alt"}]
        return [{"department": department, "round": round_key, "statement_year": year, **r} for r in rows]
    base = {"department": department, "round": round_key, "project_id": "PB-001", "project_name": "Eksempel: "
            "lektiecafé", "owner_department": department, "priority_areas": "education; culture_leisure",
            "start_month": f"{year - 1}-09", "end_month": f"{year + 1}-06", "total_budget_dkk": 450000,
            "status": "active"}
    return [{**base, "year": y, "cofinancing_dkk": 75000} for y in (year - 1, year)]


def make_template(kind: str, department: str, round_key: str, path: Path) -> Path:
    """Write the XLSX template of `kind` (efforts, projects) for `department` and `round_key`."""
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
    name = load_code_list("departments").set_index("code").at[department, "name_da"]
    _head(ws, columns, f"{TITLES[kind]} – {name} ({department}) – runde {round_key}", fields)
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    last = FIRST_DATA_ROW + ROWS

    def dropdown(column: str, values: list[str], what: str) -> None:
        if column not in col:
            return
        dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="Ugyldig værdi",
                            error=f"Vælg {what} fra listen (se arket {CODES_SHEET}).")
        dv.add(f"{col[column]}{FIRST_DATA_ROW}:{col[column]}{last}")
        ws.add_data_validation(dv)

    dropdown("department", [department], "forvaltning")
    dropdown("round", [round_key], "runde")
    dropdown("row_type", ["effort", "total"], "rækketype")
    dropdown("committee", codes("committees"), "udvalg")
    dropdown("area", codes("areas"), "politikområde")
    dropdown("evaluated", ["ja", "nej"], "ja eller nej")
    dropdown("statistical_follow_up", ["ja", "nej"], "ja eller nej")
    dropdown("evaluation", ["intern", "ekstern"], "intern eller ekstern")
    dropdown("assessment", codes("assessments"), "en vurdering")
    dropdown("owner_department", codes("departments"), "forvaltning")
    dropdown("status", ["active", "closed"], "status")
    for c in ("budget_dkk", "total_budget_dkk", "cofinancing_dkk"):
        if c in col:
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                showErrorMessage=True, errorTitle="Ugyldigt tal",
                                error="Skriv beløbet i kroner som et tal ≥ 0 (fx 6000000).")
            dv.add(f"{col[c]}{FIRST_DATA_ROW}:{col[c]}{last}")
            ws.add_data_validation(dv)
    for c in EFFORT_TEXT[2:]:
        if c in col and c not in ("indicators", "evaluated", "evaluation", "statistical_follow_up", "assessment"):
            for r in range(FIRST_DATA_ROW, last + 1):
                ws[f"{col[c]}{r}"].alignment = Alignment(wrap_text=True, vertical="top")
    example = wb.create_sheet(EXAMPLE_SHEET)
    _head(example, columns, f"Eksempel (læses ikke) – {TITLES[kind]}", fields)
    for r, row in enumerate(_example(kind, department, round_key), start=FIRST_DATA_ROW):
        for i, c in enumerate(columns, start=1):
            example.cell(r, i, csv_cell(row.get(c))).alignment = Alignment(wrap_text=True, vertical="top")
    _codes_sheet(wb.create_sheet(CODES_SHEET))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _head(ws, columns: list[str], title: str, fields: dict) -> None:
    ws.cell(TITLE_ROW, 1, csv_cell(title)).font = _TITLE_FONT
    ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=len(columns))
    for i, c in enumerate(columns, start=1):
        ws.cell(LABEL_ROW, i, csv_cell(LABELS_DA[c])).font = _LABEL_FONT
        head = ws.cell(HEADER_ROW, i, csv_cell(c))
        head.font, head.fill = _HEADER_FONT, _HEADER_FILL
        comment = Comment(RULES.get(c, DESCRIBED).format(**fields), "barometer")
        comment.width, comment.height = 320, 140
        head.comment = comment
        ws.column_dimensions[get_column_letter(i)].width = 30 if c in EFFORT_TEXT[2:] else max(12, len(c) + 2)


def _codes_sheet(ws) -> None:
    """The code lists the dropdowns use, for reference (never read by the pipeline)."""
    r = 1
    for title, name, shown in (("Politikområder – area, priority_areas", "areas", ["code", "label_da"]),
                               ("Udvalg – committee", "committees", ["code", "name_da", "department"]),
                               ("Samlet vurdering – assessment", "assessments", ["code"]),
                               ("Forvaltninger – department, owner_department", "departments", ["code", "name_da"])):
        ws.cell(r, 1, csv_cell(title)).font = _TITLE_FONT
        r += 1
        for row in load_code_list(name)[shown].values.tolist():
            for i, v in enumerate(row, start=1):
                ws.cell(r, i, csv_cell(v))
            r += 1
        r += 1
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 40
