"""Small HTML builders for paper output (escaped, accessible, deterministic)."""

from __future__ import annotations

import html
import math

import pandas as pd


def esc(x) -> str:
    return html.escape(str(x), quote=True)


def table(df: pd.DataFrame, caption: str = "", numeric: tuple = ()) -> str:
    """A plain HTML table with scoped column headers and an optional caption."""
    head = "".join(f'<th scope="col"{" class=num" if c in numeric else ""}>{esc(c)}</th>' for c in df.columns)
    body = []
    for row in df.itertuples(index=False):
        cells = []
        for i, (c, v) in enumerate(zip(df.columns, row)):
            text = "" if v is None or (isinstance(v, float) and math.isnan(v)) else esc(v)
            cls = ' class="num"' if c in numeric else ""
            cells.append(f"<th scope=\"row\">{text}</th>" if i == 0 else f"<td{cls}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def details(summary: str, inner: str) -> str:
    return f"<details><summary>{esc(summary)}</summary>{inner}</details>"
