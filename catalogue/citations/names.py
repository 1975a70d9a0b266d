"""CSL names written out: inverted ("Chicherin, Georgy Vasilyevich") or in reading order."""


def inverted(name: dict) -> str:
    if "literal" in name:
        return name["literal"]
    return ", ".join(part for part in (name.get("family"), name.get("given")) if part)


def natural(name: dict) -> str:
    if "literal" in name:
        return name["literal"]
    return " ".join(part for part in (name.get("given"), name.get("family")) if part)


def natural_list(names: list[dict]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    written = [natural(name) for name in names]
    if len(written) < 3:
        return " and ".join(written)
    return ", ".join(written[:-1]) + " and " + written[-1]
