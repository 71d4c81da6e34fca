"""Scan a folder about to be published for things that must never be published.

`scan(folder, extra)` reads every text file under `folder` (HTML, CSV, JSON, Markdown, plain text
and other files that decode as UTF-8 text; PNG and other binary files are skipped) and returns one
Leak per finding:

- **path**: an absolute file-system path of this machine: the project root (cypp_lib.paths),
  the home folder, `/tmp/`, `/root/`, `/home/<name>/`, `/work/`, `/Users/`, `C:\\Users\\`. Papers
  name files relative to the raw folder only; a machine path says where and by whom they were built.
- **user name**, **host name**: the current user's and machine's names as whole words, when they
  are at least 4 characters (shorter ones are ordinary words and letters).
- **traceback**: a Python stack trace (`Traceback (most recent call last)`, `File "...", line N`):
  an error output left in a paper.
- **ANSI escape**: terminal colour codes (raw or written `\\u001b`, `\\x1b`, `\\033`): console
  output left in a paper.
- the kinds of cypp_lib.identifiers (UPN, NHS number, postcode, date of birth, email address,
  phone number, name), except "full date": papers state dates (meetings, periods, activities) on
  purpose.
- **extra**: any of the strings passed in `extra`, exactly (e.g. a name known to be in a raw file).

HTML is scanned as the text a reader gets (entities decoded). The CSV downloads inside it
(`data:text/...,<percent-encoded text>` links) are decoded and scanned too, as `<file> (download)`
context. Base64 payloads of images and fonts (`data:image/png;base64,...`) are removed first: base64
text is random letters and digits that look like `/tmp` or a postcode by chance; a base64 payload of
a text type is decoded and scanned.

What a Leak shows (`context`, about 40 characters either side): for paths, user and host names,
tracebacks and ANSI codes the matched text, so it can be found and mended; for identifiers and
`extra` strings, only their kind (the matched text is personal data). Identifiers in the context
around any match are replaced by their kind too.
"""

from __future__ import annotations

import base64
import binascii
import getpass
import hashlib
import html
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from cypp_lib import identifiers, paths

#: Suffixes never read (binary). Files with other suffixes are read when they decode as UTF-8.
BINARY_SUFFIXES = frozenset(".png .jpg .jpeg .gif .webp .ico .pdf .parquet .zip .gz .xz .bz2 .woff .woff2 .ttf "
                            ".otf .eot .pyc .so .db .sqlite .xlsx .xls .docx .pptx".split())
#: Files whose text is read with HTML entities decoded.
MARKUP_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".svg", ".xml"})
#: Identifier kinds searched for in published files (not "full date": papers state dates on purpose).
IDENTIFIER_KINDS = tuple(k for k in identifiers.KINDS if k != "full date")
CONTEXT = 40
MIN_NAME = 4

_DATA_URI = re.compile(r"data:(?P<type>[\w.+-]+/[\w.+-]+)?(?P<params>(?:;[\w.+-]+=[\w.+-]+)*)(?P<b64>;base64)?,"
                       r"(?P<payload>[^\"'\s<>)]*)", re.IGNORECASE)
_TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"[^\"\n]{1,400}\", line \d+")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b|\\u001[bB]|\\x1[bB]|\\033\[")


@dataclass(frozen=True)
class Leak:
    file: str  # relative to the scanned folder (posix); "<file> (download)" for a CSV link inside it
    line: int  # line in the file (of the link, for a download)
    kind: str  # "path", "user name", "host name", "traceback", "ANSI escape", an identifier kind, "extra"
    context: str  # the text around it, the match shown only for paths, names, tracebacks and ANSI

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}: {self.kind}: {self.context}"


def _path_patterns() -> list[re.Pattern]:
    before, after = r"(?<![\w.:/\\-])", r"(?![\w.-])"
    literal = {str(paths.ROOT), str(Path.home())}
    out = [re.compile(before + re.escape(p.rstrip("/\\")) + after) for p in sorted(literal, key=len, reverse=True)
           if len(p.rstrip("/\\")) > 1]
    out += [re.compile(before + r"/(?:tmp|root|work|Users)/"), re.compile(before + r"/home/[^/\s\"'<>]+/"),
            re.compile(r"(?<![\w])[A-Za-z]:(?:\\\\?|/)Users(?:\\\\?|/)", re.IGNORECASE)]
    return out


