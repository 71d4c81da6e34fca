"""SEND growth for the overview paper: the number of EHC plans over time, a clearly labelled
straight-line projection (cypp_lib.stats.linear_projection: OLS on the last five annual points with
a 95% prediction interval) and the plan's own statements beside it.

A straight-line projection is not a forecast: it carries the recent average yearly change forward
and knows nothing of policy, population or demand. The section says so in words every time.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from cypp_lib import stats
from cypp_lib.report.charts import PALETTE, figure_html, plt
from cypp_lib.report.html import esc

#: What Lewisham's Children and Young People's Plan 2019-22 stated about EHC plans (section
#: "SEND" of the plan's needs summary; ../shared/plan/cypp-2019-22.md): "2,353 EHC plans in
#: January 2019 ... forecast to grow by about 290 a year". Quoted as the plan stated them, never
#: recomputed; independent of the indicator catalogue.
PLAN_STATEMENTS = {"ehcp_january_2019": 2353, "ehcp_growth_per_year": 290}

#: Plain nouns for the sentence ("2,346 EHC plans"); other indicators use their unit.
NOUNS = {"ehcp_count": "EHC plans"}

PROJECTED = "Projected (straight line)"


def whole(x) -> str:
    """A count rounded to a whole number, halves away from zero (not Python's round-half-to-even),
    with thousands separators: whole(2352.5) == '2,353'. Floating-point noise is removed first (to 9
    decimal places), so 299.49999999999997 from a fit counts as the half it stands for."""
    return f"{int(Decimal(str(round(float(x), 9))).quantize(Decimal('1'), rounding=ROUND_HALF_UP)):,}"


def _when(ind, period) -> str:
    """'January 2019' for a January snapshot, else the period as published."""
    return f"January {period}" if "(January)" in ind.name else str(period)


def _plan_sentence(indicator: str, observed: pd.DataFrame, noun: str, ind) -> str:
    if indicator != "ehcp_count":
        return ""
    stated, growth = PLAN_STATEMENTS["ehcp_january_2019"], PLAN_STATEMENTS["ehcp_growth_per_year"]
    ours = observed.loc[observed["year"] == 2019, "value"]
    check = f" (this data: {whole(ours.iloc[0])})" if len(ours) else ""
    return (f" The plan stated that there were {whole(stated)} {noun} in {_when(ind, 2019)}{check} and "
            f"forecast growth of about {whole(growth)} a year.")


def send_growth_chart(proj: pd.DataFrame, periods: dict, noun: str, area: str, ind) -> tuple:
    """Observed series (solid, markers), the fitted straight line and its projection (dashed) with
    the shaded 95% prediction interval, and a dotted line at the last observed year.

    Returns (figure, alt text, data table with a Type column)."""
    obs = proj[proj["kind"] == "observed"]
    fut = proj[proj["kind"] == "projected"]
    line = proj[proj["fitted"].notna()]
    first = proj.iloc[0]
    last_year = int(obs["year"].max())
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    ax.plot(obs["year"], obs["value"], color=PALETTE[0], marker="o", linewidth=2.5, label=f"{noun}, observed")
    ax.fill_between(fut["year"].astype(float), fut["lower_95"], fut["upper_95"], color=PALETTE[1], alpha=0.2,
                    linewidth=0, label="95% prediction interval")
    ax.plot(line["year"], line["fitted"], color=PALETTE[1], linestyle="--", linewidth=2,
            label=f"Straight line fitted to {first['fitted_from']} to {first['fitted_to']}, projected")
    end = fut.iloc[-1]
    ax.annotate("Projection", (end["year"], end["value"]), xytext=(8, 0), textcoords="offset points",
                va="center", fontsize=9, fontweight="bold", color="#0b0c0c")
    ax.axvline(last_year, color="#0b0c0c", linestyle=":", linewidth=1.5)
    ax.annotate(f"Last observed\n({_when(ind, periods[last_year])})", (last_year, 0.0),
                xycoords=("data", "axes fraction"), xytext=(5, 6), textcoords="offset points", ha="left",
                va="bottom", fontsize=9, color="#0b0c0c")
    years = proj["year"].astype(int).tolist()
    ax.set_xticks(years, [str(y) for y in years], fontsize=9, rotation=45 if len(years) > 12 else 0,
                  ha="right" if len(years) > 12 else "center")
    ax.tick_params(axis="y", labelsize=9)
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:,.0f}")
    ax.set_ylabel(noun, fontsize=9)
    ax.set_xlim(years[0] - 0.5, years[-1] + 1.3)
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", color="#dddddd")
    ax.legend(fontsize=9, frameon=False, loc="upper left")

    observed_text = ", ".join(f"{whole(v)} in {_when(ind, periods[int(y)])}" for y, v in zip(obs["year"], obs["value"]))
    projected_text = "; ".join(f"about {whole(r['value'])} in {_when(ind, int(r['year']))} (95% prediction interval "
                               f"{whole(r['lower_95'])} to {whole(r['upper_95'])})" for _, r in fut.iterrows())
    alt = (f"Line chart of {noun} for {area}, {_when(ind, periods[int(obs['year'].min())])} to "
           f"{_when(ind, periods[last_year])}, with a dashed straight-line projection to "
           f"{_when(ind, int(fut['year'].max()))}. "
           f"Observed: {observed_text}. Projection from the straight line fitted to {first['fitted_from']} to "
           f"{first['fitted_to']}: {projected_text}.")
    data = pd.DataFrame({
        "Period": [_when(ind, periods.get(int(y), int(y))) for y in proj["year"]],
        noun: [whole(v) for v in proj["value"]],
        "95% prediction interval": ["" if r["kind"] == "observed" else f"{whole(r['lower_95'])} to {whole(r['upper_95'])}"
                                    for _, r in proj.iterrows()],
        "Type": ["Observed" if k == "observed" else PROJECTED for k in proj["kind"]]})
    return fig, alt, data


def send_growth_section(paper, indicator: str = "ehcp_count", horizon: int = 3, last_n: int = 5,
                        noun: str | None = None):
    """A computed sentence, a chart and a data table of the indicator's growth with a straight-line
    projection `horizon` years beyond the paper's period, the plan's statements, and a caveat.

    Uses the area's published ("ok") annual values up to the paper's period. With fewer than 3
    values it returns a paragraph saying why no projection is possible.
    """
    from cypp_lib.report.paper import _html

    ind = paper.catalogue[indicator]
    noun = noun or NOUNS.get(indicator, ind.unit or ind.name)
    area = paper.area.name
    s = paper.series(ind.id)
    s = s[s["status"] == "ok"].dropna(subset=["value"])
    year = paper.year_for(ind.id)
    if year is not None:
        s = s[s["year"] <= year]
    if len(s) < 3:
        return _html(f"<p>No projection is possible for {esc(ind.name.lower())} in {esc(area)}: this data has "
                     f"{len(s)} published annual value{'' if len(s) == 1 else 's'}, and a straight line with a "
                     f"prediction interval needs at least 3.</p>")
    periods = dict(zip(s["year"].astype(int), s["period"]))
    proj = stats.linear_projection(s["year"].astype(int), s["value"], horizon=horizon, last_n=last_n)
    p = proj.iloc[0]
    obs = proj[proj["kind"] == "observed"].set_index("year")
    start, end = obs.loc[p["fitted_from"], "value"], obs.loc[p["fitted_to"], "value"]
    target = proj.iloc[-1]
    slope = p["slope"]
    direction = "up" if end > start else "down" if end < start else "unchanged"
    change = (f", {direction} from {whole(start)} in {_when(ind, periods[p['fitted_from']])}" if direction != "unchanged"
              else f", the same as in {_when(ind, periods[p['fitted_from']])}")
    more = f"{whole(abs(slope))} {'more' if slope >= 0 else 'fewer'} a year"
    sentence = (f"There were {whole(end)} {noun} for {area} in {_when(ind, periods[p['fitted_to']])}{change}: on "
                f"average about {more} over the last {p['n_fitted']} years (the slope of a straight line fitted to "
                f"{p['fitted_from']} to {p['fitted_to']}). If that straight-line {'growth' if slope >= 0 else 'fall'} "
                f"continued, there would be about {whole(target['value'])} (95% prediction interval "
                f"{whole(target['lower_95'])} to {whole(target['upper_95'])}) in {_when(ind, int(target['year']))}.")
    sentence += _plan_sentence(indicator, s.assign(year=s["year"].astype(int)), noun, ind)
    fig, alt, data = send_growth_chart(proj, periods, noun, area, ind)
    caption = (f"{noun} for {area}: observed {_when(ind, periods[int(obs.index.min())])} to "
               f"{_when(ind, periods[int(obs.index.max())])} and a straight-line projection to "
               f"{_when(ind, int(target['year']))}")
    caveat = (f"<p class=\"cypp-note\">This is a straight-line projection, not a forecast: it assumes the average "
              f"yearly change of {p['fitted_from']} to {p['fitted_to']} carries on unchanged. It is not adjusted for "
              f"policy, for changes in the population of children and young people"
              + (", or for the continuing effects of the 2014 reforms (the Children and Families Act 2014, which "
                 "replaced statements with EHC plans for ages 0 to 25)" if indicator.startswith("ehcp") else "")
              + f". The 95% prediction interval shows only how closely those {p['n_fitted']} years "
              f"follow a straight line; the real uncertainty is larger.</p>")
    return _html(f"<p>{esc(sentence)}</p>"
                 + figure_html(fig, alt, caption, data, numeric=(noun, "95% prediction interval")) + caveat)
