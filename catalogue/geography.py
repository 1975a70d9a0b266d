"""Places on a map: how many documents were written at each place and how many mention it.

Positions are in Web Mercator on a 256 × 256 square (the coordinates of zoom level 0 of every
slippy-map tile server), like the world outline in static/vendor/world-atlas/land-110m.svg
(tools/frontend/world-outline.mjs), so the outline, the optional tiles (MAP_TILE_URL) and the
markers share one grid; the SVG's viewBox frames the places shown.
"""

import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count

from catalogue.models import Mention, Place, PlaceKind

WORLD = 256.0
MAX_LATITUDE = 85.0511287798
MIN_SPAN = 12.0  # the narrowest frame, in world units (about 17° of longitude)
MARGIN = 0.12  # of the frame, on each side
ASPECT = 1.6  # width / height of the frame
MAX_TILES = 64
AREA_KINDS = {PlaceKind.COUNTRY, PlaceKind.REGION, PlaceKind.DISTRICT, PlaceKind.SEA}
LABELLED = 16  # the towns with most documents are named on the map


def project(latitude: float, longitude: float) -> tuple[float, float]:
    """Web Mercator, in world units (0–256; x east, y south)."""
    latitude = max(-MAX_LATITUDE, min(MAX_LATITUDE, latitude))
    x = (longitude + 180.0) / 360.0 * WORLD
    sine = math.sin(math.radians(latitude))
    y = (0.5 - math.log((1 + sine) / (1 - sine)) / (4 * math.pi)) * WORLD
    return x, y


@dataclass
class PlaceCount:
    """A place with the published documents written at it and those mentioning it."""

    place: Place
    written: int = 0
    mentioned: int = 0
    x: float = 0.0
    y: float = 0.0
    written_radius: float = 0.0
    mentioned_radius: float = 0.0
    labelled: bool = False
    label_x: float = 0.0

    @property
    def total(self) -> int:
        return self.written + self.mentioned

    @property
    def on_map(self) -> bool:
        return self.place.latitude is not None and self.place.longitude is not None

    @property
    def is_area(self) -> bool:
        return self.place.kind in AREA_KINDS

    @property
    def description(self) -> str:
        return (
            f"{self.place.name}: {self.written} document{'s' if self.written != 1 else ''} "
            f"written here, {self.mentioned} mentioning it"
        )


def place_counts(documents) -> list[PlaceCount]:
    """Places with documents among `documents` (a queryset of published documents), most
    documents first: three queries whatever the number of documents."""
    documents = documents.order_by()
    written = dict(
        documents.filter(place_of_origin__isnull=False)
        .values_list("place_of_origin")
        .annotate(n=Count("pk"))
    )
    mentioned = dict(
        Mention.objects.filter(place__isnull=False, document__in=documents.values("pk"))
        .order_by()
        .values_list("place")
        .annotate(n=Count("document", distinct=True))
    )
    places = Place.objects.filter(pk__in=set(written) | set(mentioned)).only(
        "name", "slug", "kind", "latitude", "longitude"
    )
    counts = [
        PlaceCount(place, written.get(place.pk, 0), mentioned.get(place.pk, 0)) for place in places
    ]
    return sorted(counts, key=lambda c: (-c.total, c.place.name))


@dataclass
class Frame:
    """The part of the world shown: a viewBox in world units."""

    x: float
    y: float
    width: float
    height: float

    @property
    def view_box(self) -> str:
        return f"{self.x:.3f} {self.y:.3f} {self.width:.3f} {self.height:.3f}"


def frame_around(points: list[tuple[float, float]]) -> Frame:
    """The frame around the points with a margin, at least MIN_SPAN wide, ASPECT wide for high,
    kept within the world."""
    if not points:
        return Frame(0, 0, WORLD, WORLD / ASPECT)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    width = max(max(xs) - min(xs), MIN_SPAN)
    height = max(max(ys) - min(ys), MIN_SPAN / ASPECT)
    width, height = width * (1 + 2 * MARGIN), height * (1 + 2 * MARGIN)
    width, height = max(width, height * ASPECT), max(height, width / ASPECT)
    width, height = min(width, WORLD), min(height, WORLD)
    centre_x, centre_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    x = min(max(centre_x - width / 2, 0), WORLD - width)
    y = min(max(centre_y - height / 2, 0), WORLD - height)
    return Frame(x, y, width, height)


