"""EDTF dates: validation and the derived sortable range.

The catalogue keeps a document's date as written and its EDTF form; from the EDTF form it
derives a start and end date and a precision for sorting and filtering.
"""

import calendar
import datetime
from dataclasses import dataclass

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


def parse_date_range(value: str) -> DateRange:
    """Parse an EDTF string; raise ValidationError with a readable message if it is not one."""
    value = (value or "").strip()
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
