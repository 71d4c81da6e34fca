"""Demo SEN2 EHC plan caseload (dfe_sen2_ehcp_stock/SEN2_AGE_STOCK.csv and its .meta.csv).

EHC plans for 2015-2019 grow towards the demo's LAIT SEN_CASES_JAN value for 2019 (the two
sources agree for 2019, as the real ones do); statements of SEN run down as plans replace them.
"""

from __future__ import annotations

from cypp_lib import demo
from cypp_lib import geography as geo

YEARS = range(2010, 2020)
AGES = [("Total", 1.0), ("0 to 5", 0.05), ("6 to 10", 0.3), ("11 to 15", 0.4), ("16 to 19", 0.2), ("20 to 25", 0.05)]
META = [
    {"col_name": "age", "col_type": "Filter", "label": "Age band", "filter_hint": "Filter by age band"},
    {"col_name": "Total_ST", "col_type": "Indicator", "label": "Number (stock) of statements",
     "indicator_grouping": "SEN statistics"},
    {"col_name": "Total_EHC", "col_type": "Indicator", "label": "Number (stock) of EHC plans",
     "indicator_grouping": "SEN statistics"},
]
META_COLUMNS = ["col_name", "col_type", "label", "indicator_grouping", "indicator_unit", "filter_hint",
                "filter_grouping_column"]
SHARE_EHC = {2015: 0.05, 2016: 0.2, 2017: 0.55, 2018: 0.88, 2019: 1.0}


def files(areas: list[geo.Area]) -> dict:
    cases = demo.measure_values(demo.spec("SEN_CASES_JAN"), areas)
    rows = []
    levels = [("National", None)] + [("Regional", r) for r in geo.AGGREGATES[1:]
                                     if r.code not in (geo.INNER_LONDON, geo.OUTER_LONDON)] \
        + [("Local authority", a) for a in areas if a.level == "Local authority"]
    for y in YEARS:
        for level, area in levels:
            code = area.code if area else geo.ENGLAND
            total_2019 = round(cases[code][2019])
            total = total_2019 * (1 - 0.03 * (2019 - y))
            ehc = round(total * SHARE_EHC.get(y, 0.0)) if y < 2019 else total_2019
            st = round(total - ehc) if y < 2019 else 0
            for age, share in AGES:
                row = demo._ees_geo(y, level, area)
                if level == "Regional":
                    row.update(region_code=code, region_name=area.name)
                row["time_identifier"] = "January"
                e = ehc if age == "Total" else round(ehc * share)
                s = st if age == "Total" else round(st * share)
                row.update(age=age, Total_ST="NULL" if y == 2019 else str(s), Total_EHC=str(e))
                rows.append(row)
    header = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
              "region_name", "old_la_code", "new_la_code", "la_name", "age", "Total_ST", "Total_EHC"]
    return {"dfe_sen2_ehcp_stock/SEN2_AGE_STOCK.csv": (header, rows, False),
            "dfe_sen2_ehcp_stock/SEN2_AGE_STOCK.meta.csv": (META_COLUMNS, META, False)}
