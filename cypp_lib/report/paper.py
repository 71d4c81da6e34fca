"""The Paper object: everything a paper notebook needs for one area, period and comparator set."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cypp_lib import disclosure, parameters, paths, stats
from cypp_lib import geography as geo
from cypp_lib.catalogue import Catalogue, Indicator, load_catalogue
from cypp_lib.document import TOC_MARKER, internal_banner
from cypp_lib.errors import ParameterError
from cypp_lib.prepare import read_processed
from cypp_lib.report.assess import (
    Assessment,
    assess,
    comparator_group_frames,
    recent_trend_rows,
    rows_by_year,
    usable_rows,
)
from cypp_lib.report.compare import change_words, missing
from cypp_lib.report.html import esc, table
from cypp_lib.report.suppressed import later_hidden
from cypp_lib.report.suppressed import note as hidden_note

DEMO_BANNER = ("Demonstration data: this paper was built from cypp's synthetic demonstration data set. "
               "The numbers are invented and are not official statistics. Do not quote them.")


SUMMARY_GROUPS = {"worse": "Worse than England", "better": "Better than England",
                  "similar": "Similar to England", "other": "Not compared with England"}
_NUMBERS = ["none", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def _count(n: int) -> str:
    """Numbers under ten in words (GOV.UK style), others as digits."""
    return _NUMBERS[n] if 0 <= n < 10 else f"{n:,}"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else "; ".join(parts[:-1]) + " and " + parts[-1]


_REASONS = (("not a ", "not a rate or proportion"), ("not single years", "not annual"),
            ("fewer than", "fewer than five years"), ("not consecutive", "gaps in the series"),
            ("suppressed", "a value is suppressed"), ("publishes no", "no counts or intervals published"),
            ("published", "no counts or intervals published"))


def _short_reason(reason: str) -> str:
    """A scorecard-length version of stats.recent_trend's reason."""
    return next((short for key, short in _REASONS if key in str(reason)), str(reason))


def _html(text: str):
    from IPython.display import HTML

    return HTML(text)



