"""Download the public source files named in the manifest (its `fetch:` fields) into a raw folder,
with a record of where each came from: `fetch-record.json` (URL, UTC retrieval time, SHA-256, size,
and the server's Last-Modified / ETag when given).

Needs internet access, or a mirror: `mirror="http://host:port"` rewrites `https://a.b/c?d` to
`http://host:port/a.b/c?d` (an organisation's internal mirror, or a local test server).

Raw folders are immutable. Every file is downloaded to a temporary file next to its destination and
checked (HTTP 200, not empty, CSV rather than an HTML error page, UTF-8); only when every file
passes are they moved into place, so a failure leaves the folder as it was. A file already present
with the same SHA-256 is "unchanged"; one that differs is never overwritten: fetch into a new folder
and compare the two deliveries instead. Standard library only.
"""

from __future__ import annotations

import codecs
import hashlib
import http
import json
import os
import socket
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, date, datetime
from fnmatch import fnmatch
from pathlib import Path

from cypp_lib import __version__
from cypp_lib.errors import FetchError

RECORD = "fetch-record.json"
_CHUNK = 1 << 16


def manifest_entries() -> list[tuple[str, str]]:
    """Every (path, url) pair of the manifest's `fetch` fields, sorted by path."""
    from cypp_lib.catalogue.manifest import load_manifest

    return sorted((path, url) for f in load_manifest().values() for path, url in f.fetch.items())


def mirror_url(url: str, mirror: str | None) -> str:
    """`https://host/path?query` -> `<mirror>/host/path?query` (the URL itself when no mirror)."""
    if not mirror:
        return url
    parts = urllib.parse.urlsplit(url)
    return f"{mirror.rstrip('/')}/{parts.netloc}{parts.path}" + (f"?{parts.query}" if parts.query else "")


@dataclass
class _Download:
    path: str
    url: str
    tmp: Path
    sha256: str
    size: int
    headers: dict


def _http(code: int, reason: str) -> str:
    """'HTTP 404 Not Found': the standard phrase for the code (servers word their own reasons variously)."""
    try:
        return f"HTTP {code} {http.HTTPStatus(code).phrase}"
    except ValueError:
        return f"HTTP {code} {reason}".rstrip()


def _describe_network_error(exc: BaseException, timeout: float) -> str:
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError | socket.timeout):
        return f"timed out after {timeout:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, socket.gaierror):
        return "host name not found (no internet access? use --mirror)"
    if isinstance(reason, ConnectionResetError):
        return "connection reset by the server"
    return str(getattr(reason, "strerror", None) or reason)


def _sniff(head: bytes, content_type: str) -> str | None:
    """Why the start of a response is not a CSV file (None when it looks like one)."""
    text = head.removeprefix(codecs.BOM_UTF8).lstrip()
    low = text[:512].lower()
    if "html" in content_type.lower() or low.startswith((b"<!doctype html", b"<html")) or b"<html" in low:
        return "an HTML page, not CSV"
    if low.startswith(b"<"):
        return "an XML or HTML document, not CSV"
    first = text.split(b"\n", 1)[0]
    if b"," not in first:
        shown = first[:60].decode("utf-8", "replace").strip()
        return f"not CSV: its first line has no commas ({shown!r})"
    return None


def _download(path: str, url: str, dest: Path, mirror: str | None, timeout: float) -> _Download:
    """Download url into a temporary file beside dest and check it; raise FetchError on any problem."""
    where = f"{path} from {url}" + (f" (via {mirror_url(url, mirror)})" if mirror else "")
    req = urllib.request.Request(mirror_url(url, mirror), headers={"User-Agent": f"cypp/{__version__}"})
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        digest, size, head = hashlib.sha256(), 0, b""
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp, os.fdopen(fd, "wb") as out:
                fd = None
                if resp.status != 200:
                    raise FetchError(f"{where}: expected a CSV file with HTTP 200, got {_http(resp.status, resp.reason)}")
                headers = {k: resp.headers[h] for k, h in (("last_modified", "Last-Modified"), ("etag", "ETag"))
                           if resp.headers.get(h)}
                content_type = resp.headers.get("Content-Type", "")
                while chunk := resp.read(_CHUNK):
                    if len(head) < _CHUNK:
                        head += chunk[:_CHUNK - len(head)]
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError as exc:
                        raise FetchError(f"{where}: expected UTF-8 CSV text, got bytes that are not UTF-8 "
                                         f"(near byte {size + exc.start:,})") from None
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
        except urllib.error.HTTPError as exc:
            raise FetchError(f"{where}: expected a CSV file, got {_http(exc.code, exc.reason)}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise FetchError(f"{where}: could not download: {_describe_network_error(exc, timeout)}") from None
        if size == 0:
            raise FetchError(f"{where}: expected a CSV file, got an empty response")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise FetchError(f"{where}: expected UTF-8 CSV text, got a file ending mid-character (cut short?)") from None
        problem = _sniff(head, content_type)
        if problem:
            raise FetchError(f"{where}: expected a CSV file, got {problem}")
        return _Download(path, url, tmp, digest.hexdigest(), size, headers)
    except BaseException:
        if fd is not None:
            os.close(fd)
        tmp.unlink(missing_ok=True)
        raise


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _check_target(path: str) -> None:
    p = Path(path)
    if p.is_absolute() or ".." in p.parts or "*" in path or p.name == RECORD:
        raise FetchError(f"{path}: a fetch target must be a file path inside the raw folder")


def _read_record(raw: Path) -> dict:
    f = raw / RECORD
    if not f.is_file():
        return {}
    try:
        doc = json.loads(f.read_text(encoding="utf-8"))
        return {e["path"]: e for e in doc["files"]}
    except (ValueError, KeyError, TypeError):
        raise FetchError(f"{f}: not a cypp fetch record (expected JSON with a 'files' list); "
                         "move it aside and fetch again") from None


def _write_record(raw: Path, entries: dict) -> None:
    text = json.dumps({"files": [entries[k] for k in sorted(entries)]}, indent=2, sort_keys=True) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=f".{RECORD}.", suffix=".part", dir=raw)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, raw / RECORD)


