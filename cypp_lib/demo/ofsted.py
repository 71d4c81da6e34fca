"""Demo Ofsted overall effectiveness by LA and school type
(dfe_send_ap_inclusion/ofsted_overall_effectiveness_by_la_school_type.csv).

Same columns, measures, school types and judgements as the real file, for 31 August 2019-2023:
for every area, school type and judgement with at least one school, a "% of schools" row (2 dp)
and a "number of schools" row (written 19.0, as published); grand_total_schools is the sum of the
judgement counts. England and the regions outside London are simulated directly (the demo has
only a few of their LAs); London is the sum of its boroughs. School numbers scale with the
demo's child population; the share judged good or outstanding follows a national trajectory
(about 86% of mainstream schools in 2019 rising to 89% in 2023) with LA effects, London boroughs
above England and the demo borough above England and rising.

The format has no free-text field, so this file cannot carry the word "DEMONSTRATION"; the
folder's marker file and README say the data set is synthetic.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, logit

from cypp_lib import demo
from cypp_lib import geography as geo

PATH = "dfe_send_ap_inclusion/ofsted_overall_effectiveness_by_la_school_type.csv"
COLUMNS = ["Year", "school_type", "Overall effectiveness", "grand_total_schools", "geographic_level", "Region",
           "la_name", "Measure", "Value"]
YEARS = range(2019, 2024)
JUDGEMENTS = ("Outstanding", "Good", "Requires improvement", "Inadequate")
MEASURES = ("Overall effectiveness (% of schools)", "Overall effectiveness (number of schools)")


# school type: England schools with a judgement in 2019, change a year, children per school in an
# LA, share good or outstanding in England by year, share of those outstanding, share of the rest RI
TYPES = {
    "Non-maintained special school": (58, -1, None, (0.90, 0.90, 0.90, 0.89, 0.89), 0.35, 0.65),
    "State-funded AP school": (345, -4, 55_000, (0.84, 0.85, 0.86, 0.88, 0.89), 0.18, 0.65),
    "State-funded mainstream school": (20_430, 2, 850, (0.858, 0.860, 0.862, 0.880, 0.889), 0.17, 0.78),
    "State-funded special school": (960, 8, 13_000, (0.90, 0.90, 0.91, 0.91, 0.90), 0.36, 0.60),
}
# each region's share of England's schools (London comes from its boroughs)
REGION_SHARE = {"North East": 0.055, "North West": 0.13, "Yorkshire and The Humber": 0.10, "East Midlands": 0.095,
                "West Midlands": 0.11, "East of England": 0.12, "London": 0.115, "South East": 0.16,
                "South West": 0.115}


def files(areas: list[geo.Area]) -> dict:
    las = [a for a in areas if a.level == "Local authority"]
    regions = [a for a in areas if a.level == "Regional" and a.name in REGION_SHARE]
    rows = []
    for y in YEARS:
        counts = {a.code: _la_counts(a, y) for a in las}
        blocks = [("National", "England", "", _direct_counts(geo.ENGLAND, 1.0, 0.0, y))]
        for r in sorted(regions, key=lambda r: r.name):
            if r.code == geo.LONDON:
                members = [a for a in las if a.region == geo.LONDON]
                summed = {t: [sum(counts[m.code][t][j] for m in members) for j in range(4)] for t in TYPES}
                blocks.append(("Regional", r.name, "", summed))
            else:
                effect = demo._rng("ofsted", "region", r.code).normal(0, 0.15)
                blocks.append(("Regional", r.name, "", _direct_counts(r.code, REGION_SHARE[r.name], effect, y)))
        for a in sorted(las, key=lambda a: (_region_name(a), a.name)):
            blocks.append(("Local authority", _region_name(a), a.name, counts[a.code]))
        for level, region, la_name, by_type in blocks:
            rows += _rows(y, level, region, la_name, by_type)
    return {PATH: (COLUMNS, rows, False)}


def _region_name(a: geo.Area) -> str:
    return next(r.name for r in geo.AGGREGATES if r.code == a.region)


def _split(total: int, share_go: float, t: str, rng: np.random.Generator) -> list[int]:
    """[outstanding, good, requires improvement, inadequate] for `total` schools."""
    _, _, _, _, outstanding, ri = TYPES[t]
    go = int(np.clip(round(total * share_go + rng.integers(-1, 2) * (total > 20)), 0, total))
    out = int(round(go * outstanding))
    rest = total - go
    req = int(round(rest * ri))
    return [out, go - out, req, rest - req]


def _direct_counts(code: str, share: float, effect: float, y: int) -> dict:
    out = {}
    for t, (n2019, change, _, national, _, _) in TYPES.items():
        rng = demo._rng("ofsted", code, t, y)
        total = max(1, int(round((n2019 + change * (y - 2019)) * share * rng.normal(1, 0.005 if share == 1 else 0.02))))
        p = float(expit(logit(national[y - 2019]) + effect)) if share < 1 else national[y - 2019]
        out[t] = _split(total, p, t, rng)
    return out


def _la_counts(a: geo.Area, y: int) -> dict:
    out = {}
    pop = demo.child_population(a, 2019)
    for t, (_, _, per_school, national, _, _) in TYPES.items():
        rng = demo._rng("ofsted", a.code, t)
        if per_school is None:  # non-maintained special schools: in a minority of LAs
            total = int(rng.random() < 0.3) * int(rng.integers(1, 3))
        elif t == "State-funded mainstream school":
            total = max(1, int(round(pop / per_school * rng.normal(1, 0.08))))
            total += int(demo._rng("ofsted", a.code, t, y).integers(-1, 1)) if total > 20 else 0
        else:
            total = int(rng.poisson(pop / per_school))
        if a.code == geo.LEWISHAM:
            effect = 0.45 + 0.12 * (y - 2019)  # above England, improving (as the plan hopes)
        else:
            effect = rng.normal(0.55 if a.region == geo.LONDON else 0.0, 0.35)
        p = float(expit(logit(national[y - 2019]) + effect))
        out[t] = _split(total, p, t, demo._rng("ofsted", a.code, t, y))
    return out


def _rows(y: int, level: str, region: str, la_name: str, by_type: dict) -> list[list[str]]:
    rows = []
    for t in sorted(by_type):
        counts = by_type[t]
        total = sum(counts)
        for judgement, n in zip(JUDGEMENTS, counts):
            if n == 0:  # as published: a judgement no school has gets no row
                continue
            common = [str(y), t, judgement, str(total), level, region, la_name]
            rows.append(common + [MEASURES[0], str(round(100 * n / total, 2))])
            rows.append(common + [MEASURES[1], f"{n}.0"])
    return rows
