"""RIS rendered from the CSL-JSON item, with the tags Zotero reads and writes.

Correspondence is ``PCOMM`` (personal communication, Zotero's RIS type for letters), anything
else ``MANSCPT``. Recipients are A2, translators A4, the archive DP and the archival location AN,
as Zotero maps them. Untitled correspondence has no TI, as Zotero writes a letter without a
title (with one, Zotero's citations would say "Letter to …" twice).
"""

import re

from . import dates, names

RIS_TYPES = {"personal_communication": "PCOMM", "manuscript": "MANSCPT"}


def _line(tag: str, value: str) -> str:
    return f"{tag}  - {' '.join(str(value).split())}\r\n"


def tags(item: dict) -> list[tuple[str, str]]:
    issued = dates.document_date(item)
    place = item.get("archive-place") or item.get("publisher-place", "")
    pages = re.split(r"\s*[-–]+\s*", item.get("page", ""))
    first_page, last_page = pages[0], pages[-1]
    pairs = [("TY", RIS_TYPES.get(item["type"], "GEN"))]
    pairs += [("AU", names.inverted(name)) for name in item.get("author", [])]
    pairs += [("A2", names.inverted(name)) for name in item.get("recipient", [])]
    pairs += [("A4", names.inverted(name)) for name in item.get("translator", [])]
    pairs += [
        ("TI", item.get("title", "")),
        ("M3", item.get("genre", "")),
        ("PY", dates.year(issued)),
        ("DA", dates.slashed_date(issued) + "/" if issued else ""),
        ("DP", item.get("archive", "")),
        ("AN", item.get("archive_location", "")),
        ("CY", place),
        ("T2", item.get("container-title", "")),
        ("VL", item.get("volume", "")),
        ("SP", first_page),
        ("EP", last_page if last_page != first_page else ""),
        ("M1", item.get("number", "")),
        ("PB", item.get("publisher", "")),
        ("T3", item.get("collection-title", "")),
        ("LA", item.get("language", "")),
        ("UR", item.get("URL", "")),
        ("Y2", dates.slashed_date(item.get("accessed")) + "/" if item.get("accessed") else ""),
        ("ID", item["id"]),
    ]
    return [(tag, value) for tag, value in pairs if value]


def record(item: dict) -> str:
    return "".join(_line(tag, value) for tag, value in tags(item)) + "ER  - \r\n"
