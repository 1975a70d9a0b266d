"""Why a document matched a search: a highlighted excerpt and where the words were found.

For each document on a page of results, `explain(documents, terms)` looks for the query in the
document's parts as a reader sees them, in this order: its text (body and printed lines), its
footnotes, the names it is written by, sent to or mentions (with their variants), and its
heading. The excerpt comes from the first part that matches, and every part that matches is
named, so that a hit found only through a name or a footnote says so.

PostgreSQL: each part is excerpted with ts_headline and the same tsquery as the search
(stemmed: "treaties" finds "treaty"), in one query for the whole page. SQLite: the parts are
folded as the index is (catalogue.text.fold) and matched word by word, like the fallback search,
and the excerpt is cut around the first match with every matching word marked.
"""

import unicodedata
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery
from django.db import connections
from django.db.models.sql import Query
from django.utils.html import escape
from django.utils.safestring import mark_safe

from catalogue.models import CorrespondentRole, Document
from catalogue.search import CONFIG, SearchTerms, printed_lines, with_index_relations
from catalogue.text import TYPOGRAPHY, normalise_typography

# ts_headline and the Python fallback mark matches with these private-use characters, which
# never occur in the catalogue's text; the excerpt is HTML-escaped first and the marks become
# <mark> afterwards.
START, STOP = "\ue000", "\ue001"
FRAGMENT_DELIMITER = " … "
HEADLINE_OPTIONS = (
    f"StartSel={START}, StopSel={STOP}, MaxWords=35, MinWords=12, MaxFragments=2, "
    f'FragmentDelimiter="{FRAGMENT_DELIMITER}"'
)
EXCERPT_WIDTH = 90  # characters on each side of the first match (SQLite)

# Where a search can match, in the order an excerpt is taken from.
PARTS = {
    "text": "the text",
    "footnotes": "a footnote",
    "names": "a name",
    "heading": "the heading",
}
ROLES = {
    CorrespondentRole.AUTHOR: "author",
    CorrespondentRole.SIGNATORY: "signatory",
    CorrespondentRole.RECIPIENT: "recipient",
    CorrespondentRole.COPY_RECIPIENT: "copy recipient",
}


@dataclass
class Explanation:
    """A search hit explained: `excerpt` (safe HTML with <mark>) and `found_in` (part keys)."""

    excerpt: str = ""
    found_in: list[str] = field(default_factory=list)

    @property
    def source(self) -> str:
        return self.found_in[0] if self.found_in else ""

    @property
    def found_in_text(self) -> str:
        """ "the text, a footnote and a name"."""
        labels = [PARTS[part] for part in self.found_in]
        return " and ".join([", ".join(labels[:-1]), labels[-1]] if len(labels) > 1 else labels)


# --- The parts of a document as a reader sees them -------------------------------------------


def _name_entry(agent, relation: str, as_printed: str = "") -> str:
    """ "Georgy Vasilyevich Chicherin (author; also G. V. Chicherin, Tchitcherine)"."""
    others = [variant.name for variant in agent.variants.all()]
    if as_printed and as_printed != str(agent) and as_printed not in others:
        others.insert(0, as_printed)
    abbreviation = getattr(agent, "abbreviation", "")
    if abbreviation and abbreviation not in others:
        others.append(abbreviation)
    also = f"; also {', '.join(others)}" if others else ""
    return f"{agent} ({relation}{also})"


def name_entries(document) -> list[str]:
    entries = []
    for correspondent in document.correspondents.all():
        role = ROLES.get(correspondent.role, correspondent.role)
        entries.append(_name_entry(correspondent.agent, role, correspondent.name_as_printed))
    if document.place_of_origin:
        entries.append(_name_entry(document.place_of_origin, "written at"))
    for mention in document.mentions.all():
        entries.append(_name_entry(mention.target, "mentioned", mention.name_as_printed))
    return entries


def readable_parts(document) -> dict[str, list[str]]:
    """The document's searchable parts as displayed text, by part key (see PARTS): one or
    more pieces each, typography made plain for matching and display."""
    pieces = {
        # The body first: an excerpt is taken from it when it matches.
        "text": sorted(printed_lines(document), key=lambda line: line is not document.body),
        "footnotes": [note.text for note in document.footnotes.all()],
        "names": name_entries(document),
        "heading": [" — ".join(filter(None, [document.heading, document.title]))],
    }
    return {
        part: [normalise_typography(piece) for piece in texts if piece and piece.strip()]
        for part, texts in pieces.items()
    }


# --- Explaining a page of hits --------------------------------------------------------------


def explain(documents, terms: SearchTerms) -> dict[int, Explanation]:
    """{pk: Explanation} for `documents` (a page of results) and the search `terms`.

    A part counts as matched when the query matches it on its own (every word of one way of
    matching is in it); when the words are spread over several parts, the parts holding any
    of them are named.
    """
    if not terms or not documents:
        return {}
    using = documents[0]._state.db or "default"
    loaded = with_index_relations(
        Document.objects.using(using).filter(pk__in=[d.pk for d in documents])
    )
    parts = {document.pk: readable_parts(document) for document in loaded}
    if connections[using].vendor == "postgresql":
        marked = _postgres_marked(parts, terms, using)
    else:
        marked = _python_marked(parts, terms)
    explanations = {}
    for pk, by_part in marked.items():
        found_in = [part for part in PARTS if part in by_part and by_part[part].complete]
        found_in = found_in or [part for part in PARTS if part in by_part]
        excerpt = as_html(by_part[found_in[0]].excerpt) if found_in else ""
        explanations[pk] = Explanation(excerpt=excerpt, found_in=found_in)
    return explanations


