"""Documents over time, drawn with their dates' uncertainty: never collapsed to a point.

A document's EDTF date gives a start and an end (catalogue.dates); the timeline counts it in
every year or month (a *bin*) its date range may fall in:

- **exact**: the whole range lies in this bin and the date is neither uncertain nor approximate
  ("1921-12-26", and at the scale of years also "1921-12"): it counts 1 here;
- **ranged**: a plain range over several bins ("1921-04-20/1921-05-10"): it is spread over them
  in proportion to the days of its range in each (10 of 21 days in May: 10/21 in May);
- **qualified**: an uncertain or approximate date ("1921-12-26?", "1921~"), spread the same way
  over its range and drawn apart.

A bin's weights add up over the timeline to the number of dated documents. A bin's
*possible* count is the number of documents whose range touches it: what the document list
shows for the same year or month (date_from and date_to keep the documents whose range overlaps
theirs).

The counts come from one GROUP BY query on the date fields; the spreading is done on the
(few) distinct date ranges, never on the documents.
"""

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from catalogue.dates import MONTHS

YEAR, MONTH = "year", "month"
SCALES = (YEAR, MONTH)
MONTHS_BY_DEFAULT_UP_TO = 3  # years; a longer timeline is drawn by year
TOO_VAGUE_YEARS = 100  # a range longer than this ("../1921") is not spread over a century


@dataclass(frozen=True)
class DateGroup:
    """The documents sharing one date range and qualification."""

    start: datetime.date | None
    end: datetime.date | None
    qualified: bool
    count: int


def date_groups(documents) -> list[DateGroup]:
    """The documents grouped by start, end, uncertain and approximate: one aggregate query."""
    rows = (
        documents.order_by()
        .values_list("date_start", "date_end", "date_uncertain", "date_approximate")
        .annotate(n=Count("pk"))
    )
    return [
        DateGroup(start, end, uncertain or approximate, n)
        for start, end, uncertain, approximate, n in rows
    ]


def bin_of(day: datetime.date, scale: str) -> tuple:
    return (day.year,) if scale == YEAR else (day.year, day.month)


def next_bin(key: tuple) -> tuple:
    if len(key) == 1:
        return (key[0] + 1,)
    year, month = key
    return (year + 1, 1) if month == 12 else (year, month + 1)


def bin_bounds(key: tuple) -> tuple[datetime.date, datetime.date]:
    if len(key) == 1:
        return datetime.date(key[0], 1, 1), datetime.date(key[0], 12, 31)
    year, month = key
    following = next_bin(key)
    return datetime.date(year, month, 1), datetime.date(*following, 1) - datetime.timedelta(1)


def bins_between(first: tuple, last: tuple):
    key = first
    while key <= last:
        yield key
        key = next_bin(key)


def spread(start: datetime.date, end: datetime.date, scale: str) -> list[tuple[tuple, float]]:
    """(bin, share) for each bin the range start–end touches; the shares add up to 1."""
    days = (end - start).days + 1
    shares = []
    for key in bins_between(bin_of(start, scale), bin_of(end, scale)):
        low, high = bin_bounds(key)
        overlap = (min(end, high) - max(start, low)).days + 1
        shares.append((key, overlap / days))
    return shares


@dataclass
class Bin:
    """One year or month: its documents by kind of date, and how many may fall in it."""

    key: tuple
    exact: int = 0
    ranged: float = 0.0
    qualified: float = 0.0
    possible: int = 0

    @property
    def weight(self) -> float:
        return self.exact + self.ranged + self.qualified

    @property
    def uncertain_weight(self) -> float:
        return self.ranged + self.qualified

    @property
    def start(self) -> datetime.date:
        return bin_bounds(self.key)[0]

    @property
    def edtf(self) -> str:
        """The bin as an EDTF date, for the list's date_from and date_to ("1921", "1921-04")."""
        return str(self.key[0]) if len(self.key) == 1 else f"{self.key[0]}-{self.key[1]:02d}"

    @property
    def label(self) -> str:
        if len(self.key) == 1:
            return str(self.key[0])
        return f"{MONTHS[self.key[1] - 1]} {self.key[0]}"

    @property
    def description(self) -> str:
        """The bin's numbers in words (the bar's title and accessible name)."""
        parts = [f"{self.exact} dated within it"]
        if self.ranged:
            parts.append(f"{self.ranged:.1f} spread from date ranges")
        if self.qualified:
            parts.append(f"{self.qualified:.1f} spread from uncertain or approximate dates")
        return (
            f"{self.label}: {self.possible} document{'s' if self.possible != 1 else ''} may "
            f"fall here; {'; '.join(parts)}."
        )


@dataclass
class Timeline:
    """The bins from the first to the last dated document, and what could not be drawn."""

    scale: str
    bins: list[Bin] = field(default_factory=list)
    undated: int = 0
    too_vague: int = 0

    @property
    def dated(self) -> int:
        return round(sum(b.weight for b in self.bins))

    @property
    def total(self) -> int:
        return self.dated + self.undated + self.too_vague

    @property
    def period(self) -> str:
        if not self.bins:
            return ""
        first, last = self.bins[0].label, self.bins[-1].label
        return first if first == last else f"{first} to {last}"

    @property
    def years(self) -> int:
        return self.bins[-1].key[0] - self.bins[0].key[0] + 1 if self.bins else 0