@dataclass
class Paper:
    table: pd.DataFrame
    provenance: dict
    catalogue: Catalogue
    area: geo.Area
    period: str = "latest"
    neighbour_model: str = "2025"
    raw_dir: Path | None = None
    neighbours: list = field(default_factory=list)
    meeting_date: str = ""
    region: geo.Area | None = None  # the region compared with (London for a London borough)
    disclosure: disclosure.Summary | None = None  # what disclosure control hid (None: not applied)
    _by_key: dict = field(default_factory=dict, repr=False)  # (indicator, area_code) -> rows, made on demand
    _frames: dict = field(default_factory=dict, repr=False)  # the same frames, whether used or peeked at
    _rows: dict = field(default_factory=dict, repr=False)  # (indicator, area_code) -> row positions
    _la: dict = field(default_factory=dict, repr=False)  # (indicator, year) -> LA values, built once
    _assessed: dict = field(default_factory=dict, repr=False)
    _groups: dict = field(default_factory=dict, repr=False)
    _group_frames: dict | None = field(default=None, repr=False)  # indicator -> comparator-group rows, found once
    _trends: pd.DataFrame | None = field(default=None, repr=False)  # recent trends of every statistic, found once
    _ok: dict = field(default_factory=dict, repr=False)  # (indicator, area_code, year) -> row position, built once

    # ------------------------------------------------------------------ construction
    @classmethod
    def open(cls, processed_dir=None, area: str = "Lewisham", period="latest", neighbour_model: str = "2025",
             raw_dir=None, catalogue: Catalogue | None = None, meeting_date: str = "",
             suppression: bool = True) -> Paper:
        """Load the processed table under disclosure control and check the parameters
        (ParameterError if invalid).

        Everything a paper shows comes from the table cypp_lib.disclosure.control returns: small
        counts are c, by the catalogue's rules. suppression=False is for internal working papers
        only: nothing is hidden but what the publisher hid, and the front matter says NOT FOR
        PUBLICATION. processed_dir and raw_dir default to $CYPP_PROCESSED_DIR and $CYPP_RAW_DIR
        (set by `cypp build`, so that executed notebooks hold no machine paths), else
        data/processed and data/raw."""
        processed_dir = processed_dir or os.environ.get("CYPP_PROCESSED_DIR") or paths.PROCESSED
        raw_dir = raw_dir or os.environ.get("CYPP_RAW_DIR") or paths.RAW
        table, provenance = read_processed(Path(processed_dir))
        catalogue = catalogue or load_catalogue()
        if not isinstance(suppression, bool):
            raise ParameterError(f"suppression {suppression!r}: use True (published papers) or False "
                                 "(internal working papers, NOT FOR PUBLICATION)")
        controlled = disclosure.control(table, catalogue, enabled=suppression)
        table = controlled.table
        registry = parameters.registry_for(table)
        resolved = parameters.resolve_area(table, area, registry)
        if neighbour_model not in geo.NEIGHBOUR_MODELS:
            raise ParameterError(f"neighbour_model {neighbour_model!r}: use one of {', '.join(geo.NEIGHBOUR_MODELS)}")
        period = parameters.period(period)
        parameters.check_period_has_data(table, resolved, period)
        paper = cls(table, provenance, catalogue, resolved, str(period), neighbour_model,
                    Path(raw_dir) if raw_dir else None, disclosure=controlled.summary)
        paper.neighbours = geo.neighbours(resolved, neighbour_model, paper.raw_dir, registry)
        paper.meeting_date = parameters.meeting_date(meeting_date)
        region = registry.by_code.get(resolved.region) if resolved.region else None
        paper.region = region if region is not None and region.code in set(table["area_code"]) else None
        return paper

    # ------------------------------------------------------------------ data access
    def series(self, indicator: str, area_code: str | None = None) -> pd.DataFrame:
        """All published rows of an indicator for one area (default: the paper's area), by year.
        The paper counts the indicator as used (its appendix reports on what the paper used)."""
        key = (indicator, area_code or self.area.code)
        if key not in self._by_key:  # _by_key is also the record of use (report/appendix.py)
            self._by_key[key] = self.peek_series(indicator, key[1])
        return self._by_key[key]

    def peek_series(self, indicator: str, area_code: str | None = None) -> pd.DataFrame:
        """`series` without counting the indicator as used: for working ahead on every indicator
        (report/assess.py computes all recent trends at once), not for what a paper shows."""
        key = (indicator, area_code or self.area.code)
        if key not in self._frames:
            rows = self._positions().get(key)
            self._frames[key] = (self.table.iloc[0:0] if rows is None else
                                 self.table.iloc[rows].sort_values("year", kind="stable").reset_index(drop=True))
        return self._frames[key]

    def rows(self, indicator: str | list[str], area_codes: list[str]) -> pd.DataFrame:
        """All published rows of an indicator (or several) for several areas, in table order (one
        selection)."""
        positions = self._positions()
        indicators = [indicator] if isinstance(indicator, str) else indicator
        found = [positions[k] for i in indicators for c in area_codes if (k := (i, c)) in positions]
        return self.table.iloc[np.sort(np.concatenate(found))] if found else self.table.iloc[0:0]

    def _positions(self) -> dict:
        """Row positions of every (indicator, area), found once; frames are made on demand."""
        if not self._rows:
            self._rows = self.table.groupby(["indicator", "area_code"], sort=False).indices
        return self._rows

    def year_for(self, indicator: str) -> int | None:
        """The paper's period for an indicator: the latest year with a value for the area, or the
        year asked for."""
        return self.year_in(self.series(indicator))

    def year_in(self, series: pd.DataFrame) -> int | None:
        """year_for, given the indicator's series (e.g. from peek_series)."""
        s = series[series["status"] == "ok"]
        if s.empty:
            return None
        if self.period == "latest":
            return int(s["year"].max())
        return int(self.period) if int(self.period) in set(s["year"].astype(int)) else None

    def value(self, indicator: str, year: int, area_code: str) -> pd.Series | None:
        """The published row of an indicator for one area and year (None when there is none)."""
        if not self._ok:  # one dictionary of row positions instead of a table filter per call
            t = self.table
            ok = np.flatnonzero((t["status"] == "ok").to_numpy())
            keys = zip(t["indicator"].to_numpy()[ok], t["area_code"].to_numpy()[ok],
                       t["year"].to_numpy()[ok].astype(int).tolist())
            for pos, key in zip(ok.tolist(), keys):
                self._ok.setdefault(key, pos)  # the first such row, as a filter would find
        pos = self._ok.get((indicator, area_code, int(year)))
        return None if pos is None else self.table.iloc[pos]

    def la_values(self, indicator: str, year: int) -> pd.Series:
        """Usable values of every LA for one indicator and year, by area code (for bands and ranks)."""
        if not self._la:  # row positions per (indicator, year), found once; a Series made when asked for
            t = self.table
            las = np.flatnonzero(((t["area_level"] == "Local authority") & (t["status"] == "ok")).to_numpy())
            groups = t.iloc[las].groupby(["indicator", "year"], sort=False).indices
            self._la = {key: las[rows] for key, rows in groups.items()}
        found = self._la.get((indicator, year))
        if found is None:
            return pd.Series(dtype=float)
        if not isinstance(found, pd.Series):
            self._la[(indicator, year)] = found = self.table.iloc[found].set_index("area_code")["value"]
        return found

    @property
    def published(self) -> bool:
        """Whether the paper is under disclosure control (False: an internal working paper)."""
        return self.disclosure is None or self.disclosure.enabled

    @property
    def region_label(self) -> str:
        return self.region.name if self.region else "no region (cypp does not know this area's region)"

    def comparators(self) -> list[tuple[str, str]]:
        """(label, area code) of England and the region, for charts and tables."""
        out = [("England", geo.ENGLAND)]
        if self.region is not None and self.region.code != self.area.code:
            out.append((self.region.name, self.region.code))
        return [(label, code) for label, code in out if code != self.area.code]

    def assess(self, ind: Indicator) -> Assessment:
        """All the judgements about one indicator (computed once per paper)."""
        if ind.id not in self._assessed:
            self._assessed[ind.id] = assess(self, ind)
        return self._assessed[ind.id]

    def comparator_groups(self, indicator: str) -> dict[int, pd.Series]:
        """The comparator group's value per year (computed once per paper, for every statistic)."""
        if indicator not in self._groups:
            if self._group_frames is None:
                self._group_frames = comparator_group_frames(self, self.catalogue.statistics())
            frame = self._group_frames.get(indicator)
            if frame is None and not self.catalogue[indicator].is_statistic:
                frame = comparator_group_frames(self, [self.catalogue[indicator]]).get(indicator)
            self._groups[indicator] = rows_by_year(frame)
        return self._groups[indicator]

    def recent_trend(self, indicator: str) -> pd.Series:
        """stats.recent_trend's row for the indicator up to the paper's year (computed once per
        paper, for every statistic)."""
        if self._trends is None:
            self._trends = recent_trend_rows(self, self.catalogue.statistics())
        if indicator in self._trends.index:
            return self._trends.loc[indicator]
        return recent_trend_rows(self, [self.catalogue[indicator]]).loc[indicator]

    def neighbour_mean(self, indicator: str, year: int) -> tuple[float, int]:
        """The comparator-group value (pooled or mean, see neighbour_label) and how many neighbours it uses."""
        g = self.comparator_groups(indicator).get(int(year))
        return (float("nan"), 0) if g is None else (float(g["value"]), int(g["n_used"]))

    def neighbour_label(self, method: str = "") -> str:
        return f"Statistical neighbours ({self.neighbour_model} model{', ' + method if method else ''})"

    # ------------------------------------------------------------------ sentences
    def headline(self, ind: Indicator) -> str:
        """One computed, significance-aware sentence for an indicator."""
        a = self.assess(ind)
        if not a.has_value:
            hidden = hidden_note(self, ind.id, None)
            return (f"{ind.name}: no published value for {self.area.name} in this data."
                    + (f" {hidden}" if hidden else ""))
        row = a.row
        parts = []
        if ind.value_type == "count":
            parts.append("a count, so not compared with areas of a different size")
        elif a.vs_england is not None:
            parts.append(a.vs_england.words("England", ind.format(a.england["value"])))
        else:
            parts.append("no usable England value")
        if a.vs_region is not None:
            parts.append(a.vs_region.words(self.region.name, ind.format(a.region["value"])))
        if a.band:
            parts.append(f"quartile band {a.band} of English LAs (A = best; ranked {a.rank} of {a.ranked})")
        if a.previous is not None:
            parts.append(change_words(row["value"], a.previous["value"], a.previous["period"], ind.format, a.change))
        if a.trend != "Cannot be calculated":
            parts.append(f"recent trend: {a.trend.lower()}")
        if a.target:
            parts.append(f"target {ind.format(ind.target)}: {a.target.lower()}")
        hidden = hidden_note(self, ind.id, int(row["year"]))
        return (f"{ind.name}: {ind.format(row['value'])} in {row['period']}, {'; '.join(p for p in parts if p)}."
                + (f" {hidden}" if hidden else ""))

    # ------------------------------------------------------------------ displays
    def front_matter(self, title: str, subtitle: str = ""):
        """The title, the demonstration-data banner when relevant, what the paper covers, and the
        marker where the table of contents goes."""
        demo = self.provenance.get("demo")
        banner = f'<div class="cypp-banner" role="note"><p>{esc(DEMO_BANNER)}</p></div>' if demo else ""
        if not self.published:
            banner = internal_banner() + banner
        sn = ", ".join(n.name for n in self.neighbours) or "none found"
        mine = self.table[(self.table["area_code"] == self.area.code) & (self.table["status"] == "ok")]
        latest = int(mine["year"].max()) if not mine.empty else None
        period = (f"the latest published period of each indicator (the most recent ends in {latest})"
                  if self.period == "latest" and latest else f"periods ending in {self.period}")
        meeting = f"Board meeting: {esc(self.meeting_date)}. " if self.meeting_date else ""
        meta = (f'<p class="cypp-meta">{meeting}Area: {esc(self.area.name)}. Data: {esc(period)}. '
                f"Compared with England, {esc(self.region_label)} and {esc(self.area.name)}'s statistical neighbours "
                f"({esc(self.neighbour_model)} model: {esc(sn)}).</p>")
        sub = f'<p class="cypp-lede">{esc(subtitle)}</p>' if subtitle else ""
        return _html(f"<h1>{esc(title)}</h1>{banner}{sub}{meta}{TOC_MARKER}")

    def standing(self, ind: Indicator) -> tuple[str, bool]:
        """Where the area stands against England: ('better' | 'worse' | 'similar' | 'other', tested).

        Untested differences (the source publishes no interval) still have a direction when the
        indicator has a good direction; the sentences always say they were not tested."""
        a = self.assess(ind)
        if not a.has_value or ind.value_type == "count" or a.vs_england is None:
            return "other", False
        c = a.vs_england
        if c.label in ("better", "worse"):
            return c.label, c.tested
        if c.label in ("similar", "same"):
            return "similar", c.tested
        if c.label in ("higher", "lower") and ind.polarity in ("high", "low"):
            return ("better" if (c.label == "higher") == (ind.polarity == "high") else "worse"), False
        return "other", False

    def summary(self, indicators: list[Indicator], level: int = 3):
        """The two-minute read: counts of where the area stands against England and of recent
        trends, then every indicator's sentence grouped worse, better, similar, not compared."""
        stats_ = [i for i in indicators if i.is_statistic]
        if not stats_:
            return _html("<p>No statistical indicators.</p>")
        groups = {k: [] for k in SUMMARY_GROUPS}
        for ind in stats_:
            groups[self.standing(ind)[0]].append(ind)
        with_value = [i for i in stats_ if self.assess(i).has_value]
        parts, untested = [], False
        for key in ("worse", "better", "similar"):
            members = groups[key]
            if not members:
                continue
            tested = sum(self.standing(i)[1] for i in members)
            note = ""
            if key != "similar" and tested < len(members):
                note = (f" ({_count(tested)} significantly, {_count(len(members) - tested)} not tested)" if tested
                        else " (not tested)")
                untested = True
            parts.append(f"{_count(len(members))} {key}{note}")
        other = len(with_value) - sum(len(groups[k]) for k in ("worse", "better", "similar"))
        if other:
            parts.append(f"{_count(other)} not compared (counts, local measures or no England value)")
        lede = ((f"{self.area.name} has a value for {_count(len(with_value))} of these {_count(len(stats_))} indicators."
                 if len(stats_) > 1 else f"{self.area.name} has {'a' if with_value else 'no'} value for this one indicator.")
                + (f" Compared with England: {_join(parts)}." if parts else ""))
        trends = [self.assess(i).trend for i in with_value]
        better = sum(t.endswith("getting better") for t in trends)
        worse = sum(t.endswith("getting worse") for t in trends)
        calc = sum(t != "Cannot be calculated" for t in trends)
        lede += (f" Recent trends: {_count(calc)} could be calculated; {_count(better)} getting better, "
                 f"{_count(worse)} getting worse"
                 + (", the rest no significant change." if calc > better + worse else ".")
                 if calc else " No recent trend could be calculated (the sources publish no counts or intervals, "
                 "or fewer than five consecutive years).")
        if untested:
            lede += (" \"Not tested\" means the source publishes no confidence interval, so whether the "
                     "difference is more than chance cannot be said.")
        missing_ = [i.name for i in stats_ if not self.assess(i).has_value]
        if missing_:
            lede += f" No value: {'; '.join(missing_)}."
        h = f"h{level}"
        out = [f'<p class="cypp-lede">{esc(lede)}</p>']
        for key, label in SUMMARY_GROUPS.items():
            members = [i for i in groups[key] if self.assess(i).has_value]
            if members:
                items = "".join(f"<li>{esc(self.headline(i))}</li>" for i in members)
                out.append(f"<{h}>{esc(label)} ({len(members)})</{h}><ul>{items}</ul>")
        return _html("".join(out))

    def scorecard(self, indicators: list[Indicator], caption: str = "Scorecard"):
        rows = []
        for ind in (i for i in indicators if i.is_statistic):
            a = self.assess(ind)
            if not a.has_value:
                rows.append([ind.name, "no data"] + [""] * 9)
                continue
            row = a.row
            ci = (f"{ind.format(row['lower_95'])} to {ind.format(row['upper_95'])}"
                  if not missing(row["lower_95"]) else "none published")
            g = a.group
            group = "no data"
            if g is not None and not missing(g["value"]):
                method = "mean" if str(g["method"]).startswith("mean") else str(g["method"]).split(" (")[0]
                some = "" if g["n_used"] == g["n_neighbours"] else f", {g['n_used']} of {g['n_neighbours']}"
                group = f"{ind.format(g['value'])} ({method}{some})"
            later = later_hidden(self, ind.id, int(row["year"]))
            period = row["period"] + (f" ({', '.join(later['period'])}: c)" if not later.empty else "")
            rows.append([ind.name, period, ind.format(row["value"]), ci,
                         ind.format(a.england["value"]) if a.england is not None else "no data",
                         ind.format(a.region["value"]) if a.region is not None else "no data", group,
                         self._verdict(ind, a, self.standing(ind)),
                         a.trend if a.trend != "Cannot be calculated" else f"not calculated: {_short_reason(a.trend_reason)}",
                         f"{a.band} ({a.rank} of {a.ranked})" if a.band else "none",
                         f"{ind.format(ind.target)}: {a.target}" if a.target else "none set"])
        df = pd.DataFrame(rows, columns=["Indicator", "Period", self.area.name, "95% interval", "England",
                                         self.region.name if self.region else "Region", self.neighbour_label(), "Compared with England", "Recent trend",
                                         "Quartile band (rank)", "Target"])
        note = ('<p class="cypp-meta">Neighbours: "pooled" is all neighbours\' numerators over all their '
                'denominators, with an interval; "mean" is the average of their values (LAIT\'s neighbour '
                "average), used when counts are not published. Quartile band A is the best quarter of English "
                "local authorities; rank 1 is the best. A recent trend needs five consecutive annual values "
                "with counts or intervals. A period followed by, for example, \"(2024-25: c)\" means a later "
                "value is hidden to protect confidentiality, so the latest that can be shown is given.</p>")
        return _html(table(df, caption=caption) + note)

    @staticmethod
    def _verdict(ind: Indicator, a: Assessment, standing: tuple[str, bool]) -> str:
        """Scorecard wording of the comparison with England (an untested difference in an
        indicator with a good direction is 'better/worse (not tested)', as in the summary)."""
        if ind.value_type == "count":
            return "not compared (a count)"
        if a.vs_england is None:
            return "not compared"
        if not a.vs_england.tested and standing[0] in ("better", "worse"):
            return f"{standing[0]} (not tested)"
        return a.vs_england.short()

    def indicator_section(self, indicator: str, neighbours_chart: bool = True, level: int = 3):
        """Heading, sentence, definition, trend chart and neighbour chart for one indicator."""
        from cypp_lib.report.charts import figure_html, neighbour_chart, trend_chart

        ind = self.catalogue[indicator]
        h = f"h{level}"
        out = [f"<{h}>{esc(ind.name)}</{h}>"]
        if not ind.is_statistic:
            out.append(f"<p>{esc(ind.definition)}</p><p><strong>How this is evidenced:</strong> {esc(ind.evidence)}</p>")
            return _html("".join(out))
        out.append(f"<p>{esc(self.headline(ind))}</p>")
        out.append(f"<p class=\"cypp-meta\">Definition: {esc(ind.definition)} Source: {esc(ind.source.publisher)} "
                   f"({esc(ind.source.file)}). Plan's measure of success: {esc(ind.success)}."
                   + (f" Caveats: {esc(ind.caveats)}" if ind.caveats else "") + "</p>")
        year = self.year_for(ind.id)
        if year is None:
            return _html("".join(out))
        series = {self.area.name: self.series(ind.id)}
        for label, code in self.comparators():
            s = self.series(ind.id, code)
            if code != self.area.code and not s.empty:
                series[label] = s[s["status"].isin(("ok", "c"))]
        group = self.assess(ind).group
        sn = pd.DataFrame([{"year": y, "period": p, "value": self.neighbour_mean(ind.id, int(y))[0]}
                           for y, p in self.series(ind.id)[["year", "period"]].itertuples(index=False)])
        if not sn.empty and sn["value"].notna().any():
            series[self.neighbour_label(group["method"] if group is not None else "")] = sn
        area_s = series[self.area.name]
        series[self.area.name] = area_s[area_s["status"].isin(("ok", "c"))]  # c: a marked gap in the chart
        unit = ind.unit if ind.unit != "%" else "per cent"
        fig, alt, data = trend_chart(series, f"{ind.name} in {self.area.name}", unit, ind.format)
        out.append(figure_html(fig, alt, f"{ind.name}: {self.area.name} and comparators over time", data,
                               numeric=tuple(data.columns[1:])))
        if neighbours_chart and self.neighbours:
            rows = []
            for a in [self.area, *self.neighbours]:
                v = self.value(ind.id, year, a.code)
                if v is not None:
                    rows.append({"name": a.name, "value": v["value"], "lower_95": v["lower_95"], "upper_95": v["upper_95"],
                                 "status": "ok"})
                elif not (c := self.series(ind.id, a.code)).empty and ((c["year"] == year) & (c["status"] == "c")).any():
                    rows.append({"name": a.name, "value": float("nan"), "lower_95": float("nan"),
                                 "upper_95": float("nan"), "status": "c"})  # no bar: marked c
            if sum(r["status"] == "ok" for r in rows) > 1:
                eng = self.value(ind.id, year, geo.ENGLAND)
                period = self.value(ind.id, year, self.area.code)["period"]
                fig, alt, data = neighbour_chart(pd.DataFrame(rows), self.area.name,
                                                 f"{ind.name}, {period}", unit, ind.format,
                                                 eng["value"] if eng is not None else None)
                out.append(figure_html(fig, alt, f"{ind.name}: {self.area.name} and its statistical neighbours, {period}",
                                       data, numeric=tuple(data.columns[1:])))
        return _html("".join(out))

    def gap_table(self, gap) -> pd.DataFrame:
        """The gap (group minus reference) by year for the area, England and the region, with a 95%
        interval (Newcombe for proportions, normal approximation for rates) where counts exist."""
        g, r = self.catalogue[gap.group], self.catalogue[gap.reference]
        out = []
        for label, code in ((self.area.name, self.area.code), *self.comparators()):
            a, b = usable_rows(self.series(g.id, code)), usable_rows(self.series(r.id, code))
            both = a.merge(b, on=["year", "period"], suffixes=("_g", "_r"))
            if both.empty:
                continue
            frame = pd.DataFrame({"area": label, "year": both["year"], "period": both["period"],
                                  "group": both["value_g"], "reference": both["value_r"],
                                  "gap": both["value_g"] - both["value_r"], "lower_95": float("nan"),
                                  "upper_95": float("nan")})
            counts = both[["numerator_g", "denominator_g", "numerator_r", "denominator_r"]].notna().all(axis=1)
            if g.value_type in ("proportion", "rate") and counts.any():
                ci = stats.gap(both["numerator_g"], both["denominator_g"], both["numerator_r"], both["denominator_r"],
                               kind=g.value_type, multiplier=g.multiplier)
                frame.loc[counts, ["lower_95", "upper_95"]] = ci.loc[counts, ["lower_95", "upper_95"]].to_numpy()
            out.append(frame)
        return pd.concat(out, ignore_index=True) if out else pd.DataFrame()

    def gap_section(self, gap, level: int = 4):
        """Heading, computed sentence and table for an equity gap (e.g. disadvantaged pupils vs others)."""
        g, r = self.catalogue[gap.group], self.catalogue[gap.reference]
        h = f"h{level}"
        html = [f"<{h}>{esc(gap.name)}</{h}>", f"<p class=\"cypp-meta\">{esc(gap.why)} The gap is "
                f"{esc(g.name)} minus {esc(r.name)}.</p>"]
        t = self.gap_table(gap)
        mine = t[t["area"] == self.area.name] if not t.empty else t
        if mine.empty:
            return _html("".join(html) + f"<p>No year has both values for {esc(self.area.name)}.</p>")
        last = mine.iloc[-1]
        fmt = g.format
        sentence = (f"In {last['period']} the gap in {self.area.name} was {fmt(last['gap'])} "
                    f"({fmt(last['group'])} against {fmt(last['reference'])})")
        eng = t[(t["area"] == "England") & (t["year"] == last["year"])]
        if not eng.empty:
            e = eng.iloc[0]["gap"]
            tested = not missing(last["lower_95"])
            word = ("narrower than" if abs(last["gap"]) < abs(e) else "wider than" if abs(last["gap"]) > abs(e)
                    else "the same as")
            sentence += f"; England's was {fmt(e)}, so the local gap is {word} England's"
            sentence += "" if tested else " (significance not assessed: the source publishes no counts)"
        if len(mine) > 1:
            first = mine.iloc[0]
            change = "narrowed" if abs(last["gap"]) < abs(first["gap"]) else "widened" if abs(last["gap"]) > abs(
                first["gap"]) else "not changed"
            sentence += f". Since {first['period']} ({fmt(first['gap'])}) it has {change}"
        html.append(f"<p>{esc(sentence)}.</p>")
        wide = t.pivot_table(index=["year", "period"], columns="area", values="gap", sort=True).reset_index()
        cols = [c for c in (self.area.name, *(label for label, _ in self.comparators())) if c in wide.columns]
        shown = pd.DataFrame({"Period": wide["period"], **{c: wide[c].map(fmt) for c in cols}})
        html.append(table(shown, caption=f"{gap.name}, by year", numeric=tuple(cols)))
        return _html("".join(html))

    def appendix(self):
        """How this paper was produced (report/appendix.py)."""
        from cypp_lib.report.appendix import appendix_html

        return _html(appendix_html(self))

    def paragraph(self, text: str):
        return _html(f"<p>{esc(text)}</p>")

    def heading(self, text: str, level: int = 3):
        return _html(f"<h{level}>{esc(text)}</h{level}>")

    def outcome_heading(self, outcome: int):
        """Heading for one of the plan's 13 outcomes."""
        return _html(f"<h3>Outcome {outcome}: {esc(self.catalogue.outcomes[outcome])}</h3>")
