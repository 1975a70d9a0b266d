"""Path converters shared by the public URL modules."""

from django.urls import register_converter


class DocumentIdentifierConverter:
    """A document identifier as assigned by the catalogue (D000001): letters, digits, - and _.

    Anything else (a NUL byte, a dot, 10,000 characters) never reaches a view or the database.
    """

    regex = r"[A-Za-z0-9_-]{1,32}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(DocumentIdentifierConverter, "identifier")
