"""Demo local extracts for Lewisham only, in the templates of docs/local-extracts.md:

- local/camhs_waiting_times.csv: monthly CAMHS referrals received and first appointments (with
  those within 18 weeks), April 2019 to October 2025, the first appointments also split into
  looked-after children and the others (groups that add up to the total, so that papers show
  small-count and secondary suppression: only 15-25 looked-after children a year, of whom a few
  wait longer than 18 weeks);
- local/early_help.csv: monthly early help assessments started and episodes closed (with those
  closed with needs met), same months;
- local/participation_log.csv: about twenty participation and co-production activities a year.

Shaped like the borough the plan describes (about 400 CAMHS referrals a quarter, a dip in spring
2020, waits worsening in 2020-21 then improving; early help closures with needs met rising; the
Leaving Care Young Ambassadors and the SEND parent forum in the log). 2025-26 stops in October,
so papers show how an incomplete year is flagged. Every row says DEMONSTRATION in `notes`.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from cypp_lib import demo
from cypp_lib import geography as geo
from cypp_lib.sources.local import COUNT_COLUMNS, LOG_COLUMNS

FIRST, LAST = (2019, 4), (2025, 10)  # months covered (the 2025-26 year is incomplete)
NOTE = "DEMONSTRATION DATA - synthetic, not a real extract"
#: Share of first appointments within 18 weeks, by financial year (ending in).
WITHIN_18 = {2020: 0.64, 2021: 0.55, 2022: 0.58, 2023: 0.66, 2024: 0.72, 2025: 0.76, 2026: 0.78}
#: Looked-after children's share of first appointments and their share seen within 18 weeks.
LOOKED_AFTER_SHARE = 0.018
LOOKED_AFTER_WITHIN = {2020: 0.70, 2021: 0.66, 2022: 0.74, 2023: 0.80, 2024: 0.86, 2025: 0.88, 2026: 0.88}
#: Share of early help closures with needs met, by financial year (ending in).
NEEDS_MET = {2020: 0.66, 2021: 0.63, 2022: 0.67, 2023: 0.70, 2024: 0.72, 2025: 0.74, 2026: 0.75}

# activity, service, group, participant type, outcome, (min, max) people, you said, we did
ACTIVITIES = [
    ("Young Mayor's budget vote", "Youth Service", "Young Mayor and Young Advisors", "young people", 11, (15, 40),
     "Spend the youth budget on mental-health drop-ins", "Budget funded two school-based wellbeing drop-ins"),
    ("Consultation on the plan's priorities", "Strategy and Partnerships", "Secondary school councils",
     "young people", 11, (20, 60), "Safety on the way to and from school matters most",
     "Safer routes to school added as an action under priority 1"),
    ("Children in Care Council meeting with the Director of Children's Services", "Children's Social Care",
     "Children in Care Council", "young people", 11, (6, 14), "Social workers change too often",
     "Continuity pledge added to the corporate parenting plan"),
    ("Play-space review", "Public Health", "Primary school councils", "children", 11, (20, 50),
     "Parks need more shade and water fountains", "Water fountains installed in two parks"),
    ("Young carers' forum", "Early Help", "Young carers' group", "young people", 11, (8, 20),
     "Teachers do not know who is a young carer", "Young carer champions named in secondary schools"),
    ("Parent panel on early help leaflets", "Early Help", "Parents using family hubs", "parents and carers", 11,
     (6, 15), "The leaflets are full of jargon", "Leaflets rewritten in plain English with the panel"),
    ("Youth Parliament debate on serious youth violence", "Youth Service", "Lewisham Youth Parliament",
     "young people", 11, (20, 45), "Youth clubs should stay open later on Fridays",
     "Friday late opening piloted at two youth clubs"),
    ("Feedback session on waiting for CAMHS", "CAMHS", "Young people on the CAMHS waiting list", "young people",
     11, (5, 12), "Waiting without news is the worst part", "Monthly updates sent to young people while they wait"),
    ("Interview panel for the leaving care support provider", "Commissioning", "Leaving Care Young Ambassadors",
     "young people", 12, (3, 8), "Providers must show how they help with a first tenancy",
     "Tenancy support written into the leaving care contract"),
    ("Co-design of the health and wellbeing service specification", "Public Health Commissioning",
     "Young Advisors", "young people", 12, (6, 15), "Offer online counselling in the evenings",
     "Evening online counselling included in the specification"),
    ("Mystery shopping of sexual health services", "Public Health Commissioning", "Young Inspectors",
     "young people", 12, (4, 10), "Reception staff were not welcoming",
     "Customer-care training added to the provider's improvement plan"),
    ("SEND Strategy co-production workshop", "SEND Service", "Lewisham Parent and Carer Forum",
     "parents and carers", 13, (12, 35), "Parents are not told why EHC plan reviews are late",
     "Review tracker and a named caseworker for every family"),
    ("Preparing for adulthood group", "SEND Service", "Young people with SEND (preparing for adulthood group)",
     "young people", 13, (5, 15), "We want travel training before college",
     "Independent travel training offered from Year 10"),
    ("Local Offer website review", "SEND Service", "Parents and young people with SEND", "mixed", 13, (8, 20),
     "The Local Offer is hard to search", "Local Offer menus and search redesigned with families"),
]
WEIGHTS = np.array([3, 2, 2, 1, 1, 1, 2, 1, 2, 1, 1, 2, 1, 1], dtype=float)


def _months():
    y, m = FIRST
    while (y, m) <= LAST:
        yield y, m
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def _fy(y: int, m: int) -> int:
    return y + 1 if m >= 4 else y


def _month_end(y: int, m: int) -> date:
    return date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)


def _counts_row(area: geo.Area, y: int, m: int, measure: str, num: int, den: int | None, group: str = "") -> dict:
    return {"area_code": area.code, "area_name": area.name, "period_start": date(y, m, 1).isoformat(),
            "period_end": _month_end(y, m).isoformat(), "measure": measure, "group": group, "numerator": str(num),
            "denominator": "" if den is None else str(den), "notes": NOTE}


def _level(y: int, m: int, growth: float) -> float:
    """Monthly demand: trend, school-year seasonality and the spring 2020 lockdown."""
    t = (y - 2019) + (m - 4) / 12
    season = {8: 0.75, 12: 0.85, 9: 1.1, 10: 1.1, 11: 1.05}.get(m, 1.0)
    covid = 0.6 if (y, m) in ((2020, 4), (2020, 5), (2020, 6)) else 1.12 if (2021, 1) <= (y, m) <= (2022, 3) else 1.0
    return (1 + growth) ** t * season * covid


def _monthly_rows(area: geo.Area, name: str, count: tuple[str, float, float], share: tuple[str, float, float, dict],
                  looked_after: bool = False):
    """Per month: a count measure (Poisson around a trend) and a share measure (Binomial of a
    second Poisson total, at the financial year's level); with looked_after, the share measure
    also split into looked-after children and the others (the groups add up to the total)."""
    count_measure, count_base, count_growth = count
    share_measure, share_base, share_growth, levels = share
    rows = []
    for y, m in _months():
        rng = demo._rng("local", name, area.code, y, m)
        counted = int(rng.poisson(count_base * _level(y, m, count_growth)))
        total = int(rng.poisson(share_base * _level(y, m, share_growth)))
        p = float(np.clip(levels[_fy(y, m)] + rng.normal(0, 0.03), 0, 1))
        rows.append(_counts_row(area, y, m, count_measure, counted, None))
        if not looked_after:
            rows.append(_counts_row(area, y, m, share_measure, int(rng.binomial(total, p)), total))
            continue
        lac = int(rng.binomial(total, LOOKED_AFTER_SHARE))
        lac_within = int(rng.binomial(lac, LOOKED_AFTER_WITHIN[_fy(y, m)]))
        others_within = int(rng.binomial(total - lac, p))
        rows.append(_counts_row(area, y, m, share_measure, lac_within + others_within, total))
        rows.append(_counts_row(area, y, m, share_measure, lac_within, lac, "Looked after"))
        rows.append(_counts_row(area, y, m, share_measure, others_within, total - lac, "Not looked after"))
    return rows


def camhs_rows(area: geo.Area) -> list[dict]:
    return _monthly_rows(area, "camhs", ("referrals_received", 135, 0.04), ("seen_within_18_weeks", 100, 0.03, WITHIN_18),
                         looked_after=True)


def early_help_rows(area: geo.Area) -> list[dict]:
    return _monthly_rows(area, "early_help", ("assessments_started", 140, 0.02), ("closed_needs_met", 130, 0.02, NEEDS_MET))


def log_rows(area: geo.Area) -> list[dict]:
    end = _month_end(*LAST)
    rows, seen = [], set()
    for fy in range(_fy(*FIRST), _fy(*LAST) + 1):
        rng = demo._rng("local", "log", area.code, fy)
        start = date(fy - 1, 4, 1)
        days = (min(date(fy, 3, 31), end) - start).days + 1
        n = int(rng.integers(17, 25) * days / 365)
        picks = rng.choice(len(ACTIVITIES), size=n, p=WEIGHTS / WEIGHTS.sum())
        for k in picks:
            activity, service, group, kind, outcome, (lo, hi), said, did = ACTIVITIES[k]
            when = start + timedelta(days=int(rng.integers(0, days)))
            if (when, activity) in seen:
                continue
            seen.add((when, activity))
            recent = (end - when).days < 180  # changes take months to be made and recorded
            changed = rng.random() < (0.35 if recent else 0.8)
            rows.append({"area_code": area.code, "activity_date": when.isoformat(), "activity": activity,
                         "service": service, "participants_group": group, "participant_type": kind,
                         "participants": str(int(rng.integers(lo, hi + 1))), "outcome": str(outcome),
                         "you_said": said, "we_did": did if changed else "", "notes": NOTE})
    return sorted(rows, key=lambda r: (r["activity_date"], r["activity"]))


def files(areas: list[geo.Area]) -> dict:
    lewisham = next((a for a in areas if a.code == geo.LEWISHAM), None)
    if lewisham is None:
        return {}
    return {"local/camhs_waiting_times.csv": (COUNT_COLUMNS, camhs_rows(lewisham), False),
            "local/early_help.csv": (COUNT_COLUMNS, early_help_rows(lewisham), False),
            "local/participation_log.csv": (LOG_COLUMNS, log_rows(lewisham), False)}
