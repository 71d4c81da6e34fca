"""Patterns of personal identifiers: what must never reach a published paper, a published column of a
raw file (validation) or a published folder (outputscan).

cypp publishes aggregate statistics and the free text of the participation log ("you said, we
did"). A child, parent or worker named or numbered in that text would be published, so the text
columns a paper shows are searched for these kinds (KINDS, in this order):

- **UPN**: the DfE unique pupil number, 13 characters: a check letter, 11 digits (LA number,
  school number, year, serial) and a last digit or letter (a letter for a temporary UPN). It
  identifies one pupil in every school census.
- **NHS number**: 10 digits, also written 3-3-4 with spaces or hyphens (`943 476 5919`). The
  checksum is not tested: a mistyped or made-up number is still someone's (or looks like it), and
  the point is that no such number is published.
- **postcode**: a full UK postcode (`SE6 4RU`, any case, the space optional). A full postcode
  covers about 15 households, so with an activity and a date it can point to one family. A
  district alone (`SE6`) is not a full postcode and is allowed.
- **date of birth**: the words DOB, D.O.B., date of birth or born followed by a date (numeric,
  `3 May 2012`, `May 2012`). With a name or a school it identifies a child.
- **full date**: any full numeric date (`03/05/2012`, `3-5-12`, `2012-05-03`) inside free text:
  in a child's story it is most often a date of birth. Year ranges (`2024-25`) are not dates.
  The scan of published folders does not use this kind (papers state dates on purpose).
- **email address** and **phone number** (UK: `07700 900123`, `020 7946 0958`, `+44 ...`):
  contact details of a person.
- **name**: a personal name, by three signs: an honorific (Mr, Mrs, Ms, Miss, Mx, Dr) followed by
  a capitalised word; `name:` followed by a word; or a common given name in England and Wales
  (GIVEN_NAMES, written for cypp from the names most given to children since the 1970s)
  followed by a capitalised word (`Oliver Smith`, not `Oliver` alone or "Young Advisors").
  Given names that are also everyday or place words (Grace, Hope, May, Victoria, Jordan, Will,
  Holly, Elizabeth, Alexandra ...) are left out so that "Victoria Park", "Elizabeth Line" or
  "May Half Term" are not refused.

No pattern can prove that text holds no names: these catch the usual ways an identifier gets
into a log, and the person who keeps the log still reads it before it is sent.

Every pattern is a plain Python regular expression (searched with `re.search`, as Great
Expectations' pandas engine does), so validation and `find` agree exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Common given names in England and Wales (children born 1970s-2020s), capitalised as written.
# Left out on purpose: names that are also common words, months or places (see the docstring).
GIVEN_NAMES = """
Aaron Abdul Abdullah Abigail Ada Adam Adrian Ahmed Aidan Aisha Alan Alex Alexander Alfie
Ali Alice Alison Amanda Amelia Amir Amira Amy Andrea Andrew Angela Anna Anne Anthony Archie Aria
Arlo Arthur Ashley Ava Ayaan Barbara Beatrice Ben Benjamin Beth Bethany Bradley Brian Callum
Carl Caroline Catherine Charles Charlie Charlotte Chloe Chris Christine Christopher Claire Connor Craig
Daniel Danielle Darren David Dawn Deborah Dylan Edward Eleanor Elijah Ella Ellie Elsie
Emilia Emily Emma Emmanuel Erin Esme Ethan Eva Evelyn Evie Fatima Femi Finley Freddie Freya Gareth Gary Gemma
George Hannah Harriet Harrison Harry Hassan Helen Henry Hugo Ibrahim Imogen Isaac Isabella
Isabelle Isla Jack Jacob Jake James Jamie Jane Jasmine Jason Jennifer Jessica Joanne Joe John
Jonathan Joseph Joshua Jude Julie Karen Katie Keira Kelly Kevin Kieran Kofi Kwame Laura Lauren
Layla Leah Leo Lewis Liam Lisa Logan Louie Louis Louise Luca Lucas Lucy Luke Lydia Maisie Maryam
Mason Matilda Matthew Megan Mia Michael Michelle Millie Mohamed Mohammed Molly Muhammad Naomi
Natalie Nathan Niamh Nicholas Nicola Noah Oliver Olivia Omar Oscar Patrick Paul Peter Phoebe Rachel
Rebecca Reece Reuben Richard Riley Robert Ronnie Rory Rosie Ryan Sam Samantha Samuel Sarah Scarlett
Sebastian Shannon Sienna Simon Sofia Sophia Sophie Stacey Stephen Steven Stuart Susan Teddy
Theo Thomas Tia Toby Tom Tommy Tunde Tyler William Yusuf Zachary Zainab Zara Zoe
""".split()

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MON = r"(?:0?[1-9]|1[0-2])"
_YEAR = r"(?:19|20)\d{2}"
#: A full numeric date: day-month-year with / or - (2- or 4-digit year), with . (4-digit year
#: only: 3.11.14 is more often a version number), or year-month-day.
_DATE_CORE = (rf"(?:{_DAY}/{_MON}/(?:{_YEAR}|\d{{2}})|{_DAY}-{_MON}-(?:{_YEAR}|\d{{2}})|{_DAY}\.{_MON}\.{_YEAR}|"
              rf"{_YEAR}[-/]{_MON}[-/]{_DAY})(?![\w/-])")
_NUMERIC_DATE = rf"(?<![\w./-]){_DATE_CORE}"
_WORD_DATE = (rf"(?:{_DAY}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\.?,?(?:\s+(?:{_YEAR}|\d{{2}}))?|"
              rf"{_MONTH}\.?\s+{_DAY}(?:st|nd|rd|th)?,?\s+{_YEAR}|{_MONTH}\.?\s+{_YEAR})\b")
_CAPITALISED = r"[A-Z][A-Za-z'’-]*[a-z]\b"  # Smith, O'Brien, McDonald, Smith-Jones
_DIGITS_BEFORE = r"(?<![\w.+/-])"  # not part of a longer number, a decimal or a code
_DIGITS_AFTER = r"(?![\w/-]|\.\d)"

#: kind -> regular expression (Python `re`, searched anywhere in the text).
PATTERNS: dict[str, str] = {
    "UPN": r"(?<![\w-])[A-Za-z]\d{11}[A-Za-z0-9](?![\w-])",
    "NHS number": rf"{_DIGITS_BEFORE}\d{{3}}[ -]?\d{{3}}[ -]?\d{{4}}{_DIGITS_AFTER}",
    "postcode": (r"(?i:(?<![\w-])[A-Z]{1,2}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}(?![\w-]))"),
    "date of birth": rf"(?i:\b(?:DOB|D\.O\.B\.?|date\s+of\s+birth|born(?:\s+(?:on|in))?)(?:\s*[:=-]\s*|\s+)"
                     rf"(?:{_DATE_CORE}|{_WORD_DATE}))",
    "full date": _NUMERIC_DATE,
    "email address": r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b",
    "phone number": (rf"{_DIGITS_BEFORE}(?:(?:\+|00)44\s?(?:\(0\)\s?)?|\(?0)\d(?:[\s)-]?\d){{8,9}}"
                     rf"{_DIGITS_AFTER}"),
    "name": (rf"\b(?:Mrs|Mr|Ms|Miss|Mx|Dr)\b\.?\s+{_CAPITALISED}|(?i:(?<![\w-])name\s*:)\s*[A-Za-z]{{2,}}"
             rf"|\b(?:{'|'.join(GIVEN_NAMES)})\s+{_CAPITALISED}"),
}
KINDS = tuple(PATTERNS)
#: What each kind is, for messages ("found 2 value(s) that look like a UPN").
DESCRIPTIONS = {
    "UPN": "a UPN (unique pupil number)",
    "NHS number": "an NHS number",
    "postcode": "a full postcode",
    "date of birth": "a date of birth",
    "full date": "a full date (which could be a date of birth)",
    "email address": "an email address",
    "phone number": "a phone number",
    "name": "a personal name",
}
_COMPILED = {kind: re.compile(p) for kind, p in PATTERNS.items()}


def find(text: str, kinds: Iterable[str] | None = None) -> list[tuple[str, int, int]]:
    """Every identifier in `text`: (kind, start, end), ordered by start then kind order. `kinds`
    limits the search (default: all KINDS). Kinds may overlap (a 10-digit number starting with 0
    is both an NHS number and a phone number)."""
    if not text:
        return []
    wanted = KINDS if kinds is None else tuple(kinds)
    unknown = set(wanted) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown identifier kind(s): {', '.join(sorted(unknown))}; kinds are {', '.join(KINDS)}")
    out = [(kind, m.start(), m.end()) for kind in wanted for m in _COMPILED[kind].finditer(str(text))]
    return sorted(out, key=lambda t: (t[1], KINDS.index(t[0])))


def redact(text: str, kinds: Iterable[str] | None = None) -> str:
    """`text` with every identifier replaced by [<kind>]."""
    hits = find(text, kinds)
    out, pos = [], 0
    for kind, start, end in hits:
        if start < pos:  # overlaps one already replaced
            continue
        out += [text[pos:start], f"[{kind}]"]
        pos = end
    return "".join(out) + text[pos:]


# Column headers that name a child identifier, normalised (lower case, runs of spaces, hyphens,
# dots and underscores as one underscore). Whole headers only: la_name, area_name, school_name,
# region_name are not identifiers.
IDENTIFIER_HEADERS = frozenset("""
upn unique_pupil_number pupil_number former_upn uln
nhs nhs_number nhs_no nhs_num nhsno nhsnumber chi_number
dob d_o_b date_of_birth birth_date birthdate birthday
postcode post_code postal_code home_postcode child_postcode address home_address
forename forenames first_name firstname given_name surname last_name lastname family_name
middle_name full_name fullname legal_name preferred_name
child_name childname pupil_name young_person_name
email email_address phone phone_number telephone mobile mobile_number
""".split())


def normalise_header(name: str) -> str:
    return re.sub(r"[\s_.\-]+", "_", str(name).strip().lower().lstrip("\ufeff")).strip("_")


def is_identifier_header(name: str) -> bool:
    """True when a column header names a personal identifier (`UPN`, `Date of birth`, `first name`)."""
    return normalise_header(name) in IDENTIFIER_HEADERS
