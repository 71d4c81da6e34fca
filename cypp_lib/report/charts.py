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
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

from cypp_lib.report import png  # noqa: E402
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
    try:
        data = tight_png(fig)
    finally:
        plt.close(fig)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)  # whole files only: papers running at once may share a chart
    return base64.b64encode(data).decode("ascii")


DPI = 100
PAD_INCHES = 0.1  # white space kept around what is drawn, as matplotlib's savefig.pad_inches
#: Room added round the figure, in inches (left, bottom, right, top), for what is drawn outside it:
#: tick labels, and legends placed right of (or below) the axes
MARGIN_INCHES = (3.0, 3.0, 6.0, 2.0)
#: Part of every chart's content key: how figures become PNG bytes (change it when that changes,
#: so that a chart cache from an earlier version is not mixed with charts drawn now)
RENDERING = "one draw, cropped to the ink, pad 0.1 in, 100 dpi; " + png.FORMAT


def _placed_on_the_figure(fig) -> bool:
    """Whether anything is placed in the figure's own coordinates (which move when the canvas grows):
    an artist of the figure itself, or an axes' artist (annotation, text, line, legend...) in
    figure coordinates or anchored to the figure. The axes' own axis artists (ticks, labels) never are."""
    if fig.texts or fig.legends or fig.lines or fig.patches or fig.images or fig.subfigs or fig.artists:
        return True
    own = (fig.transFigure, fig.transSubfigure)

    def on_figure(coords) -> bool:
        if isinstance(coords, tuple):
            return any(on_figure(c) for c in coords)
        if isinstance(coords, str):
            return coords.startswith(("figure", "subfigure"))
        return any(coords is t for t in own)

    for ax in fig.axes:
        for artist in ax.get_children():
            if artist is ax.xaxis or artist is ax.yaxis:
                continue
            if on_figure(getattr(artist, "xycoords", None)) or on_figure(getattr(artist, "anncoords", None)):
                return True
            if artist.is_transform_set() and any(artist.get_transform().contains_branch(t) for t in own):
                return True
            if hasattr(artist, "get_bbox_to_anchor"):  # a legend: anchored to its axes unless told otherwise
                anchor = artist.get_bbox_to_anchor()
                if anchor is not ax.bbox and any(getattr(anchor, "_transform", None) is t for t in own):
                    return True
    return False


def _far_reaching(fig, renderer):
    """Where the axes' texts and annotations are anchored, and where their legends are, in pixels:
    the unclipped artists that could sit wholly off the canvas, leaving no ink to show it. A text
    anchored on the canvas that runs off it leaves ink at the canvas's edge; tick labels, spines
    and data clipped to the axes stay by the axes."""
    for ax in fig.axes:
        for text in ax.texts:
            if text.get_visible() and text.get_text():
                x, y = text.get_transform().transform(text.get_position())
                yield Bbox.from_extents(x, y, x, y)
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            yield legend.get_window_extent(renderer)


def _within(box, inside) -> bool:
    return box.x0 >= inside.x0 and box.y0 >= inside.y0 and box.x1 <= inside.x1 and box.y1 <= inside.y1


def _savefig_tight(fig, dpi: int) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", pad_inches=PAD_INCHES, metadata={"Software": None})
    return buf.getvalue()


def tight_png(fig, dpi: int = DPI) -> bytes:
    """The figure as PNG bytes, cropped to what is drawn plus PAD_INCHES: the picture
    `savefig(bbox_inches="tight")` gives, for about two thirds of the work. savefig draws a figure
    twice (once to measure it, once to render it); here it is drawn once, on a canvas
    MARGIN_INCHES larger on each side with the axes where they were, and cropped to the pixels that
    are not background. If anything reaches the canvas's edge the margins grow fourfold and it is
    drawn again. savefig does it as before for a figure with anything placed in the figure's own
    coordinates (a suptitle, a figure legend, an annotation in figure points), which would move
    with the canvas, for one that draws nothing, and for one still reaching past the grown margins."""
    if _placed_on_the_figure(fig):
        return _savefig_tight(fig, dpi)
    w, h = fig.get_size_inches()
    boxes = [ax.get_position(original=True) for ax in fig.axes]
    background = np.round(np.array(to_rgba(fig.get_facecolor())) * 255).astype(np.uint8).view(np.uint32)[0]
    pad = round(PAD_INCHES * dpi)
    fig.set_dpi(dpi)

    def place(left: float, bottom: float, right: float, top: float) -> None:
        width, height = w + left + right, h + bottom + top
        fig.set_size_inches(width, height)
        for ax, p in zip(fig.axes, boxes):
            ax.set_position([(p.x0 * w + left) / width, (p.y0 * h + bottom) / height,
                             p.width * w / width, p.height * h / height])

    for grow in (1, 4):
        place(*(m * grow for m in MARGIN_INCHES))
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        pixels = np.asarray(canvas.buffer_rgba())
        ink = np.ascontiguousarray(pixels).view(np.uint32)[..., 0] != background  # RGBA as one word
        rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
        if rows.size == 0:
            break
        inside = Bbox.from_extents(pad + 1, pad + 1, ink.shape[1] - pad - 1, ink.shape[0] - pad - 1)
        if (rows[0] > pad and cols[0] > pad and rows[-1] < ink.shape[0] - 1 - pad and cols[-1] < ink.shape[1] - 1 - pad
                and all(_within(box, inside) for box in _far_reaching(fig, canvas.get_renderer()))):
            crop = pixels[rows[0] - pad:rows[-1] + 1 + pad, cols[0] - pad:cols[-1] + 1 + pad]
            return png.encode(crop, dpi)
    place(0, 0, 0, 0)  # the figure as it came
    return _savefig_tight(fig, dpi)


def _content_key(kind: str, *parts) -> str:
    """SHA-256 of a chart's kind and everything it draws (frames as CSV at full precision)."""
    h = hashlib.sha256(f"{kind}\0{matplotlib.__version__}\0{RENDERING}".encode())
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
