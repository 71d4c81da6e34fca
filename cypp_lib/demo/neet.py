"""Demo NCCIS NEET dashboard files (nccis_neet/neet_la_2021.csv ... _2025.csv), EES tidy format.

NEET_percent follows the demo's LAIT "16-17 NEET" series, so the two sources agree as the real
ones do; the not-known percentage is simulated on top of it. The SEND breakdown (each group's
share of the cohort and its NEET-or-not-known percentage) is simulated for each LA so that the
groups' weighted average is the LA's NEET-or-not-known percentage (a group of fewer than 10
young people is published as "c", as NCCIS does); England's and the regions' are their LAs'
cohort-weighted averages, so that no aggregate lies outside the range of the LAs.
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


#: SEND groups: (share column, NEET-or-not-known column, typical risk relative to the whole cohort).
SEND_GROUPS = (("cohort_EHCP_percent", "NEET_NK_EHCP_percent", 1.9),
               ("cohort_SENDsupport_percent", "NEET_NK_SENDsupport_percent", 1.6),
               ("cohort_noSEN_percent", "NEET_NK_noSEN_percent", 0.9))


def send_columns(code: str, year: int, cohort: float, neet_nk: float) -> dict[str, str]:
    """The SEND breakdown columns for one area and year (deterministic per area and year)."""
    rng = demo._rng("nccis-send", code, year)
    ehcp = float(np.clip(rng.normal(5.0 + 0.15 * (year - 2021), 0.6), 2.5, 8))
    support = float(np.clip(rng.normal(9.5, 1.5), 4, 15))
    shares = {"cohort_EHCP_percent": round(ehcp, 1), "cohort_SENDsupport_percent": round(support, 1)}
    shares["cohort_noSEN_percent"] = round(100 - shares["cohort_EHCP_percent"] - shares["cohort_SENDsupport_percent"], 1)
    risks = {rate: rr * float(rng.lognormal(0, 0.12)) for _, rate, rr in SEND_GROUPS}
    scale = neet_nk / sum(shares[share] / 100 * risks[rate] for share, rate, _ in SEND_GROUPS)
    out = {}
    for share, rate, _ in SEND_GROUPS:
        out[share] = f"{shares[share]:g}"
        small = cohort * shares[share] / 100 < 10
        out[rate] = "c" if small else f"{round(min(risks[rate] * scale, 100), 1):g}"
    return out


def aggregate_send(rows: list[dict]) -> dict[str, str]:
    """England's or a region's SEND columns from its LAs' rows (weighted by the groups' cohorts;
    suppressed groups left out of the percentage), so that no aggregate lies outside its LAs."""
    total = sum(float(r["Cohort_DJFavg"]) for r in rows)
    out = {}
    for share, rate, _ in SEND_GROUPS:
        group = [(float(r["Cohort_DJFavg"]) * float(r[share]) / 100, r[rate]) for r in rows]
        known = [(g, float(v)) for g, v in group if v != "c"]
        out[share] = f"{round(100 * sum(g for g, _ in group) / total, 1):g}"
        out[rate] = f"{round(sum(g * v for g, v in known) / sum(g for g, _ in known), 1):g}"
    return out


def files(areas: list[geo.Area]) -> dict:
    neet = demo.measure_values(demo.spec("16-17 NEET"), areas)
    las = [a for a in areas if a.level == "Local authority"]
    out = {}
    for y in YEARS:
        rows, aggregates, by_code = [], [], {}
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
            row.update(send_columns(code, y, cohort, round(n + nk, 1)))
            if level != "Local authority" and members:
                aggregates.append((row, members))
            by_code[code] = row
            if area is not None and area.name == "City of London":
                for c in ("NEET_percent", "Notknown_percent", "NEET_not_known_percent",
                          "TOTAL_participating_in_education_and_training_percent",
                          *(rate for _, rate, _ in SEND_GROUPS)):
                    row[c] = "c"
            rows.append(row)
        for row, members in aggregates:
            row.update(aggregate_send([by_code[m.code] for m in members]))
        out[f"nccis_neet/neet_la_{y}.csv"] = (COLUMNS[y], rows, False)
    return out
