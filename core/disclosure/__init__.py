"""Disclosure control: the one package that decides what a published figure may show (docs/privacy.md).

The rules are data, `catalog/disclosure.yaml` beside the catalog (loaded and validated by
schemas/catalog.py, exposed here as `DisclosureRules` / `load_rules`): `min_count` and
`min_denominator`. Every threshold test, every suppression reason and every decision of what is
withheld lives here; the domains (assets/districts, assets/housing) hand in their cells, together
with the margins they publish, and shape the published tables from the decisions they get back.
Two modules: cells.py (the rules, every reason text, rules 1-5 and 7) and areas.py (rule 6);
everything is imported from here, `from core import disclosure`.

- Primary suppression (rule 1): a cell counting persons whose count of persons with the trait, or
  without it, lies between 1 and min_count - 1, or whose rate or mean rests on fewer than
  min_denominator persons.
- Secondary suppression (rule 2): within a group whose total is published (one indicator and
  period: the districts add up to the city) a single suppressed cell could be recovered by
  subtraction. Whenever a group has suppressed cells, more are suppressed (smallest counts first)
  until at least two are suppressed and together they hold at least the group's threshold: the
  attacker then learns only that sum, and each suppressed cell could be anything from 0 to it.
- Derived figures follow their cell (rules 3-4), cumulative counts are judged on their increments
  (rule 5), and the housing areas, their types' pooled shares and the decomposition's groups are
  judged in the same way (rule 6).
- Linked tables (rule 7): tables published from the same persons (a catalog `source` and its
  `sex` cuts; a pooled table and its parts, housing_rules.yaml) are one problem: a district
  withheld in one is withheld in all, and secondary suppression is chosen across the set
  (`links`, `suppress_linked`, `judge_together`).
"""

from core.disclosure.areas import (
    decomposition_reasons,
    housing_area_decisions,
    sections_small,
)
from core.disclosure.cells import (
    AREA_SECONDARY,
    AREA_SMALL_TYPE,
    CITY,
    GROUP_ALL,
    GROUP_PRIMARY,
    GROUP_SECONDARY,
    INCREMENT,
    JUDGED,
    LINKED,
    MAX_SECTION_WITHHELD,
    POOLED_WITHHELD,
    PRIMARY_SMALL_COUNT,
    PRIMARY_SMALL_DENOMINATOR,
    RULES_FILE,
    SECONDARY,
    WITHHELD,
    DisclosureRules,
    describe,
    is_small,
    judge_together,
    links,
    load_rules,
    pooled_cells,
    pooled_table,
    primary,
    primary_reason,
    public_reason,
    public_reasons,
    rate_reason,
    rules_path,
    secondary,
    small_counts,
    suppress,
    suppress_districts,
    suppress_linked,
    suppress_small_increments,
    withheld,
)

__all__ = [
    "AREA_SECONDARY",
    "AREA_SMALL_TYPE",
    "CITY",
    "decomposition_reasons",
    "describe",
    "DisclosureRules",
    "GROUP_ALL",
    "GROUP_PRIMARY",
    "GROUP_SECONDARY",
    "housing_area_decisions",
    "INCREMENT",
    "is_small",
    "judge_together",
    "JUDGED",
    "LINKED",
    "links",
    "load_rules",
    "MAX_SECTION_WITHHELD",
    "pooled_cells",
    "pooled_table",
    "POOLED_WITHHELD",
    "primary",
    "primary_reason",
    "PRIMARY_SMALL_COUNT",
    "PRIMARY_SMALL_DENOMINATOR",
    "public_reason",
    "public_reasons",
    "rate_reason",
    "RULES_FILE",
    "rules_path",
    "SECONDARY",
    "secondary",
    "sections_small",
    "small_counts",
    "suppress",
    "suppress_districts",
    "suppress_linked",
    "suppress_small_increments",
    "WITHHELD",
    "withheld",
]
