"""Import of transcribed pages: page file -> parsed documents -> draft documents.

text.py        reading a file: size limit, binary check, encodings, HTML to lines
parser.py      lines of a page -> ParsedDocument per document on the page
dates.py       date lines ("December 26, 1921", "August 20‐26, 1939") -> EDTF
references.py  source notes, archival references and printed sources
authorities.py names in a document -> existing persons, places, organisations or suggestions
persist.py     a parsed page -> draft documents, one transaction per document
"""

from .text import PageError  # noqa: F401
