"""CSL dates written out for the other formats (ISO 8601 / EDTF, RIS, Highwire)."""


def _iso(parts: list[int]) -> str:
    year, *rest = parts
    return "-".join([f"{year:04d}", *(f"{value:02d}" for value in rest)])


def iso_date(date: dict | None) -> str:
    """'1921-12-26', '1921-12', '1921'; a range as '1939-08-20/1939-08-26'; circa as '1921~'."""
    if not date:
        return ""
    text = "/".join(_iso(parts) for parts in date["date-parts"])
    return text + "~" if date.get("circa") and "/" not in text else text


def slashed_date(date: dict | None) -> str:
    """The start date as RIS and Highwire write it: '1921/12/26' (RIS adds a trailing slash)."""
    if not date:
        return ""
    year, *rest = date["date-parts"][0]
    return "/".join([f"{year:04d}", *(f"{value:02d}" for value in rest)])


def year(date: dict | None) -> str:
    return str(date["date-parts"][0][0]) if date else ""


def document_date(item: dict) -> dict | None:
    """The date of the document itself: ``original-date`` when the item is the document as
    printed in a volume (whose year is then ``issued``), else ``issued``."""
    return item.get("original-date") or item.get("issued")
