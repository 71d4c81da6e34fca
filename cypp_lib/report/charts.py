"""Charts for papers: colour-blind-safe, marked and labelled (meaning never carried by colour
alone), embedded as PNG with alt text generated from the plotted numbers and the data table
beneath. Deterministic: fixed font, no timestamps in the PNG, no random elements.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from cypp_lib.report.html import details, esc, table  # noqa: E402

PALETTE = sns.color_palette("colorblind")
MARKERS = ["o", "s", "^", "D", "v"]
plt.rcParams.update({"font.family": "DejaVu Sans", "svg.hashsalt": "cypp", "figure.dpi": 100,
                     "axes.spines.top": False, "axes.spines.right": False})


CHART_CACHE_ENV = "CYPP_CHART_CACHE"  # folder of rendered charts by content, set by `cypp build`
#: Where this build writes the charts it draws (read too): kept apart from the cache until the
#: build's validation has passed, so a build that fails leaves the cache as it was.
CHART_NEW_ENV = "CYPP_CHART_NEW"


def _png(fig) -> str:
    """The figure (or Chart) as base64 PNG. Drawing it is most of a chart's cost, so a Chart whose
    content key (from everything it shows) has been drawn before in this build folder
    (by another paper: the annual report repeats the priority papers' trend charts) is read from
    the chart cache instead; the bytes are the same either way."""
    path = None
    if isinstance(fig, Chart):
        folders = [Path(f) for f in (os.environ.get(CHART_NEW_ENV), os.environ.get(CHART_CACHE_ENV)) if f]
        for known in (f / f"{fig.key}.png" for f in folders):
            if known.is_file():
                return base64.b64encode(known.read_bytes()).decode("ascii")
        path = folders[0] / f"{fig.key}.png" if folders else None  # this build's own folder first
        fig = fig.draw()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as f:
            f.write(buf.getvalue())
        os.replace(tmp, path)  # whole files only: papers running at once may share a chart
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _content_key(kind: str, *parts) -> str:
    """SHA-256 of a chart's kind and everything it draws (frames as CSV at full precision)."""
    h = hashlib.sha256(f"{kind}\0{matplotlib.__version__}".encode())
    for part in parts:
        text = part.to_csv(index=False) if isinstance(part, pd.DataFrame) else repr(part)
        h.update(b"\0" + text.encode("utf-8"))
    return h.hexdigest()


def figure_html(fig, alt: str, caption: str, data: pd.DataFrame, numeric=()) -> str:
    img = f'<img src="data:image/png;base64,{_png(fig)}" alt="{esc(alt)}">'
    return (f"<figure>{img}<figcaption>{esc(caption)}</figcaption></figure>"
            + details(f"Data table: {caption}", table(data, caption=caption, numeric=numeric)))


class Chart:
    """A chart not drawn yet: its content key and how to draw it. `figure_html` draws it only when
    the chart cache does not already hold a chart with that key (a chart shown by several papers
    costs one drawing), so a cache hit costs no matplotlib work at all."""

    def __init__(self, key: str, draw):
        self.key = key  # SHA-256 of everything the chart shows
        self.draw = draw  # () -> the matplotlib figure, drawn now


def trend_chart(series: dict[str, pd.DataFrame], title: str, unit: str, fmt) -> tuple:
    """series: {label: frame with year, period, value[, lower_95, upper_95, status]}, first = the area.

    A row whose status is "c" (hidden by disclosure control or by the publisher) is a gap in its
    line, marked "c" above the axis, "c" in the data table and named in the alt text.
    Returns (Chart, alt text, wide data table).
    """
    alt_parts = []
    all_years = sorted({int(y) for s in series.values() for y in s["year"]})
    labels = {}
    lines = []  # (position, name, the rows drawn: values and hidden years, the rows with a value)
    hidden = {}
    for i, (name, s) in enumerate(series.items()):
        s = s.sort_values("year")
        c = s["status"].eq("c") if "status" in s else pd.Series(False, index=s.index)
        hidden[name] = set(s.loc[c, "year"].astype(int))
        shown, drawn = s[s["value"].notna()], s[s["value"].notna() | c]
        if drawn.empty:
            continue
        if not shown.empty:
            first, last = shown.iloc[0], shown.iloc[-1]
            alt_parts.append(f"{name}: {fmt(first['value'])} in {first['period']} to {fmt(last['value'])} in "
                             f"{last['period']}")
        if c.any():
            alt_parts.append(f"{name}: no value shown (c, hidden to protect confidentiality) for "
                             + ", ".join(s.loc[c, "period"]))
        lines.append((i, name, drawn, shown))
        for y, period in zip(drawn["year"], drawn["period"]):
            labels.setdefault(int(y), period)
    alt = f"Line chart of {title}. " + "; ".join(alt_parts) + "."
    wide = pd.DataFrame({"Period": [labels[y] for y in sorted(labels)]})
    for name, s in series.items():
        vals = dict(zip(s["year"].astype(int), s["value"]))
        wide[name] = ["c" if y in hidden.get(name, ()) else
                      fmt(vals.get(y)) if vals.get(y) == vals.get(y) and y in vals else "no data" for y in sorted(labels)]

    def draw():
        fig, ax = plt.subplots(figsize=(7.5, 3.8))
        for i, name, s, shown in lines:
            colour, marker = PALETTE[i % len(PALETTE)], MARKERS[i % len(MARKERS)]
            ax.plot(s["year"], s["value"], marker=marker, color=colour, linewidth=2.5 if i == 0 else 1.5,
                    label=name)  # a c row is NaN: the line breaks there
            if i == 0 and "lower_95" in s and s["lower_95"].notna().any():
                if hidden[name]:  # a band cannot span the gaps: whiskers on each point instead
                    ok = s[s["lower_95"].notna()]
                    ax.errorbar(ok["year"], ok["value"], yerr=[ok["value"] - ok["lower_95"], ok["upper_95"] - ok["value"]],
                                fmt="none", ecolor=colour, alpha=0.6, capsize=4, linewidth=1.5,
                                label=f"{name} 95% confidence interval")
                else:
                    ax.fill_between(s["year"].astype(float), s["lower_95"], s["upper_95"], color=colour, alpha=0.15,
                                    label=f"{name} 95% confidence interval")
            for y in sorted(hidden[name]):
                ax.annotate("c", (y, 0), xycoords=("data", "axes fraction"), xytext=(0, 4 + 13 * i),
                            textcoords="offset points", ha="center", fontsize=11, fontweight="bold", color=colour)
            if not shown.empty:
                last = shown.iloc[-1]
                ax.annotate(name, (last["year"], last["value"]), xytext=(6, 0), textcoords="offset points",
                            va="center", fontsize=8, color="#0b0c0c")
        if any(hidden.values()):
            ax.plot([], [], linestyle="none", marker="$c$", color="#0b0c0c",
                    label="c: value hidden to protect confidentiality")
        ax.set_xticks(all_years, [labels.get(y, str(y)) for y in all_years], rotation=45, ha="right", fontsize=8)
        ax.set_ylabel(unit)
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.12, 1))
        ax.grid(axis="y", color="#dddddd")
        return fig

    drawn = [(name, s[[c for c in ("year", "period", "value", "lower_95", "upper_95", "status") if c in s]])
             for name, s in series.items()]
    return Chart(_content_key("trend", title, unit, alt, wide, *[p for pair in drawn for p in pair]), draw), alt, wide


