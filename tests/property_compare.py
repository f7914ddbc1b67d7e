"""compare(): everything the published warehouse says in the random rounds of
tests/test_property_rounds.py, checked against the independent recomputation (the "docs" model of
property_models): city values, district values, ranks, disclosure control (suppression, cells
recoverable by subtraction, cumulative counts) and the vintages."""

from __future__ import annotations

from fractions import Fraction

import recompute as rc
from property_models import Checker, Finding, Model, _none, _p_same, _same, models
from property_spec import CATALOG, DISTRICT_INDICATORS, FIRST_RUN_ROUNDS, INDICATORS, ROUNDS, RULES


def compare(deliveries: list[rc.Delivery], pub: dict) -> list[Finding]:
    ms = models(deliveries)
    ck = Checker(ms)
    m = ck.docs
    H = {(r.indicator, r.reference_period): r for r in pub["history"].itertuples() if r.indicator in INDICATORS}
    D = {(r.indicator, r.reference_period, r.district): r for r in pub["districts"].itertuples()
         if r.indicator in INDICATORS}

    # -- city values (barometer_history): value, comparison value, change, light, test, p-value
    expected_keys = {(c, o.period) for c in INDICATORS for o in m.city_series(c)}
    for code, period in sorted(expected_keys | set(H)):
        c = CATALOG["indicators"][code]
        r = H.get((code, period))
        if r is None or (code, period) not in expected_keys:
            ck.check("city measurement present", code, period, rc.CITY, r is not None,
                     lambda mm: (code, period) in {(code, o.period) for o in mm.city_series(code)})
            continue
        ck.check("city value", code, period, rc.CITY, r.value, lambda mm: mm.value(code, period, rc.CITY))
        if c["reference_group"]:
            ck.check("comparison value", code, period, rc.CITY, r.comparison_value,
                     lambda mm: mm.comparison(code, period))
        ck.check("previous period", code, period, rc.CITY, _none(r.previous_period),
                 lambda mm: mm.city_step(code, period)[0])
        ck.check("change since previous", code, period, rc.CITY, r.change_since_previous,
                 lambda mm: mm.city_step(code, period)[1])
        ck.check("light", code, period, rc.CITY, _none(r.light), lambda mm: mm.city_step(code, period)[2]["light"])
        if _none(r.light) is not None:
            ck.check("light's test", code, period, rc.CITY, _none(r.test),
                     lambda mm: mm.city_step(code, period)[2].get("test"))
            ck.check("light's p-value", code, period, rc.CITY, _none(r.p_value),
                     lambda mm: mm.city_step(code, period)[2].get("p"), same=_p_same)
        o = m.obs[(code, period, rc.CITY)]
        if c["computation"] != "cumulative_count":
            ck.check("published_round (round of the rows behind the figure)", code, period, rc.CITY,
                     r.published_round, lambda mm: max(mm.obs[(code, period, rc.CITY)].rounds))

    # -- district values
    for code in DISTRICT_INDICATORS:
        c = CATALOG["indicators"][code]
        dec = c["decimals"]
        periods = sorted({p for (cc, p, u) in m.obs if cc == code}, key=rc.reference_date)
        for p in sorted({p for (cc, p, u) in D if cc == code} - set(periods)):
            ck.check("district period present", code, p, "*", True,
                     lambda mm: any(cc == code and pp == p for (cc, pp, u) in mm.obs))
        for p in periods:
            city = D.get((code, p, rc.CITY))
            if city is None:
                ck.add("district_values KBH row present", code, p, rc.CITY, None, m.value(code, p, rc.CITY))
            else:
                ck.check("district_values KBH value", code, p, rc.CITY, city.value,
                         lambda mm: mm.value(code, p, rc.CITY))
                h = H.get((code, p))
                if h is not None and not _same(city.value, h.value):
                    a = ck.matching(city.value, lambda mm: mm.value(code, p, rc.CITY))
                    b = ck.matching(h.value, lambda mm: mm.value(code, p, rc.CITY))
                    ck.add("KBH row of district_values = barometer_history", code, p, rc.CITY, city.value, h.value,
                           f"two roundings: district_values as '{a[0] if a else '?'}', "
                           f"barometer_history as '{b[0] if b else '?'}'" if a and b and a != b else "")
                if bool(city.suppressed):
                    ck.add("KBH never suppressed", code, p, rc.CITY, True, False)
                ck.check("district_values city_value", code, p, rc.CITY, city.city_value,
                         lambda mm: mm.value(code, p, rc.CITY))
            hidden = []
            for dist in rc.DISTRICTS:
                o, r = m.obs.get((code, p, dist)), D.get((code, p, dist))
                if o is None or r is None:
                    if o is not None or r is not None:
                        ck.check("district row present", code, p, dist, r is not None,
                                 lambda mm: (code, p, dist) in mm.obs)
                    continue
                if bool(r.suppressed):
                    hidden.append(dist)
                    derived = tuple(_none(x) for x in (r.value, r.deviation_from_city, r.change_since_previous,
                                                       r.share_of_city))
                    if any(x is not None for x in derived):
                        ck.add("nothing derived from a suppressed cell is published", code, p, dist, derived,
                               (None,) * 4)
                    continue
                ck.check("primary-sensitive cell suppressed", code, p, dist, False,
                         lambda mm: rc.primary_sensitive(c, mm.obs.get((code, p, dist)), RULES))
                if o.value is None:  # nobody in scope: NULL with a note, not suppressed
                    ck.check("no population in scope: value NULL", code, p, dist, r.value,
                             lambda mm: mm.value(code, p, dist))
                    if _none(r.value) is None and r.note != "no population in scope":
                        ck.add("no population in scope: note", code, p, dist, r.note, "no population in scope")
                    continue
                ck.check("district value", code, p, dist, r.value, lambda mm: mm.value(code, p, dist))
                ck.check("deviation from city", code, p, dist, r.deviation_from_city,
                         lambda mm: rc.round_decimal(mm.value(code, p, dist) - mm.value(code, p, rc.CITY), dec))
                ck.check("district change since previous", code, p, dist, r.change_since_previous,
                         lambda mm: _district_change(mm, D, code, p, dist))
                if c["computation"] in ("rate", "count", "cumulative_count"):
                    ck.check("share of city", code, p, dist, r.share_of_city, lambda mm: _share(mm, code, p, dist))
            _ranks(ck, code, p, D)
            _recoverable(ck, code, p, hidden)
        if c["computation"] == "cumulative_count":
            _cumulative_safe(ck, code, periods, D)

    _vintages(ck, deliveries, pub["vintages"], H)
    return ck.out


