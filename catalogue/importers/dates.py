"""Dates as the translations print them, turned into EDTF.

Forms read (U+2010 and the other dashes included):

- single days in either order: "December 26, 1921", "10 July 1940", "26th December 1921",
  numeric "26.12.1921", and the Russian word order a machine translation leaves:
  "1937 g 25 on May", "1937 25 May";
- ranges within a month ("August 20‐26, 1939"), across months ("August 30 - September 2,
  1939") and across years ("December 30, 1921 - January 2, 1922");
- months ("December 1921") and vague forms: "early May 1921" -> 1921-05~, "Between April 20
  and early May 1921" -> 1921-04-20/1921-05~;
- an editorial date in square brackets ("[December 26, 1921]") -> uncertain, 1921-12-26?.

The EDTF result is checked with catalogue.dates, the one place that knows what a valid EDTF
date is; a printed date that is no calendar date keeps its text and gets an empty EDTF.
"""

import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import ValidationError

from catalogue.dates import parse_date_range

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_MONTH = rf"(?:{_MONTH_NAMES})\.?"
_DASH = r"\s*[-\u2010\u2011\u2012\u2013\u2014]\s*"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"1[89]\d\d|20\d\d"
_QUALIFIER = (
    r"early|mid|middle\s+of|late|the\s+beginning\s+of|beginning\s+of|the\s+end\s+of|end\s+of|"
    r"the\s+first\s+half\s+of|the\s+second\s+half\s+of|first\s+half\s+of|second\s+half\s+of"
)


def _simple(n: str, year: str = "?") -> str:
    """One date: [qualifier] [day [of]] month [day][,] [year]; group names end with n."""
    return (
        rf"(?:(?P<q{n}>{_QUALIFIER})\s+)?"
        rf"(?:(?P<da{n}>{_DAY})(?:{_DASH}(?P<de{n}>{_DAY}))?\s+(?:of\s+|on\s+)?)?(?P<m{n}>{_MONTH})"
        rf"(?:\s+(?P<db{n}>{_DAY})(?!\d))?(?:{_DASH}(?P<dc{n}>{_DAY})(?!\d))?"
        rf"(?:,?\s+(?P<y{n}>{_YEAR})){year}"
    )


_PATTERNS = [
    # Between April 20 and early May 1921
    rf"between\s+{_simple('1')}\s+and\s+{_simple('2', '')}",
    # December 30, 1921 - January 2, 1922 / August 30 - September 2, 1939 / 30 August - 2 ...
    rf"{_simple('1')}{_DASH}{_simple('2', '')}",
    # December 26, 1921 / 10 July 1940 / August 20‐26, 1939 / early May 1921
    _simple("1", ""),
    # 1937 g 25 on May / 1937 25 May
    rf"(?P<y1>{_YEAR})\s*(?:g\.?|y\.?|year)?\s+(?P<da1>{_DAY})\s+(?:on\s+|of\s+)?(?P<m1>{_MONTH})",
    # 1937 g on May 14
    rf"(?P<y1>{_YEAR})\s*(?:g\.?|y\.?|year)\s+(?:on\s+|of\s+)?(?P<m1>{_MONTH})\s+(?P<da1>{_DAY})",
    # 26.12.1921
    rf"(?P<da1>{_DAY})[./](?P<mn1>0?[1-9]|1[0-2])[./](?P<y1>{_YEAR})",
]
DATE_PATTERNS = [re.compile(rf"(?<![\w.]){pattern}(?!\w)", re.IGNORECASE) for pattern in _PATTERNS]


@dataclass(frozen=True)
class FoundDate:
    written: str  # the date as printed (brackets included when the editors supplied it)
    edtf: str  # "" when the printed date is not a real calendar date
    start: int  # position in the searched text
    end: int


def _number(text: str | None) -> int | None:
    return int(re.match(r"\d+", text).group(0)) if text else None


def _month(text: str | None) -> int | None:
    return MONTHS[text.lower().rstrip(".")] if text else None


def _part(parts: dict, n: str, year: int) -> tuple[str, str]:
    """(first, last) EDTF of one simple date, the qualifier making it approximate."""
    month = _month(parts.get(f"m{n}")) or _number(parts.get(f"mn{n}"))
    day_a = _number(parts.get(f"da{n}"))
    day_b = _number(parts.get(f"db{n}"))
    day_c = _number(parts.get(f"dc{n}")) or _number(parts.get(f"de{n}"))
    first_day = day_a or day_b
    last_day = day_c or first_day
    approximate = "~" if parts.get(f"q{n}") else ""
    if first_day is None:
        value = f"{year:04d}-{month:02d}{approximate}"
        return value, value
    first = f"{year:04d}-{month:02d}-{first_day:02d}{approximate}"
    last = f"{year:04d}-{month:02d}-{last_day:02d}{approximate}"
    return first, last


def _edtf(match: re.Match) -> str:
    parts = match.groupdict()
    year_2 = _number(parts.get("y2"))
    year_1 = _number(parts.get("y1")) or year_2
    first, last = _part(parts, "1", year_1)
    if parts.get("m2"):
        _, last = _part(parts, "2", year_2 or year_1)
    return first if first == last else f"{first}/{last}"


_SIMPLE_EDTF = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def _simple_valid(value: str) -> bool | None:
    """True/False for a plain day or month ("1921-12-26", "1921-12"), None for other forms."""
    match = _SIMPLE_EDTF.match(value)
    if not match:
        return None
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=4096)
def valid_edtf(value: str) -> bool:
    """Whether catalogue.dates accepts the value. Plain days and months, and ranges of them,
    are checked with the calendar directly (the EDTF grammar costs tens of milliseconds per
    call); every other form goes through catalogue.dates. A pure function: cached by value."""
    parts = value.split("/")
    simple = [_simple_valid(part) for part in parts]
    if len(parts) <= 2 and all(result is not None for result in simple):
        return all(simple) and (len(parts) == 1 or parts[0] <= parts[1])
    try:
        parse_date_range(value)
    except ValidationError:
        return False
    return True


def _best_match(text: str) -> re.Match | None:
    best = None
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            if not (match.group("y1") or match.groupdict().get("y2")):
                continue
            better = best is None or match.start() < best.start() or (
                match.start() == best.start() and match.end() > best.end()
            )  # fmt: skip
            if better:
                best = match
            break
    return best


def find_date(text: str) -> FoundDate | None:
    """The first (leftmost, then longest) date in the text."""
    best = _best_match(text)
    if best is None:
        return None
    edtf = _edtf(best)
    start, end = best.start(), best.end()
    bracketed = start > 0 and text[start - 1] == "[" and text[end : end + 1] == "]"
    if bracketed:
        start, end = start - 1, end + 1
        if not edtf.endswith(("?", "~")) and "/" not in edtf:
            edtf += "?"
    return FoundDate(
        written=text[start:end],
        edtf=edtf if valid_edtf(edtf) else "",
        start=start,
        end=end,
    )


@lru_cache(maxsize=4096)
def first_day(value: str) -> datetime.date | None:
    """The first day an EDTF value covers (None when it is no valid EDTF). Pure: cached."""
    match = _SIMPLE_EDTF.match(value.split("/")[0])
    if match and _simple_valid(match.group(0)):
        year, month, day = (int(part) if part else 1 for part in match.groups())
        return datetime.date(year, month, day)
    try:
        return parse_date_range(value).start
    except ValidationError:
        return None