def neighbour_chart(rows: pd.DataFrame, area: str, title: str, unit: str, fmt, england=None) -> tuple:
    """rows: name, value[, lower_95, upper_95] for the area and its neighbours in one period.

    Returns (Chart, alt text, data table)."""
    hidden = rows[rows["status"] == "c"] if "status" in rows else rows.iloc[0:0]
    rows = rows.dropna(subset=["value"]).sort_values("value").reset_index(drop=True)
    if not hidden.empty:  # hidden values (c) sit below the bars, with no bar, marked c
        rows = pd.concat([hidden.sort_values("name", ascending=False), rows], ignore_index=True)
    has_england = england is not None and england == england

    def shown(v) -> str:
        return fmt(v) if v == v else "c"

    order = "; ".join(f"{n} {shown(v)}" for n, v in zip(rows["name"][::-1], rows["value"][::-1]))
    alt = (f"Bar chart of {title}, highest first: {order}." + (f" England: {fmt(england)}." if has_england else "")
           + (" c: value hidden to protect confidentiality, no bar." if not hidden.empty else ""))
    data = pd.DataFrame({"Area": rows["name"][::-1], "Value": [shown(v) for v in rows["value"][::-1]]})
    if "lower_95" in rows and rows["lower_95"].notna().any():
        data["95% interval"] = [f"{fmt(lo)} to {fmt(up)}" if lo == lo else ("c" if v != v else "")
                                for lo, up, v in zip(rows["lower_95"][::-1], rows["upper_95"][::-1], rows["value"][::-1])]

    def draw():
        fig, ax = plt.subplots(figsize=(7.5, 0.32 * len(rows) + 1.2))
        colours = [PALETTE[0] if n == area else "#9aa5ad" for n in rows["name"]]
        ax.barh(rows["name"], rows["value"], color=colours, hatch=["//" if n == area else "" for n in rows["name"]],
                edgecolor="#0b0c0c", linewidth=0.5)
        if "lower_95" in rows and rows["lower_95"].notna().any():
            ax.errorbar(rows["value"], rows.index,
                        xerr=[rows["value"] - rows["lower_95"], rows["upper_95"] - rows["value"]],
                        fmt="none", ecolor="#0b0c0c", capsize=3, linewidth=1)
        for i, v in enumerate(rows["value"]):
            ax.annotate(shown(v), (v if v == v else 0, i), xytext=(4, 0), textcoords="offset points", va="center",
                        fontsize=8, fontweight="normal" if v == v else "bold")
        if has_england:
            ax.axvline(england, color=PALETTE[1], linestyle="--", linewidth=1.5)
            ax.annotate(f"England {fmt(england)}", (england, len(rows) - 0.5), xytext=(3, 4),
                        textcoords="offset points", fontsize=8, color="#0b0c0c")
        ax.set_xlabel(unit)
        ax.tick_params(axis="y", labelsize=8)
        for label in ax.get_yticklabels():
            if label.get_text() == area:
                label.set_fontweight("bold")
        return fig

    key = _content_key("neighbours", area, title, unit, england, alt, data,
                       rows[[c for c in ("name", "value", "lower_95", "upper_95") if c in rows]])
    return Chart(key, draw), alt, data