BEST = {"must_rise": lambda v: -v, "toward_100": lambda v: -v, "must_fall": lambda v: v,
        "must_not_rise": lambda v: v, "toward_zero": abs}


def _ranks(ck: Checker, code: str, p: str, D: dict) -> None:
    """docs/warehouse.md: the rank among the published districts, 1 = best for the direction, ties
    share the lower rank; NULL for KBH, hidden cells and other directions."""
    key = BEST.get(CATALOG["indicators"][code]["direction"])
    rows = {d: D.get((code, p, d)) for d in rc.DISTRICTS}

    def ranks(mm: Model):
        shown = {d: mm.value(code, p, d) for d, r in rows.items()
                 if r is not None and not bool(r.suppressed) and mm.value(code, p, d) is not None}
        if key is None:
            return {d: (None, None) for d in shown}
        return {d: (1 + sum(key(w) < key(v) for w in shown.values()), len(shown)) for d, v in shown.items()}

    as_int = lambda x: None if _none(x) is None else int(x)
    pub = {d: (as_int(r.rank), as_int(r.ranked_districts)) for d, r in rows.items()
           if r is not None and not bool(r.suppressed) and _none(r.value) is not None}
    ck.check("rank among the published districts", code, p, "*", pub, ranks, same=lambda a, b: a == b)
    for d, r in rows.items():
        if r is not None and (bool(r.suppressed) or _none(r.value) is None) and _none(r.rank) is not None:
            ck.add("no rank for a hidden or empty cell", code, p, d, r.rank, None)
    city = D.get((code, p, rc.CITY))
    if city is not None and _none(city.rank) is not None:
        ck.add("no rank on the KBH row", code, p, rc.CITY, city.rank, None)


def _district_change(mm: Model, D: dict, code: str, p: str, dist: str):
    """docs/warehouse.md: change since the district's previous measurement, NULL unless both
    values are published (the published flags are taken as they are: they are checked apart)."""
    ps = mm.unit_periods(code, dist)
    i = ps.index(p)
    if not i:
        return None
    before = D.get((code, ps[i - 1], dist))
    if before is None or bool(before.suppressed) or mm.value(code, ps[i - 1], dist) is None:
        return None
    return rc.round_decimal(mm.value(code, p, dist) - mm.value(code, ps[i - 1], dist),
                            CATALOG["indicators"][code]["decimals"])


def _share(mm: Model, code: str, p: str, dist: str):
    """The district's numerator as a percentage of the city's, 1 decimal."""
    c = CATALOG["indicators"][code]
    o, co = mm.obs[(code, p, dist)], mm.obs[(code, p, rc.CITY)]
    cum = c["computation"] == "cumulative_count"
    dn, cn = (o.value, co.value) if cum else (Fraction(o.g.n), Fraction(co.g.n))
    return mm.rounder(100 * dn / cn, 1) if cn else None


def _persons(c: dict, o) -> int:
    if o is None:
        return 0
    if c["computation"] in ("mean", "gap_mean"):
        return o.g.d  # a mean's persons are its denominator
    if c["computation"] == "cumulative_count":
        return int(o.value)
    return o.g.n


