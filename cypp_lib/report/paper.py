"""The Paper object: everything a paper notebook needs for one area, period and comparator set."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cypp_lib import __version__
from cypp_lib import geography as geo
from cypp_lib.catalogue import Catalogue, Indicator, load_catalogue
from cypp_lib.errors import ParameterError
from cypp_lib.prepare import read_processed
from cypp_lib.report.compare import change_words, compare
from cypp_lib.report.html import esc, table

DEMO_BANNER = ("Demonstration data: this paper was built from cypp's synthetic demonstration data set. "
               "The numbers are invented and are not official statistics. Do not quote them.")


def _html(text: str):
    from IPython.display import HTML

    return HTML(text)


def _nan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA


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
    _by_key: dict = field(default_factory=dict, repr=False)  # (indicator, area_code) -> rows, built once

    # ------------------------------------------------------------------ construction
    @classmethod
    def open(cls, processed_dir, area: str = "Lewisham", period="latest", neighbour_model: str = "2025",
             raw_dir=None, catalogue: Catalogue | None = None) -> Paper:
        """Load the processed table and check the parameters (ParameterError if invalid)."""
        table, provenance = read_processed(Path(processed_dir))
        catalogue = catalogue or load_catalogue()
        registry = geo.AreaRegistry()
        for code, name, level, num in table[["area_code", "area_name", "area_level", "la_number"]].drop_duplicates(
                "area_code").itertuples(index=False):
            if code not in registry.by_code:
                registry.add(geo.Area(code, name, int(num) if not _nan(num) else -1, level))
        try:
            resolved = registry.resolve(str(area))
        except KeyError:
            las = sorted(table.loc[table["area_level"] == "Local authority", "area_name"].unique())
            close = [n for n in las if str(area).casefold()[:4] in n.casefold()][:5]
            raise ParameterError(f"area {area!r} is not in the processed data"
                                 + (f"; did you mean {', '.join(close)}?" if close else f"; {len(las)} LAs are available")) from None
        if resolved.code not in set(table["area_code"]):
            raise ParameterError(f"area {area!r} has no rows in the processed data")
        if neighbour_model not in geo.NEIGHBOUR_MODELS:
            raise ParameterError(f"neighbour_model {neighbour_model!r}: use one of {', '.join(geo.NEIGHBOUR_MODELS)}")
        if str(period) != "latest" and not str(period).isdigit():
            raise ParameterError(f"period {period!r}: use 'latest' or the year a period ends in, e.g. 2024")
        paper = cls(table, provenance, catalogue, resolved, str(period), neighbour_model,
                    Path(raw_dir) if raw_dir else None)
        paper.neighbours = geo.neighbours(resolved, neighbour_model, paper.raw_dir, registry)
        return paper

    # ------------------------------------------------------------------ data access
    def series(self, indicator: str, area_code: str | None = None) -> pd.DataFrame:
        """All published rows of an indicator for one area (default: the paper's area), by year."""
        if not self._by_key:
            self._by_key = {key: rows.sort_values("year").reset_index(drop=True)
                            for key, rows in self.table.groupby(["indicator", "area_code"], sort=False)}
        empty = self.table.iloc[0:0]
        return self._by_key.get((indicator, area_code or self.area.code), empty)

    def year_for(self, indicator: str) -> int | None:
        """The paper's period for an indicator: the latest year with a value for the area, or the
        year asked for."""
        s = self.series(indicator)
        s = s[s["status"] == "ok"]
        if s.empty:
            return None
        if self.period == "latest":
            return int(s["year"].max())
        return int(self.period) if int(self.period) in set(s["year"].astype(int)) else None

    def value(self, indicator: str, year: int, area_code: str) -> pd.Series | None:
        s = self.series(indicator, area_code)
        s = s[(s["year"] == year) & (s["status"] == "ok")]
        return None if s.empty else s.iloc[0]

    def neighbour_mean(self, indicator: str, year: int) -> tuple[float, int]:
        vals = [v["value"] for n in self.neighbours if (v := self.value(indicator, year, n.code)) is not None]
        return (sum(vals) / len(vals), len(vals)) if vals else (float("nan"), 0)

    def neighbour_label(self) -> str:
        return f"Statistical neighbours ({self.neighbour_model} model, mean)"

    # ------------------------------------------------------------------ sentences
    def headline(self, ind: Indicator) -> str:
        """One computed, significance-aware sentence for an indicator."""
        year = self.year_for(ind.id)
        if year is None:
            return f"{ind.name}: no published value for {self.area.name} in this data."
        row = self.value(ind.id, year, self.area.code)
        parts = []
        eng = self.value(ind.id, year, geo.ENGLAND)
        if ind.value_type == "count":
            parts.append("a count, so not compared with areas of a different size")
        elif eng is not None:
            parts.append(compare(row["value"], row["lower_95"], row["upper_95"], eng["value"], ind.polarity)
                         .words("England", ind.format(eng["value"])))
        else:
            parts.append("no usable England value")
        lon = self.value(ind.id, year, geo.LONDON)
        if lon is not None and self.area.code != geo.LONDON and ind.value_type != "count":
            parts.append(compare(row["value"], row["lower_95"], row["upper_95"], lon["value"], ind.polarity)
                         .words("London", ind.format(lon["value"])))
        prev = self.series(ind.id)
        prev = prev[(prev["year"] < year) & (prev["status"] == "ok")]
        change = change_words(row["value"], prev.iloc[-1]["value"], prev.iloc[-1]["period"], ind.format) if len(prev) else ""
        sentence = f"{ind.name}: {ind.format(row['value'])} in {row['period']}, {'; '.join(parts)}"
        return sentence + (f"; {change}." if change else ".")

    # ------------------------------------------------------------------ displays
    def front_matter(self, title: str, subtitle: str = ""):
        demo = self.provenance.get("demo")
        banner = f'<div class="cypp-banner" role="note"><p>{esc(DEMO_BANNER)}</p></div>' if demo else ""
        sn = ", ".join(n.name for n in self.neighbours) or "none found"
        meta = (f"<p class=\"cypp-meta\">Area: {esc(self.area.name)}. Period: {esc(self.period)}. "
                f"Comparators: England, London and {esc(self.area.name)}'s statistical neighbours "
                f"({esc(self.neighbour_model)} model: {esc(sn)}). cypp version {esc(__version__)}.</p>")
        sub = f"<p><strong>{esc(subtitle)}</strong></p>" if subtitle else ""
        return _html(f"<h1>{esc(title)}</h1>{banner}{sub}{meta}")

    def summary(self, indicators: list[Indicator]):
        items = "".join(f"<li>{esc(self.headline(i))}</li>" for i in indicators if i.is_statistic)
        return _html(f"<ul>{items}</ul>" if items else "<p>No statistical indicators.</p>")

    def scorecard(self, indicators: list[Indicator], caption: str = "Scorecard"):
        rows = []
        for ind in (i for i in indicators if i.is_statistic):
            year = self.year_for(ind.id)
            row = self.value(ind.id, year, self.area.code) if year else None
            if row is None:
                rows.append([ind.name, "no data", "", "", "", "", "", ""])
                continue
            eng = self.value(ind.id, year, geo.ENGLAND)
            lon = self.value(ind.id, year, geo.LONDON)
            sn, n = self.neighbour_mean(ind.id, year)
            ci = (f"{ind.format(row['lower_95'])} to {ind.format(row['upper_95'])}"
                  if not _nan(row["lower_95"]) else "not published")
            verdict = self._verdict(ind, row, eng)
            rows.append([ind.name, row["period"], ind.format(row["value"]), ci,
                         ind.format(eng["value"]) if eng is not None else "no data",
                         ind.format(lon["value"]) if lon is not None else "no data",
                         f"{ind.format(sn)} (n={n})" if n else "no data", verdict])
        df = pd.DataFrame(rows, columns=["Indicator", "Period", self.area.name, "95% interval", "England",
                                         "London", self.neighbour_label(), "Compared with England"])
        return _html(table(df, caption=caption))

    @staticmethod
    def _verdict(ind: Indicator, row, eng) -> str:
        """Scorecard wording of the comparison with England."""
        if ind.value_type == "count":
            return "not compared (a count)"
        cmp = compare(row["value"], row["lower_95"], row["upper_95"], eng["value"] if eng is not None else None,
                      ind.polarity)
        if cmp.label in ("not compared", "similar", "same"):
            return cmp.label
        return f"significantly {cmp.label}" if cmp.tested else f"{cmp.label} (not tested)"

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
        for label, code in (("England", geo.ENGLAND), ("London", geo.LONDON)):
            s = self.series(ind.id, code)
            if code != self.area.code and not s.empty:
                series[label] = s[s["status"] == "ok"]
        sn = pd.DataFrame([{"year": y, "period": p, "value": self.neighbour_mean(ind.id, int(y))[0]}
                           for y, p in self.series(ind.id)[["year", "period"]].itertuples(index=False)])
        if not sn.empty and sn["value"].notna().any():
            series[self.neighbour_label()] = sn
        area_s = series[self.area.name]
        series[self.area.name] = area_s[area_s["status"] == "ok"]
        unit = ind.unit if ind.unit != "%" else "per cent"
        fig, alt, data = trend_chart(series, f"{ind.name} in {self.area.name}", unit, ind.format)
        out.append(figure_html(fig, alt, f"{ind.name}: {self.area.name} and comparators over time", data,
                               numeric=tuple(data.columns[1:])))
        if neighbours_chart and self.neighbours:
            rows = []
            for a in [self.area, *self.neighbours]:
                v = self.value(ind.id, year, a.code)
                if v is not None:
                    rows.append({"name": a.name, "value": v["value"], "lower_95": v["lower_95"], "upper_95": v["upper_95"]})
            if len(rows) > 1:
                eng = self.value(ind.id, year, geo.ENGLAND)
                period = self.value(ind.id, year, self.area.code)["period"]
                fig, alt, data = neighbour_chart(pd.DataFrame(rows), self.area.name,
                                                 f"{ind.name}, {period}", unit, ind.format,
                                                 eng["value"] if eng is not None else None)
                out.append(figure_html(fig, alt, f"{ind.name}: {self.area.name} and its statistical neighbours, {period}",
                                       data, numeric=tuple(data.columns[1:])))
        return _html("".join(out))

    def appendix(self):
        """How this paper was produced: parameters, data files and checksums, validation, methods."""
        p = self.provenance
        files = pd.DataFrame([[f["file"], f"{f['rows']:,}", f["sha256"][:16]] for f in p.get("files", [])],
                             columns=["Raw file", "Rows", "SHA-256 (first 16)"])
        missing = "".join(f"<li>{esc(m['file'])} (feeds {esc(', '.join(m['indicators']))})</li>" for m in p.get("missing", []))
        warnings = "".join(f"<li>{esc(w)}</li>" for w in p.get("warnings", []))
        validation = p.get("validation", {})
        vtext = ("All raw files passed their Great Expectations checks." if validation.get("success", True)
                 else "Some raw files failed validation.")
        return _html(
            f"<p>Parameters: area {esc(self.area.name)} ({esc(self.area.code)}), period {esc(self.period)}, "
            f"statistical-neighbour model {esc(self.neighbour_model)}. Produced by cypp {esc(__version__)} "
            f"from {'the synthetic demonstration data' if p.get('demo') else 'the raw data supplied'}.</p>"
            + table(files, caption="Raw files used")
            + (f"<p>Files not supplied (their indicators show no data):</p><ul>{missing}</ul>" if missing else "")
            + f"<p>Validation: {esc(vtext)}</p>"
            + (f"<p>Data quality warnings (these values were excluded):</p><ul>{warnings}</ul>" if warnings else
               "<p>No data quality warnings.</p>")
            + "<p>Methods: comparisons with England and London use the area's 95% confidence interval where the "
              "source allows one (Wilson score for proportions, Byar's or exact Poisson for rates); the benchmark "
              "is 'similar' when it lies inside the interval. Where no interval is published (LAIT) differences are "
              "described but not called significant. The statistical-neighbour figure is the unweighted mean of "
              "the neighbours' values.</p>")

    def heading(self, text: str, level: int = 3):
        return _html(f"<h{level}>{esc(text)}</h{level}>")

    def outcome_heading(self, outcome: int):
        """Heading for one of the plan's 13 outcomes."""
        return _html(f"<h3>Outcome {outcome}: {esc(self.catalogue.outcomes[outcome])}</h3>")
