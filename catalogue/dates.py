"""EDTF dates: validation and the derived sortable range.

The catalogue keeps a document's date as written and its EDTF form; from the EDTF form it
derives a start and end date and a precision for sorting and filtering.
"""

import calendar
import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import ValidationError
from edtf import parse_edtf
from edtf.parser.edtf_exceptions import EDTFParseException

EDTF_HELP = (
    "Library of Congress EDTF. Examples: 1921-12-26 (a day), 1921-12 (a month), 1921 (a year), "
    "1939-08-20/1939-08-26 (a range), 1921-12-26? (uncertain), 1921~ (approximate), "
    "192X (a decade). Leave empty if the document is undated."
)


class Precision:
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    DECADE = "decade"
    RANGE = "range"

    CHOICES = [
        (DAY, "day"),
        (MONTH, "month"),
        (YEAR, "year"),
        (DECADE, "decade"),
        (RANGE, "range"),
    ]


@dataclass(frozen=True)
class DateRange:
    start: datetime.date
    end: datetime.date
    precision: str
    uncertain: bool
    approximate: bool


def _to_date(struct) -> datetime.date:
    year, month, day = struct[:3]
    # edtf may give a day beyond the month's end for unspecified days; clamp it.
    day = min(day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


def _precision(start: datetime.date, end: datetime.date) -> str:
    if start == end:
        return Precision.DAY
    last_of_month = calendar.monthrange(end.year, end.month)[1]
    if (start.year, start.month) == (end.year, end.month):
        if start.day == 1 and end.day == last_of_month:
            return Precision.MONTH
        return Precision.RANGE
    if start.year == end.year and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return Precision.YEAR
    if (
        start.year % 10 == 0
        and end.year == start.year + 9
        and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
    ):
        return Precision.DECADE
    return Precision.RANGE


_PLAIN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _plain_range(value: str) -> DateRange | None:
    """The range of a plain year, month or day ("1921", "1921-05", "1921-05-13") worked out
    directly, as the EDTF grammar would (most dates; the grammar costs tens of ms a call);
    None for anything else, including an impossible day, which the grammar then refuses."""
    match = _PLAIN.match(value)
    if not match:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        if day is not None:
            start = end = datetime.date(year, month, day)
        elif month is not None:
            start = datetime.date(year, month, 1)
            end = datetime.date(year, month, calendar.monthrange(year, month)[1])
        else:
            start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    except ValueError:
        return None
    return DateRange(start, end, _precision(start, end), uncertain=False, approximate=False)


@lru_cache(maxsize=8192)  # a pure function of the string (DateRange is frozen); the EDTF
def parse_date_range(value: str) -> DateRange:  # grammar costs tens of ms per call
    """Parse an EDTF string; raise ValidationError with a readable message if it is not one."""
    value = (value or "").strip()
    if (plain := _plain_range(value)) is not None:
        return plain
    try:
        parsed = parse_edtf(value)
        start = _to_date(parsed.lower_strict())
        end = _to_date(parsed.upper_strict())
    except (EDTFParseException, ValueError, TypeError, OverflowError, AttributeError) as exc:
        raise ValidationError(
            "“%(value)s” is not a valid EDTF date. " + EDTF_HELP,
            code="invalid_edtf",
            params={"value": value},
        ) from exc
    if end < start:
        raise ValidationError(
            "The range “%(value)s” ends before it starts.",
            code="edtf_reversed",
            params={"value": value},
        )
    return DateRange(
        start=start,
        end=end,
        precision=_precision(start, end),
        uncertain="?" in value or "%" in value,
        approximate="~" in value or "%" in value,
    )


def validate_edtf(value: str) -> None:
    if value:
        parse_date_range(value)


# --- Display ------------------------------------------------------------------------------------
# One style for every date the public pages show, from the EDTF form: "26 December 1921",
# "December 1921", "1921", "1920s", "15–17 July 1937", "30 June – 2 July 1937", "1921?" (uncertain),
# "c. 1921" (approximate), "c. 1921?" (both), "Spring 1921", "1921 onwards", "up to 1921".

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
SEASONS = {21: "Spring", 22: "Summer", 23: "Autumn", 24: "Winter"}
DASH = "\u2013"

_COMPONENT = re.compile(
    r"^(?P<year>\d{4}|\d{3}X|\d{2}XX)(?:-(?P<month>\d{2}|XX))?(?:-(?P<day>\d{2}|XX))?"
    r"(?P<qualifier>[?~%])?$"
)


@dataclass(frozen=True)
class DisplayDate:
    """One side of an EDTF date, split for display: year ("1921" or a decade "1920s"),
    month name or season, day, and the qualifier ("?", "~", "%" or "")."""

    year: str
    month: str = ""
    day: str = ""
    qualifier: str = ""

    @classmethod
    def parse(cls, text: str) -> "DisplayDate | None":
        match = _COMPONENT.match(text)
        if not match:
            return None
        year, month, day = match.group("year"), match.group("month"), match.group("day")
        if "X" in year:
            digits = year.rstrip("X")
            year = f"{digits}{'0' * (4 - len(digits))}s"
            month = day = None
        month_name = ""
        if month and month != "XX":
            number = int(month)
            if 1 <= number <= 12:
                month_name = MONTHS[number - 1]
            elif number in SEASONS:
                month_name, day = SEASONS[number], None
            else:
                return None
        day_text = str(int(day)) if month_name and day and day != "XX" else ""
        return cls(year, month_name, day_text, match.group("qualifier") or "")

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def text(self, with_month=True, with_year=True) -> str:
        parts = [self.day, self.month if with_month else "", self.year if with_year else ""]
        return self.qualified(" ".join(part for part in parts if part))

    def qualified(self, text: str) -> str:
        if self.qualifier in ("~", "%"):
            text = f"c. {text}"
        if self.qualifier in ("?", "%"):
            text = f"{text}?"
        return text


def _joined(start: str, end: str) -> str:
    """Two sides with an en dash, spaced when either side has words ("30 June – 2 July")."""
    spaced = " " in start or " " in end
    return f"{start} {DASH} {end}" if spaced else f"{start}{DASH}{end}"


def _interval_text(start: DisplayDate, end: DisplayDate) -> str:
    if start == end:
        return start.text()
    plain = not start.qualifier and not end.qualifier
    if plain and start.precision == end.precision and start.year == end.year:
        if start.precision == "day" and start.month == end.month:
            return f"{_joined(start.day, end.day)} {end.month} {end.year}"
        if start.precision in ("day", "month"):
            return f"{_joined(start.text(with_year=False), end.text(with_year=False))} {end.year}"
    return _joined(start.text(), end.text())


def display_date(edtf: str) -> str:
    """The EDTF date `edtf` in the site's style; "" when empty; as given when not recognised."""
    edtf = (edtf or "").strip()
    if not edtf:
        return ""
    if "/" not in edtf:
        single = DisplayDate.parse(edtf)
        return single.text() if single else edtf
    first, _, last = edtf.partition("/")
    if first == ".." or last == "..":
        known = DisplayDate.parse(last if first == ".." else first)
        if known is None:
            return edtf
        return f"up to {known.text()}" if first == ".." else f"{known.text()} onwards"
    start, end = DisplayDate.parse(first), DisplayDate.parse(last)
    if first and last and start and end:
        return _interval_text(start, end)
    if not first and end:
        return _joined("?", end.text())
    if not last and start:
        return _joined(start.text(), "?")
    return edtf


def display_period(start: str, end: str) -> str:
    """A period from two EDTF dates, either of which may be empty (unknown): an office held,
    a life. "1918–1930", "24 November 1872 – 7 July 1936", "1918 – ?"."""
    if not start and not end:
        return ""
    return display_date(f"{start or ''}/{end or ''}")
