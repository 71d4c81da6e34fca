"""The publishable content of the participation and co-production log, for the priority 4 paper.

The log (local/participation_log.csv; columns in docs/local-extracts.md) *is* the evidence for
plan outcomes 11-13: the paper lists who took part and what changed ("you said, we did"). Papers
never read raw files, so `prepare` copies the log's rows into the processed provenance
(provenance["participation_log"]), keeping only the columns that may be published. The analyst's
free-text `notes` column is never copied: PUBLISHED_COLUMNS is an allow-list, so a column added
to the template later stays out until someone decides it may be published.

The rows are taken after the adapter (cypp_lib.sources.local) has checked the file in the same
`prepare`, so dates, counts and outcomes are known to be valid here.
"""

from __future__ import annotations

from cypp_lib.sources.local import LOG_COLUMNS

#: The log's manifest path (relative to the raw folder).
LOG_FILE = "local/participation_log.csv"
#: Provenance key under which `prepare` stores the records.
PROVENANCE_KEY = "participation_log"
#: The columns that may appear in a paper. Never `notes` (the analyst's free text).
PUBLISHED_COLUMNS = ("area_code", "activity_date", "activity", "service", "participants_group",
                     "participant_type", "participants", "outcome", "you_said", "we_did")
_WHOLE_NUMBERS = ("participants", "outcome")
if not set(PUBLISHED_COLUMNS) <= set(LOG_COLUMNS) or "notes" in PUBLISHED_COLUMNS:
    raise ImportError("PUBLISHED_COLUMNS must be columns of the log template, never notes")


def _order(record: dict) -> tuple:
    return (record["activity_date"], record["activity"], record["service"], record["participants_group"],
            record["participant_type"], record["participants"], record["outcome"], record["you_said"],
            record["we_did"], record["area_code"])


def records(frame) -> list[dict]:
    """The log's rows as JSON-ready dicts of the published columns only (text stripped, counts and
    outcomes as whole numbers), in a fixed order (date, then activity, then the other columns)."""
    text = frame[list(PUBLISHED_COLUMNS)].fillna("").astype(str).apply(lambda c: c.str.strip())
    out = []
    for row in text.to_dict("records"):
        for col in _WHOLE_NUMBERS:
            row[col] = int(row[col])
        out.append(row)
    return sorted(out, key=_order)


def log_records(raw_set, catalogue) -> list[dict] | None:
    """The published records of the log in `raw_set`, or None when the log was not supplied (or
    the catalogue does not read it, so the adapter has not checked it)."""
    if LOG_FILE not in catalogue.files():
        return None
    found = [raw for raw in raw_set.inputs.values() if raw.entry.path == LOG_FILE]
    if not found:
        return None
    return sorted((r for raw in found for r in records(raw.frame)), key=_order)
