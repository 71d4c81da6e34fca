"""Small HTML builders for paper output (escaped, accessible, deterministic).

Every table is a real <table> with a caption and scoped headers, inside a labelled region that
scrolls sideways on a narrow screen (focusable, so keyboard users can scroll it too), followed by
a link that downloads the same table as CSV. The CSV is a data: URI, so a paper stays one
self-contained file, and it holds exactly the cells the reader sees (suppressed cells stay
suppressed), with a byte-order mark so that Excel reads it as UTF-8.
"""

from __future__ import annotations

import hashlib
import html
import math
import re
from urllib.parse import quote

import pandas as pd


def esc(x) -> str:
    return html.escape(str(x), quote=True)


def _cell(v) -> str:
    return "" if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else str(v)


def slug(text: str, limit: int = 60) -> str:
    """A file-name or id fragment: lower case letters, digits and hyphens."""
    s = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")
    return s[:limit].rstrip("-") or "table"


def download_name(caption: str, limit: int = 60) -> str:
    """A CSV file name from a caption: its slug, or, when the slug is longer than `limit`, the slug
    cut short plus a short hash of the whole caption, so that two tables whose captions begin
    alike (a chart's data and a breakdown's table on one page) never share a file name."""
    full = slug(caption, limit=10_000)
    if len(full) <= limit:
        return full
    return f"{slug(caption, limit - 7)}-{hashlib.sha1(caption.encode('utf-8')).hexdigest()[:6]}"


def csv_text(df: pd.DataFrame) -> str:
    """The table as CSV text (cells as shown in the paper)."""
    return df.map(_cell).to_csv(index=False, lineterminator="\r\n")


def csv_link(df: pd.DataFrame, caption: str, text: str | None = None) -> str:
    """A link that downloads the table as CSV, named after the caption (`text`: csv_text(df), when
    the caller has it already)."""
    data = quote("\ufeff" + (csv_text(df) if text is None else text), safe="")
    name = f"{download_name(caption)}.csv"
    return (f'<a class="cypp-download" href="data:text/csv;charset=utf-8,{data}" download="{esc(name)}">'
            f'Download this table as CSV<span class="cypp-visually-hidden">: {esc(caption)}</span></a>')


def table(df: pd.DataFrame, caption: str = "", numeric: tuple = (), download: bool = True) -> str:
    """A plain HTML table with scoped column and row headers, a caption, and a CSV download."""
    head = "".join(f'<th scope="col"{" class=num" if c in numeric else ""}>{esc(c)}</th>' for c in df.columns)
    body = []
    for row in df.itertuples(index=False):
        cells = []
        for i, (c, v) in enumerate(zip(df.columns, row)):
            text = esc(_cell(v))
            cls = ' class="num"' if c in numeric else ""
            cells.append(f"<th scope=\"row\">{text}</th>" if i == 0 else f"<td{cls}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    label = caption or "Table"
    as_csv = csv_text(df) if caption or (download and len(df)) else ""  # once, for the id and the download
    if caption:  # the region is named by the caption (a stable id from the content: same on every build)
        rid = "t-" + hashlib.sha1((label + as_csv).encode("utf-8")).hexdigest()[:10]
        name, cap = f'aria-labelledby="{rid}"', f'<caption id="{rid}">{esc(caption)}</caption>'
    else:
        name, cap = f'aria-label="{esc(label)}"', ""
    out = (f'<div class="cypp-table-wrap" role="region" {name} tabindex="0"><table>{cap}'
           f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")
    return out + (csv_link(df, label, as_csv) if download and len(df) else "")


def details(summary: str, inner: str) -> str:
    return f"<details><summary>{esc(summary)}</summary>{inner}</details>"
