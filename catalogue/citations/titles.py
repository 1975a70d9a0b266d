"""What to call an item in formats that need a title, when the CSL item has none.

Correspondence is untitled in CSL (see catalogue.citations.csl); the citation styles name it
by its description, "Letter to Mikhail Vasilyevich Frunze", and so do BibTeX, the page's meta
tags and JSON-LD, in the same words.
"""

from . import names


def description(item: dict) -> str:
    """'Letter to Mikhail Vasilyevich Frunze', 'Telegram', 'To NKID'; '' for nothing to say."""
    recipients = names.natural_list(item.get("recipient", []))
    words = " to ".join(part for part in (item.get("genre", ""), recipients) if part)
    if recipients and not item.get("genre"):
        words = f"to {recipients}"
    return words[:1].upper() + words[1:]


def title(item: dict) -> str:
    """The item's title, or for an untitled item its description."""
    return item.get("title") or description(item)