@dataclass
class Tile:
    url: str
    x: float
    y: float
    size: float


def tiles_for(frame: Frame, template: str, shown_width_px: int = 960) -> list[Tile]:
    """The tiles of `template` ("https://tiles.example.org/{z}/{x}/{y}.png") that cover the
    frame, at the zoom where a tile is drawn about 256 pixels wide."""
    if not template:
        return []
    zoom = max(0, min(18, round(math.log2(shown_width_px / frame.width))))
    size = WORLD / 2**zoom
    columns = range(int(frame.x // size), int(math.ceil((frame.x + frame.width) / size)))
    rows = range(int(frame.y // size), int(math.ceil((frame.y + frame.height) / size)))
    if len(columns) * len(rows) > MAX_TILES:
        return []
    return [
        Tile(template.format(z=zoom, x=column, y=row), column * size, row * size, size)
        for row in rows
        for column in columns
    ]


@dataclass
class Map:
    frame: Frame
    places: list[PlaceCount]  # every place with documents, most documents first
    tiles: list[Tile]
    attribution: str

    @property
    def shown(self) -> list[PlaceCount]:
        """The places drawn, largest first so that small markers lie on top."""
        return [p for p in self.places if p.on_map]

    @property
    def not_shown(self) -> list[PlaceCount]:
        return [p for p in self.places if not p.on_map]

    @property
    def outside(self) -> list[PlaceCount]:
        """Places with coordinates beyond the frame (a country's centre far from its towns)."""
        frame = self.frame
        return [
            p
            for p in self.shown
            if not (frame.x <= p.x <= frame.x + frame.width)
            or not (frame.y <= p.y <= frame.y + frame.height)
        ]

    @property
    def label_size(self) -> float:
        """Names on the map, in world units: about 13 pixels on a page 960 pixels wide."""
        return round(self.frame.width / 72, 3)

    @property
    def written_total(self) -> int:
        return sum(p.written for p in self.places)

    @property
    def mentioned_total(self) -> int:
        return sum(p.mentioned for p in self.places)


def marker_radius(count: int, largest: int, unit: float) -> float:
    """A marker's area follows its count; a single document is still visible."""
    if not count:
        return 0.0
    return round(unit * max(math.sqrt(count / largest), 0.3), 3)


def map_of(documents) -> Map:
    """The map of the places of `documents`, framed around the towns (points) that have
    coordinates, or around every place when fewer than two are towns: the centre of a large
    country (Russia's lies in Siberia) would otherwise stretch the frame."""
    places = place_counts(documents)
    shown = [p for p in places if p.on_map]
    for item in shown:
        item.x, item.y = project(float(item.place.latitude), float(item.place.longitude))
    points = [p for p in shown if not p.is_area]
    framed = points if len(points) >= 2 else shown
    frame = frame_around([(p.x, p.y) for p in framed])
    largest = max((max(p.written, p.mentioned) for p in shown), default=1) or 1
    unit = frame.width / 40  # the radius of the largest marker
    named = [p for p in shown if not p.is_area][:LABELLED]
    for item in shown:
        item.written_radius = marker_radius(item.written, largest, unit)
        item.mentioned_radius = marker_radius(item.mentioned, largest, unit)
        item.labelled = item in named
        item.label_x = round(item.x + max(item.written_radius, item.mentioned_radius) + unit / 4, 3)
    template = getattr(settings, "MAP_TILE_URL", "")
    return Map(
        frame=frame,
        places=places,
        tiles=tiles_for(frame, template),
        attribution=getattr(settings, "MAP_TILE_ATTRIBUTION", "") if template else "",
    )
