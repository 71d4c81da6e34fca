"""`make a11y` and `make screenshots`: audit (or photograph) every HTML page under a folder.

python tests/a11y/report.py outputs                     # readable report; exit 1 on any failure
python tests/a11y/report.py outputs --screenshots DIR   # full-page PNGs into DIR
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.a11y_tools import a11y_available, advisories, audit, failures, screenshots  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path, help="built papers (every *.html below it is checked)")
    ap.add_argument("--screenshots", type=Path, metavar="DIR", help="write screenshots instead of auditing")
    args = ap.parse_args(argv)

    reason = a11y_available()
    if reason:
        print(f"accessibility tools unavailable: {reason}", file=sys.stderr)
        return 2
    shots = args.screenshots.resolve() if args.screenshots else None
    pages = sorted(p for p in args.folder.rglob("*.html") if shots is None or shots not in p.resolve().parents)
    if not pages:
        print(f"no HTML pages under {args.folder}: build the papers first (make papers)", file=sys.stderr)
        return 1

    t0 = time.monotonic()
    if shots:
        written = screenshots(pages, shots)
        print(f"{len(written)} screenshots in {shots} ({time.monotonic() - t0:.1f} s)")
        return 0

    results = audit(pages)
    failing = 0
    for page in pages:
        res = results.get(os.path.abspath(page), {"error": "not audited"})
        bad, notes = failures(res), advisories(res)
        failing += bool(bad)
        print(f"{'FAIL' if bad else 'ok  '} {page}  ({res.get('seconds', 0):.1f} s)")
        for line in bad:
            print(f"     - {line}")
        for line in notes:
            print(f"     . {line}")
    axe = next((r["axe"] for r in results.values() if "axe" in r), {})
    print(
        f"\n{len(pages)} pages audited with axe-core {axe.get('version', '?')} "
        f"({', '.join(axe.get('tags_run', []))}) in {time.monotonic() - t0:.1f} s: "
        f"{failing} failing" + (" ('-' fails, '.' is advisory)" if failing else "")
    )
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