def headlines(documents, terms: SearchTerms) -> dict[int, str]:
    """Highlighted excerpts of `documents` by pk, as safe HTML ("" where nothing matched)."""
    return {pk: explanation.excerpt for pk, explanation in explain(documents, terms).items()}


def as_html(text: str) -> str:
    return mark_safe(escape(text).replace(START, "<mark>").replace(STOP, "</mark>"))


@dataclass
class Marked:
    """A part with some of the query's words marked; `complete` if the query matches it."""

    excerpt: str
    complete: bool


def _collect(marked, pk, part, excerpt, complete):
    """Add one piece's excerpt to its part (at most two pieces are quoted)."""
    if not excerpt:
        return
    current = marked[pk].get(part)
    if current is None:
        marked[pk][part] = Marked(excerpt, complete)
        return
    if current.excerpt.count(FRAGMENT_DELIMITER) < 1:
        current.excerpt = f"{current.excerpt}{FRAGMENT_DELIMITER}{excerpt}"
    current.complete = current.complete or complete


def _postgres_marked(parts, terms, using) -> dict[int, dict[str, Marked]]:
    """ts_headline of every piece of every part and whether the query matches it, in one
    query for the page."""
    keys, texts = [], []
    for pk, by_part in parts.items():
        for part, pieces in by_part.items():
            for piece in pieces:
                keys.append((pk, part))
                texts.append(piece)
    marked = {pk: {} for pk in parts}
    if not texts:
        return marked
    query_sql, query_params = _compiled_tsquery(terms, using)
    sql = (
        "SELECT ts_headline(%s::regconfig, t.piece, q.query, %s), "
        "to_tsvector(%s::regconfig, t.piece) @@ q.query "
        "FROM unnest(%s::text[]) WITH ORDINALITY AS t(piece, n), "
        f"(SELECT {query_sql} AS query) AS q ORDER BY t.n"
    )
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [CONFIG, HEADLINE_OPTIONS, CONFIG, texts, *query_params])
        rows = cursor.fetchall()
    for (pk, part), (headline, complete) in zip(keys, rows, strict=True):
        if headline and START in headline:
            _collect(marked, pk, part, headline, bool(complete))
    return marked


def _compiled_tsquery(terms: SearchTerms, using):
    """The search's tsquery (every way the query may match, OR'ed) as SQL and parameters."""
    expression = None
    for phrase in terms.phrases:
        part = SearchQuery(phrase, config=CONFIG, search_type="plain")
        expression = part if expression is None else expression | part
    query = Query(Document)
    compiler = query.get_compiler(using=using)
    return compiler.compile(expression.resolve_expression(query))


def _python_marked(parts, terms) -> dict[int, dict[str, Marked]]:
    marked = {pk: {} for pk in parts}
    for pk, by_part in parts.items():
        for part, pieces in by_part.items():
            for piece in pieces:
                folded, _offsets = folded_with_offsets(piece)
                _collect(marked, pk, part, python_excerpt(piece, terms), _complete(folded, terms))
    return marked


# --- The SQLite excerpt ---------------------------------------------------------------------


def folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """`text` folded as catalogue.text.fold folds it (typography, accents, case; apostrophes
    dropped; other punctuation as spaces), with the offset in `text` of each folded character,
    so that a match in the folded text can be marked in the original."""
    chars, offsets = [], []
    for index, char in enumerate(text):
        for decomposed in unicodedata.normalize("NFKD", char.translate(TYPOGRAPHY)):
            if unicodedata.combining(decomposed):
                continue
            for folded in decomposed.casefold():
                if folded == "'":
                    continue
                chars.append(folded if folded.isalnum() or folded == "_" else " ")
                offsets.append(index)
    return "".join(chars), offsets


def _complete(folded: str, terms: SearchTerms) -> bool:
    """Whether every word of one way of matching is in `folded`, as the SQLite search matches."""
    return any(
        phrase.split() and all(word in folded for word in phrase.split())
        for phrase in terms.phrases
    )


def _present_words(folded: str, terms: SearchTerms) -> list[str]:
    """The query's words (of every way of matching) found in `folded`."""
    words = dict.fromkeys(word for phrase in terms.phrases for word in phrase.split())
    return [word for word in words if word in folded]


def _spans(folded: str, offsets: list[int], words: list[str]) -> list[tuple[int, int]]:
    """Every occurrence of the words, as (start, end) offsets in the original text, merged."""
    spans = []
    for word in words:
        position = folded.find(word)
        while position >= 0:
            spans.append((offsets[position], offsets[position + len(word) - 1] + 1))
            position = folded.find(word, position + len(word))
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def python_excerpt(text: str, terms: SearchTerms, width: int = EXCERPT_WIDTH) -> str:
    """About `width` characters either side of the first match in `text`, cut at spaces,
    with every occurrence of the query's words marked; "" when none of them is in the text."""
    folded, offsets = folded_with_offsets(text)
    words = _present_words(folded, terms)
    if not words:
        return ""
    spans = _spans(folded, offsets, words)
    first = spans[0][0]
    begin = max(0, first - width)
    if begin:
        space = text.find(" ", begin, first)
        begin = space + 1 if space >= 0 else begin
    end = min(len(text), spans[0][1] + width)
    if end < len(text):
        space = text.rfind(" ", spans[0][1], end)
        end = space if space >= 0 else end
    out, position = ["…" if begin else ""], begin
    for start, stop in spans:
        if start < begin or stop > end:
            continue
        out += [text[position:start], START, text[start:stop], STOP]
        position = stop
    out += [text[position:end], "…" if end < len(text) else ""]
    return " ".join("".join(out).split())
