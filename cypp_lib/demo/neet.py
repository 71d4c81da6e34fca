"""Demo NCCIS NEET dashboard files (nccis_neet/neet_la_2021.csv ... _2025.csv), EES tidy format.

NEET_percent follows the demo's LAIT "16-17 NEET" series, so the two sources agree as the real
ones do; the not-known percentage is simulated on top of it.
"""

from __future__ import annotations

import numpy as np

from cypp_lib import demo
from cypp_lib import geography as geo

YEARS = range(2021, 2026)
GEO = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
       "region_name", "old_la_code", "new_la_code", "la_name"]
# The published column sets (they change between years); columns the demo does not simulate are "x".
_COMMON = ("Age Cohort_DJFavg NEET_not_known_percent NEET_percent Notknown_percent annual_change_ppts_NEET_not_known "
           "annualchange_NEET annualchange_notknown cohort_March TOTAL_participating_in_education_and_training_percent "
           "Full_time_education_percent Apprenticeship_percent Other_education_and_training_percent "
           "annual_change_Participation_in_education_training annual_change_FTE annual_change_apprenticeship "
           "annual_change_other_education_training September_guarantee_Offer_made_percent "
           "September_guarantee_annual_change_ppts cohort_noSEN_percent NEET_NK_noSEN_percent cohort_EHCP_percent "
           "NEET_NK_EHCP_percent cohort_SENDsupport_percent NEET_NK_SENDsupport_percent VG_cohort_DJF_avg "
           "VG_cohort_percentage VG_NEET_NK_percentage Level_3 L2_em_GCSE_othL2 avg_att8 pt_l2basics_94 "
           "sess_overall_percent").split()
_QUINTILES = "NEET_NK_quintile NEET_quintile Notknown_quintile Participation_ET_quintile Sep_guarantee_quintile".split()
COLUMNS = {
    2021: GEO + _COMMON + ["sess_overall_percent_pa_10_exact", "Age1617_ONS_population"] + _QUINTILES
    + "NEET_NK_NoSEN_quintile NEET_NK_EHCP_quintile NEET_NK_SENDsupport_quintile VG_NEET_NK_percentage_quintile".split(),
    2022: GEO + _COMMON + ["sess_overall_percent_pa_10_exact", "Age1617_ONS_population"] + _QUINTILES,
    2023: GEO + _COMMON + ["sess_overall_percent_pa_10_exact", "Age1617_ONS_population"] + _QUINTILES,
    2024: GEO + _COMMON + ["enrolments_pa_10_exact_percent"] + _QUINTILES,
    2025: GEO + _COMMON + ["enrolments_pa_10_exact_percent"] + _QUINTILES,
}


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
            row = {c: "x" for c in COLUMNS[y]} | demo._ees_geo(y, level, area)
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
        out[f"nccis_neet/neet_la_{y}.csv"] = (COLUMNS[y], rows, False)
    return out