def _recoverable(ck: Checker, code: str, period: str, hidden: list[str]) -> None:
    """docs/privacy.md rule 2: a reader who knows every denominator subtracts the published
    districts from the city and learns the hidden cells' sum: it must cover at least two cells
    holding at least min_count persons, unless every district with anyone in scope is hidden."""
    if not hidden:
        return
    c, mc = CATALOG["indicators"][code], RULES["min_count"]

    def unsafe(mm: Model):
        obs = {d: mm.obs.get((code, period, d)) for d in rc.DISTRICTS}
        city = _persons(c, mm.obs[(code, period, rc.CITY)])
        withheld = city - sum(_persons(c, obs[d]) for d in rc.DISTRICTS if d not in hidden)
        nothing_left = all(d in hidden or _persons(c, obs[d]) == 0 for d in rc.DISTRICTS)
        ok = (len(hidden) >= 2 and withheld >= mc) or nothing_left
        if ok and c["computation"] == "rate" and not nothing_left:
            # a share: the hidden cells must also hold min_count persons WITHOUT the trait, or a
            # reader who knows the districts' populations learns they are (nearly) all 100 %
            without = sum(obs[d].g.d - obs[d].g.n for d in hidden if obs[d] is not None)
            everyone = all(d in hidden or obs[d] is None or obs[d].g.d - obs[d].g.n == 0 for d in rc.DISTRICTS)
            ok = without >= mc or everyone
            return None if ok else f"{len(hidden)} hidden holding {without} persons without the trait"
        return None if ok else f"{len(hidden)} hidden holding {withheld}"

    ck.check("suppressed cells recoverable from the city total", code, period, ",".join(hidden), None, unsafe)


def _cumulative_safe(ck: Checker, code: str, periods: list[str], D: dict) -> None:
    """docs/privacy.md rule 5: a period's cells are all published or all suppressed; between two
    published periods every district's increase is 0 or at least min_count."""
    mc = RULES["min_count"]
    for p in periods:
        rows = {d: D.get((code, p, d)) for d in rc.DISTRICTS}
        if any(r is None for r in rows.values()):
            continue
        flags = {bool(r.suppressed) for r in rows.values()}
        if len(flags) > 1:
            ck.add("cumulative: a period is published whole or not at all", code, p, "*",
                   sorted(d for d, r in rows.items() if r.suppressed), "all or none")
        if flags == {False}:
            def small(mm, p=p):
                cur = {d: int(mm.obs[(code, p, d)].value) for d in rc.DISTRICTS if (code, p, d) in mm.obs}
                base = _last_published(mm, code, p, D)
                return {d: v - base.get(d, 0) for d, v in cur.items() if 0 < v - base.get(d, 0) < mc} or None

            ck.check("cumulative: increase since the last published period is 0 or >= min_count", code, p, "*",
                     None, small)


def _last_published(mm: Model, code: str, p: str, D: dict) -> dict[str, int]:
    periods = sorted({pp for (cc, pp, u) in mm.obs if cc == code}, key=rc.reference_date)
    for q in reversed(periods[:periods.index(p)]):
        rows = [D.get((code, q, d)) for d in rc.DISTRICTS]
        if rows and all(r is not None and not r.suppressed for r in rows):
            return {d: int(mm.obs[(code, q, d)].value) for d in rc.DISTRICTS if (code, q, d) in mm.obs}
    return {}


def _vintages(ck: Checker, deliveries: list[rc.Delivery], vint, H: dict) -> None:
    """docs/warehouse.md, barometer_vintages: each edition's figures as first published, beside the
    latest. Run 1 publishes edition 2009-05 (its latest round) and reconstructs the back catalogue
    (2008-05, 2008-11) from the rows in force as of each round, all from the versions it had;
    run 2 publishes edition 2009-11 with the last round and the late resubmissions."""
    V = {(r.vintage_round, r.indicator, r.reference_period): r for r in vint.itertuples() if r.indicator in INDICATORS}
    for rnd in ROUNDS:
        run = 1 if rnd in FIRST_RUN_ROUNDS else 2
        sub = Checker(models(deliveries, up_to_run=run, as_of=rnd))
        exp = {(rnd, c, o.period) for c in INDICATORS for o in sub.docs.city_series(c)}
        got = {k for k in V if k[0] == rnd}
        for k in sorted(exp | got):
            _, code, period = k
            if k not in got or k not in exp:
                sub.check("vintage present", code, period, f"round {rnd}", k in got,
                          lambda mm: any(o.period == period for o in mm.city_series(code)))
                continue
            sub.check("vintage value_as_published", code, period, f"round {rnd}", V[k].value_as_published,
                      lambda mm: mm.value(code, period, rc.CITY))
            h = H.get((code, period))
            latest = None if h is None else _none(h.value)
            if bool(V[k].revised) != (not _same(V[k].value_as_published, latest)):
                sub.add("vintage revised = the figure now differs from the one first published", code, period,
                        f"round {rnd}", bool(V[k].revised), not _same(V[k].value_as_published, latest))
            if not _same(V[k].latest_value, None if h is None else h.value):
                sub.add("vintage latest_value = barometer_history value", code, period, f"round {rnd}",
                        V[k].latest_value, None if h is None else h.value)
        ck.out += sub.out

