"""Demo NCCIS NEET dashboard files (nccis_neet/neet_la_2021.csv ... _2025.csv), EES tidy format.

NEET_percent follows the demo's LAIT "16-17 NEET" series, so the two sources agree as the real
ones do; the not-known percentage is simulated on top of it.
"""

from __future__ import annotations

import numpy as np

from cypp_lib import demo
from cypp_lib import geography as geo

YEARS = range(2021, 2026)
COLUMNS = demo.EES_GEO_COLS + ["Age", "Cohort_DJFavg", "NEET_not_known_percent", "NEET_percent", "Notknown_percent",
                               "TOTAL_participating_in_education_and_training_percent"]


def files(areas: list[geo.Area]) -> dict:
    neet = demo.measure_values(demo.spec("16-17 NEET"), areas)
    las = [a for a in areas if a.level == "Local authority"]
    out = {}
    for y in YEARS:
        rows = []
        cohorts = {a.code: demo.child_population(a, y) / 18 * 2 * 0.97 for a in las}
        for level, area in [("National", None)] + [("Regional", r) for r in geo.AGGREGATES[1:]
                                                   if r.code not in (geo.INNER_LONDON, geo.OUTER_LONDON)] \
                + [("Local authority", a) for a in las]:
            code = area.code if area else geo.ENGLAND
            members = [a for a in las if area is None or a.region == code or a.code == code]
            cohort = sum(cohorts[m.code] for m in members) if members else 60_000 * (1 + 0.01 * (y - 2021))
            if area is None:
                cohort = 1_250_000 * (1 + 0.012 * (y - 2021))
            rng = demo._rng("nccis", code, y)
            nk = float(np.clip(rng.normal(2.4 if code != geo.LEWISHAM else 4.6, 1.0), 0.3, 12))
            row = demo._ees_geo(y, level, area)
            if level == "Regional":
                row.update(region_code=code, region_name=area.name)
            row["time_identifier"] = "Calendar year"
            n = round(neet[code][y], 1)
            row.update(Age="16-17", Cohort_DJFavg=str(int(round(cohort))), NEET_percent=f"{n:g}",
                       Notknown_percent=f"{round(nk, 1):g}", NEET_not_known_percent=f"{round(n + nk, 1):g}",
                       TOTAL_participating_in_education_and_training_percent=f"{round(100 - n - nk - 1.5, 1):g}")
            if area is not None and area.name == "City of London":
                for c in ("NEET_percent", "Notknown_percent", "NEET_not_known_percent",
                          "TOTAL_participating_in_education_and_training_percent"):
                    row[c] = "c"
            rows.append(row)
        out[f"nccis_neet/neet_la_{y}.csv"] = (COLUMNS, rows, False)
    return out