def fetch(raw_dir, entries=None, mirror: str | None = None, timeout: float = 60, only: str | None = None,
          log=print) -> dict:
    """Download entries ((path, url) pairs; default: the manifest's) into raw_dir.

    only: keep the paths matching this glob or containing this text. Returns {path: "downloaded" |
    "unchanged"}. Raises FetchError, leaving raw_dir as it was, when any download fails or any file
    already there differs from the one served.
    """
    raw = Path(raw_dir)
    if mirror and urllib.parse.urlsplit(mirror).scheme not in ("http", "https"):
        raise FetchError(f"--mirror {mirror!r}: expected an http:// or https:// address, e.g. http://127.0.0.1:8000")
    entries = sorted(manifest_entries() if entries is None else entries)
    if only:
        chosen = [(p, u) for p, u in entries if fnmatch(p, only) or only in p]
        if not chosen:
            raise FetchError(f"no file to fetch matches {only!r}; the files are: {', '.join(p for p, _ in entries)}")
        entries = chosen
    for path, _ in entries:
        _check_target(path)

    made_dirs: list[Path] = []
    downloads: list[_Download] = []
    problems: list[str] = []
    status: dict[str, str] = {}
    try:
        for path, url in entries:
            dest = raw / path
            for parent in reversed([dest.parent, *dest.parent.parents]):
                if not parent.exists():
                    parent.mkdir()
                    made_dirs.append(parent)
            log(f"Fetching {path} from {url}" + (f" via {mirror}" if mirror else ""))
            try:
                d = _download(path, url, dest, mirror, timeout)
            except FetchError as exc:
                problems.append(str(exc))
                continue
            downloads.append(d)
            if not dest.exists():
                status[path] = "downloaded"
            elif (old := _sha256(dest)) == d.sha256:
                status[path] = "unchanged"
            else:
                problems.append(
                    f"{path}: the file at {url} differs from the one already in {raw} "
                    f"(SHA-256 {d.sha256[:12]}… served, {old[:12]}… on disk). Raw files are never overwritten: "
                    f"fetch into a new folder (--raw data/raw/public-{date.today():%Y-%m-%d}) and compare "
                    "the two deliveries with cypp's revisions report")
        if problems:
            raise FetchError(f"{len(problems)} of {len(entries)} file(s) could not be fetched; nothing was "
                             f"written ({raw} is as it was):\n  - " + "\n  - ".join(problems))

        record = _read_record(raw)
        before = json.dumps(record, sort_keys=True)
        now = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        for d in downloads:
            if status[d.path] == "downloaded":
                os.replace(d.tmp, raw / d.path)
            else:
                d.tmp.unlink()
            log(f"  {status[d.path]}: {d.path} ({d.size:,} bytes, sha256 {d.sha256[:12]}…)")
            old = record.get(d.path) or {}
            if status[d.path] == "unchanged" and old.get("sha256") == d.sha256 and old.get("url") == d.url:
                continue  # keep the record of when this exact file was first retrieved
            record[d.path] = {"path": d.path, "url": d.url, "retrieved_at": now, "sha256": d.sha256,
                              "bytes": d.size, **d.headers}
        if json.dumps(record, sort_keys=True) != before:
            _write_record(raw, record)
    except BaseException:
        for d in downloads:
            d.tmp.unlink(missing_ok=True)
        for parent in reversed(made_dirs):
            try:
                parent.rmdir()
            except OSError:
                pass
        raise
    n_new = sum(v == "downloaded" for v in status.values())
    log(f"{n_new} file(s) downloaded, {len(status) - n_new} unchanged, in {raw} (record: {RECORD})")
    return status
