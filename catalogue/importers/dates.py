"""Dates as the translations print them, turned into EDTF.

Single days in either order ("December 26, 1921", "10 July 1940"), day ranges within a month
("August 20‐26, 1939", U+2010 included), ranges across months ("August 30 - September 2, 1939")
and months ("December 1921"). The EDTF result is checked with catalogue.dates, the one place
that knows what a valid EDTF date is.
"""

import re
from dataclasses import dataclass

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
_DAY = r"\d{1,2}"
_YEAR = r"1[89]\d\d|20\d\d"

_PATTERNS = [
    # August 30 - September 2, 1939
    rf"(?P<m1>{_MONTH})\s+(?P<d1>{_DAY}){_DASH}(?P<m2>{_MONTH})\s+(?P<d2>{_DAY}),?\s+(?P<y>{_YEAR})",
    # December 26, 1921 / August 20‐26, 1939
    rf"(?P<m1>{_MONTH})\s+(?P<d1>{_DAY})(?:{_DASH}(?P<d2>{_DAY}))?,?\s+(?P<y>{_YEAR})",
    # 30 August - 2 September 1939
    rf"(?P<d1>{_DAY})\s+(?P<m1>{_MONTH}){_DASH}(?P<d2>{_DAY})\s+(?P<m2>{_MONTH}),?\s+(?P<y>{_YEAR})",
    # 10 July 1940 / 20-26 August 1939
    rf"(?P<d1>{_DAY})(?:{_DASH}(?P<d2>{_DAY}))?\s+(?P<m1>{_MONTH}),?\s+(?P<y>{_YEAR})",
    # December 1921
    rf"(?P<m1>{_MONTH}),?\s+(?P<y>{_YEAR})",
]
DATE_PATTERNS = [re.compile(rf"(?<!\w){pattern}(?!\w)", re.IGNORECASE) for pattern in _PATTERNS]


@dataclass(frozen=True)
class FoundDate:
    written: str  # the date as printed
    edtf: str  # "" when the printed date is not a real calendar date
    start: int  # position in the searched text
    end: int


def _month(text: str | None) -> int | None:
    return MONTHS[text.lower().rstrip(".")] if text else None


def _edtf(match: re.Match) -> str:
    parts = match.groupdict()
    year = int(parts["y"])
    first_month = _month(parts["m1"])
    if not parts.get("d1"):
        return f"{year:04d}-{first_month:02d}"
    start = f"{year:04d}-{first_month:02d}-{int(parts['d1']):02d}"
    if not parts.get("d2"):
        return start
    last_month = _month(parts.get("m2")) or first_month
    return f"{start}/{year:04d}-{last_month:02d}-{int(parts['d2']):02d}"


def valid_edtf(value: str) -> bool:
    try:
        parse_date_range(value)
    except ValidationError:
        return False
    return True


def find_date(text: str) -> FoundDate | None:
    """The first (leftmost, then longest) date in the text."""
    best = None
    for pattern in DATE_PATTERNS:
        match = pattern.search(text)
        if match and (best is None or match.start() < best.start()):
            best = match
    if best is None:
        return None
    edtf = _edtf(best)
    return FoundDate(
        written=best.group(0),
        edtf=edtf if valid_edtf(edtf) else "",
        start=best.start(),
        end=best.end(),
    )