def _machine_names() -> list[tuple[str, re.Pattern]]:
    names = []
    try:
        names.append(("user name", getpass.getuser()))
    except Exception:  # no user name (e.g. an unknown uid in a container): nothing to look for
        pass
    host = socket.gethostname()
    names += [("host name", host), ("host name", host.split(".")[0])]
    seen, out = set(), []
    for kind, name in names:
        if len(name) >= MIN_NAME and name not in seen:
            seen.add(name)
            out.append((kind, re.compile(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])")))
    return out


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _context(text: str, start: int, end: int, shown: str) -> str:
    def around(s: str) -> str:
        return identifiers.redact(re.sub(r"\s+", " ", s), IDENTIFIER_KINDS)
    before, after = text[max(0, start - CONTEXT):start], text[end:end + CONTEXT]
    return f"{'...' if start > CONTEXT else ''}{around(before)}{shown}{around(after)}{'...' if end + CONTEXT < len(text) else ''}"


def scan_text(text: str, extra: Iterable[str] = ()) -> list[tuple[int, str, str]]:
    """(position, kind, context) of every finding in `text` (plain text, already decoded)."""
    found: list[tuple[int, int, str, bool]] = []  # start, end, kind, show the match
    for pattern in _path_patterns():
        found += [(m.start(), m.end(), "path", True) for m in pattern.finditer(text)]
    for kind, pattern in _machine_names():
        found += [(m.start(), m.end(), kind, True) for m in pattern.finditer(text)]
    found += [(m.start(), m.end(), "traceback", True) for m in _TRACEBACK.finditer(text)]
    found += [(m.start(), m.end(), "ANSI escape", True) for m in _ANSI.finditer(text)]
    found += [(s, e, kind, False) for kind, s, e in identifiers.find(text, IDENTIFIER_KINDS)]
    for s in {s for s in extra if s}:
        found += [(m.start(), m.end(), "extra", False) for m in re.finditer(re.escape(s), text)]
    paths_at = [(s, e) for s, e, kind, _ in found if kind == "path"]
    out = []
    for start, end, kind, show in sorted(found):
        if kind != "path" and any(s <= start and end <= e for s, e in paths_at):
            continue  # a user or host name inside a path already reported
        shown = repr(text[start:end])[1:-1] if show else f"[{kind}]"
        out.append((start, kind, _context(text, start, end, shown)))
    return out


def _parts(text: str, markup: bool) -> tuple[str, list[tuple[int, str]]]:
    """A file's text -> (the text with data URIs removed and, for markup, entities decoded;
    [(line, decoded text of a text data URI)]). The removed URIs keep their line breaks, so line
    numbers stay those of the file."""
    downloads: list[tuple[int, str]] = []
    kept, pos = [], 0
    for m in _DATA_URI.finditer(text):
        kind = (m["type"] or "text/plain").lower()
        payload = m["payload"]
        if kind.startswith("text/") or kind in ("application/json", "application/csv"):
            if m["b64"]:
                try:
                    decoded = base64.b64decode(payload, validate=False).decode("utf-8", "replace")
                except (binascii.Error, ValueError):
                    decoded = ""
            else:
                decoded = unquote(html.unescape(payload) if markup else payload, errors="replace")
            downloads.append((_line(text, m.start()), decoded))
        kept += [text[pos:m.start()], "data:", "\n" * payload.count("\n")]
        pos = m.end()
    kept.append(text[pos:])
    body = "".join(kept)
    return (html.unescape(body) if markup else body), downloads


def _text_of(path: Path, data: bytes) -> str | None:
    if path.suffix.lower() in BINARY_SUFFIXES or b"\x00" in data[:8192]:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


@dataclass(frozen=True)
class Scanned:
    """One file's findings (`scan_file`), with the SHA-256 of the bytes scanned, so that `scan` can
    reuse them for a file whose bytes have not changed since (a paper scanned by its worker)."""

    sha256: str
    found: tuple[tuple[Leak, tuple], ...]  # (leak, its sort key), each leak once


def scan_file(path: Path, rel: str | None = None, extra: Iterable[str] = ()) -> Scanned:
    """The findings in one file, named `rel` (default: its file name) in its Leaks."""
    rel = Path(path).name if rel is None else rel
    data = Path(path).read_bytes()
    found: dict[Leak, tuple] = {}  # each leak once, at its first position
    text = _text_of(Path(path), data)
    if text is not None:
        body, downloads = _parts(text, markup=Path(path).suffix.lower() in MARKUP_SUFFIXES)
        parts = [(rel, body, None)] + [(f"{rel} (download)", t, line) for line, t in downloads]
        for label, part, line in parts:
            for pos, kind, context in scan_text(part, extra):
                leak = Leak(label, line if line is not None else _line(part, pos), kind, context)
                found.setdefault(leak, (label, leak.line, pos))
    return Scanned(hashlib.sha256(data).hexdigest(), tuple(found.items()))


def scan(folder: Path, extra: Iterable[str] = (), scanned: dict[str, Scanned] | None = None) -> list[Leak]:
    """Every Leak in the files under `folder` (recursively), in the order of file, line and position
    (the same leak found twice in a file is listed once). Empty when the folder is safe to publish.
    `scanned` (relative name -> Scanned, with the same `extra`) is used for a file whose bytes are
    still those scanned; any other file is read and scanned here."""
    folder = Path(folder)
    extra = tuple(extra)
    scanned = scanned or {}
    leaks: dict[Leak, tuple] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        earlier = scanned.get(rel)
        if earlier is None or hashlib.sha256(path.read_bytes()).hexdigest() != earlier.sha256:
            earlier = scan_file(path, rel, extra)
        for leak, key in earlier.found:
            leaks.setdefault(leak, key)
    return sorted(leaks, key=leaks.get)