def drawable(group: DateGroup) -> bool:
    if group.start is None or group.end is None:
        return False
    return (group.end - group.start).days <= TOO_VAGUE_YEARS * 366


def build_timeline(groups: list[DateGroup], scale: str) -> Timeline:
    """Spread the date groups over the bins of `scale` (YEAR or MONTH)."""
    timeline = Timeline(scale)
    bins: dict[tuple, Bin] = defaultdict(lambda: Bin(key=()))
    for group in groups:
        if group.start is None:
            timeline.undated += group.count
            continue
        if not drawable(group):
            timeline.too_vague += group.count
            continue
        shares = spread(group.start, group.end, scale)
        for key, share in shares:
            found = bins[key]
            found.key = key
            found.possible += group.count
            if group.qualified:
                found.qualified += share * group.count
            elif len(shares) == 1:
                found.exact += group.count
            else:
                found.ranged += share * group.count
    if bins:
        timeline.bins = [
            bins[key] if key in bins else Bin(key=key) for key in bins_between(min(bins), max(bins))
        ]
    return timeline


def default_scale(groups: list[DateGroup]) -> str:
    """Months for a timeline of a few years, else years."""
    years = [g.start.year for g in groups if drawable(g)] + [
        g.end.year for g in groups if drawable(g)
    ]
    if years and max(years) - min(years) < MONTHS_BY_DEFAULT_UP_TO:
        return MONTH
    return YEAR


def timeline_of(documents, scale: str | None = None) -> Timeline:
    """The timeline of `documents` (a queryset of published documents) at `scale`, or at the
    scale that suits its span when None."""
    groups = date_groups(documents)
    return build_timeline(groups, scale or default_scale(groups))


# --- Drawing: geometry for the server-side SVG ---------------------------------------------------

PLOT_HEIGHT = 180
TOP, BOTTOM, LEFT, RIGHT = 12, 44, 40, 12
BAR_STEP = {YEAR: 30, MONTH: 10}  # the narrowest bars; a short timeline widens them
WIDEST_STEP = 48
MONTH_LABELS_FROM = 28  # bars at least this wide are labelled with their month
TARGET_WIDTH = 880  # a short timeline's bars spread over about this many pixels


def nice_ceiling(value: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50 … at or above `value` (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return int(step * power)
    return int(10 * power)


@dataclass
class Rect:
    y: float
    height: float


@dataclass
class Bar:
    """One bin drawn: the stacked weights (exact at the bottom, ranged, qualified) and the
    outline of its possible count."""

    bin: Bin
    x: float
    width: float
    exact: Rect
    ranged: Rect
    qualified: Rect
    possible: Rect
    url: str = ""
    label: str = ""  # the year under the bar, when it has one
    month_label: str = ""  # the month's abbreviation, when the bars are wide enough


@dataclass
class Tick:
    value: int
    y: float


@dataclass
class Chart:
    width: int
    height: int
    plot_top: int
    plot_bottom: int
    left: int
    right: int
    bars: list[Bar]
    ticks: list[Tick]
    month_labels: bool = False

    @property
    def plot_height(self) -> int:
        return self.plot_bottom - self.plot_top


def chart_of(timeline: Timeline, url_for) -> Chart:
    """Geometry of the timeline's bars; `url_for(bin)` gives a bar's link."""
    count = max(len(timeline.bins), 1)
    step = max(BAR_STEP[timeline.scale], min(WIDEST_STEP, TARGET_WIDTH // count))
    gap = max(2, step // 5)
    top = max((b.possible for b in timeline.bins), default=0)
    ceiling = nice_ceiling(top)
    scale = PLOT_HEIGHT / ceiling
    baseline = TOP + PLOT_HEIGHT

    def stacked(below: float, amount: float) -> Rect:
        return Rect(round(baseline - (below + amount) * scale, 2), round(amount * scale, 2))

    bars = []
    for index, item in enumerate(timeline.bins):
        bars.append(
            Bar(
                bin=item,
                x=LEFT + index * step + gap / 2,
                width=step - gap,
                exact=stacked(0, item.exact),
                ranged=stacked(item.exact, item.ranged),
                qualified=stacked(item.exact + item.ranged, item.qualified),
                possible=stacked(0, item.possible),
                url=url_for(item),
                label=axis_label(item, index, timeline),
                month_label=MONTHS[item.key[1] - 1][:3]
                if timeline.scale == MONTH and step >= MONTH_LABELS_FROM
                else "",
            )
        )
    tick_step = max(1, ceiling // 4) if ceiling >= 4 else 1
    ticks = [
        Tick(value, round(baseline - value * scale, 2))
        for value in range(0, ceiling + 1, tick_step)
    ]
    return Chart(
        width=LEFT + len(bars) * step + RIGHT,
        height=TOP + PLOT_HEIGHT + BOTTOM,
        month_labels=any(bar.month_label for bar in bars),
        plot_top=TOP,
        plot_bottom=baseline,
        left=LEFT,
        right=LEFT + len(bars) * step,
        bars=bars,
        ticks=ticks,
    )


def axis_label(item: Bin, index: int, timeline: Timeline) -> str:
    """Every year when drawn by year (every fifth on a long timeline); by month, the year at
    each January and at the first bar."""
    year = item.key[0]
    if timeline.scale == YEAR:
        return str(year) if timeline.years <= 30 or year % 5 == 0 or index == 0 else ""
    return str(year) if item.key[1] == 1 or index == 0 else ""
