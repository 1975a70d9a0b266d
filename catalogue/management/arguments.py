"""Argument types shared by the management commands."""


def positive_int(value):
    """An integer of at least 1 (argparse reports anything else as an invalid value)."""
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number
