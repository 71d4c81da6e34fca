"""Finishing a rendered paper: heading ids, the table of contents, no stray anchor links.

nbconvert gives Markdown headings an id and a pilcrow link ("¶"), which a screen reader reads
out as "pilcrow, link" after every heading; the headings a paper's code writes have no id. This
module removes the pilcrow links, gives every h2-h3 a stable id made from its text (unique within
the page), and builds a table of contents of the h2 and h3 headings. The contents go where the
front matter left the marker `<!--cypp:toc-->`, or at the top of <main>.

The HTML is produced by cypp's own template and library, so regular expressions over the
heading tags are enough; no HTML parser is needed.
"""

from __future__ import annotations

import html
import re

TOC_MARKER = "<!--cypp:toc-->"
_ANCHOR = re.compile(r'<a class="anchor-link" href="[^"]*">[^<]*</a>')
_HEADING = re.compile(r"<h([23])((?:\s[^>]*)?)>(.*?)</h\1>", re.S)
_ID = re.compile(r'\sid="([^"]*)"')
_TAGS = re.compile(r"<[^>]+>")


def _text(inner: str) -> str:
    return html.unescape(_TAGS.sub("", inner)).strip()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].rstrip("-") or "section"


def finish(page: str, toc_title: str = "Contents") -> str:
    """Return the page with pilcrow links removed, heading ids set and the contents inserted."""
    page = _ANCHOR.sub("", page)
    used = set(_ID.findall(page))
    entries = []

    def heading(m: re.Match) -> str:
        level, attrs, inner = int(m.group(1)), m.group(2) or "", m.group(3)
        text = _text(inner)
        found = _ID.search(attrs)
        if found:
            hid = found.group(1)
        else:
            base = hid = _slug(text)
            n = 2
            while hid in used:
                hid, n = f"{base}-{n}", n + 1
            used.add(hid)
            attrs = f' id="{hid}"{attrs}'
        if "cypp-no-toc" not in attrs:
            entries.append((level, hid, text))
        return f"<h{level}{attrs}>{inner}</h{level}>"

    page = _HEADING.sub(heading, page)
    toc = contents(entries, toc_title)
    if TOC_MARKER in page:
        return page.replace(TOC_MARKER, toc, 1)
    return page.replace('<main id="main">', '<main id="main">' + toc, 1)


def contents(entries: list[tuple[int, str, str]], title: str = "Contents") -> str:
    """A nested ordered list of (level, id, text): h3 entries nest under the h2 before them."""
    if not entries:
        return ""
    out, open_sub = [], False
    for level, hid, text in entries:
        link = f'<a href="#{html.escape(hid)}">{html.escape(text)}</a>'
        if level == 2:
            if open_sub:
                out.append("</ol></li>")
                open_sub = False
            elif out:
                out.append("</li>")
            out.append(f"<li>{link}")
        else:
            if not out:  # an h3 before any h2: its own item
                out.append(f"<li>{link}")
                continue
            if not open_sub:
                out.append("<ol>")
                open_sub = True
            out.append(f"<li>{link}</li>")
    out.append("</ol></li>" if open_sub else "</li>")
    return (f'<nav class="cypp-toc" aria-labelledby="cypp-contents"><h2 id="cypp-contents" class="cypp-no-toc">'
            f'{html.escape(title)}</h2><ol>{"".join(out)}</ol></nav>')


#: Shown on every page of a build without disclosure control (`cypp build --no-suppression`).
NOT_FOR_PUBLICATION = ("NOT FOR PUBLICATION: an internal working paper built without disclosure control. "
                       "It shows small numbers that could identify a child. Do not publish, email outside "
                       "the partnership or print it for a public meeting.")
INTERNAL_MARK = 'class="cypp-banner cypp-internal"'
_MAIN = re.compile(r"<main\b[^>]*>")
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def internal_banner() -> str:
    return f'<div {INTERNAL_MARK} role="note"><p>{html.escape(NOT_FOR_PUBLICATION)}</p></div>'


def mark_not_for_publication(page: str) -> str:
    """The page with "NOT FOR PUBLICATION" in its title and a banner at the top of <main> (once)."""
    title = _TITLE.search(page)
    if title is None or "NOT FOR PUBLICATION:" not in title.group(1):
        page = _TITLE.sub(lambda m: f"<title>NOT FOR PUBLICATION: {m.group(1)}</title>", page, count=1)
    if INTERNAL_MARK not in page:
        m = _MAIN.search(page)
        at = m.end() if m else page.find(">", page.find("<body")) + 1
        page = page[:at] + internal_banner() + page[at:]
    return page
