"""Full-text search over published documents.

What is indexed: the heading and the names of the persons and bodies a document is written by or
sent to (weight A), the names of the persons, bodies and places it mentions, its place of origin
and the offices it states (B), every name with all its variants; the body and the other printed
lines (C), and the footnotes (D). Every text passes through `catalogue.text.fold`, so typography
and case do not matter ("peopleʹs" is indexed as "peoples"), and hyphenated words are also
indexed joined ("Franklin-Bouillon" as "franklinbouillon"). Because a document's index holds the
variants of the authorities it names, "Ankara" finds a letter that says "angora".

PostgreSQL: a stored `search_vector` (tsvector, GIN index from migration 0003), ranked with
ts_rank. SQLite: the same interface matches every word of the query in the stored, folded
`search_text`, without ranking. Excerpts of the hits are made by catalogue.excerpts.

The stored columns are refreshed by the signal receivers below whenever a document, its
footnotes, correspondents or mentions, or an authority's names change; `manage.py
rebuild_search_index` refreshes them all (run after loaddata, which bypasses signals).
"""

import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connections, models
from django.db.models import F, Prefetch, Q, Value
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from catalogue import versioning
from catalogue.models import (
    Correspondent,
    Document,
    Footnote,
    Mention,
    Organisation,
    OrganisationName,
    Person,
    PersonName,
    Place,
    PlaceName,
    Status,
)
from catalogue.text import fold, name_key, normalise_typography

CONFIG = "english"
MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 16
BATCH_SIZE = 500

_COMPOUND = re.compile(r"\w+(?:-\w+)+")

# ts_rank weights for D, C, B, A (footnotes; body; mentioned names; heading and correspondents).
RANK_WEIGHTS = [0.1, 0.3, 0.6, 1.0]


# --- Indexing -------------------------------------------------------------------------------


def searchable(text: str) -> str:
    """The folded text, plus hyphenated compounds joined ("anti‐Soviet" -> "antisoviet")."""
    compounds = [name_key(match) for match in _COMPOUND.findall(normalise_typography(text))]
    return " ".join(part for part in [fold(text), *compounds] if part)


def _authority_names(authority) -> list[str]:
    """Preferred name and variants of a person, organisation or place, and their joined keys."""
    if authority is None:
        return []
    names = [str(authority), *(variant.name for variant in authority.variants.all())]
    if getattr(authority, "abbreviation", ""):
        names.append(authority.abbreviation)
    return [*names, *(name_key(name) for name in names)]


# The body and the lines printed with it (weight C), as stored on the document.
PRINTED_FIELDS = (
    "addressee_line",
    "place_of_origin_as_written",
    "date_written",
    "reference_number",
    "marking_as_printed",
    "distribution",
    "body",
    "signature",
    "source_note",
    "archival_reference",
)


def printed_lines(document) -> list[str]:
    return [text for name in PRINTED_FIELDS if (text := getattr(document, name))]


def index_parts(document) -> dict[str, str]:
    """The searchable text of a document by weight, from its prefetched relations.

    A: the heading and the names of its correspondents (who wrote, signed or received it), so
    that a search for a person ranks the documents they wrote or received above those that only
    mention them; B: the offices as stated, the place of origin and every name mentioned;
    C: the printed text; D: the footnotes.
    """
    correspondents, names = [], _authority_names(document.place_of_origin)
    for correspondent in document.correspondents.all():
        correspondents += [correspondent.name_as_printed, *_authority_names(correspondent.agent)]
        names.append(correspondent.office_as_stated)
    for mention in document.mentions.all():
        names += [mention.name_as_printed, *_authority_names(mention.target)]
    return {
        "A": searchable(
            " ".join(filter(None, [document.heading, document.title, *correspondents]))
        ),
        "B": searchable(" ".join(name for name in names if name)),
        "C": searchable("\n".join(printed_lines(document))),
        "D": searchable("\n".join(note.text for note in document.footnotes.all())),
    }


def _vector_expression(parts: dict[str, str]):
    vectors = [
        SearchVector(Value(text), config=CONFIG, weight=weight) for weight, text in parts.items()
    ]
    combined = vectors[0]
    for vector in vectors[1:]:
        combined = combined + vector
    return combined


def _with_index_relations(queryset):
    return queryset.select_related("place_of_origin").prefetch_related(
        "place_of_origin__variants",
        Prefetch("footnotes", queryset=Footnote.objects.only("document_id", "text")),
        Prefetch(
            "correspondents",
            queryset=Correspondent.objects.select_related("person", "organisation"),
        ),
        "correspondents__person__variants",
        "correspondents__organisation__variants",
        Prefetch(
            "mentions",
            queryset=Mention.objects.select_related("person", "organisation", "place"),
        ),
        "mentions__person__variants",
        "mentions__organisation__variants",
        "mentions__place__variants",
    )


# `queryset` with everything index_parts reads prefetched (a constant number of queries); also
# what catalogue.excerpts reads.
with_index_relations = _with_index_relations


def refresh_search_index(documents, batch_size=BATCH_SIZE, record=True) -> int:
    """Recompute the stored search text or vector of a queryset of documents; return the count.

    bulk_update sends no signals: with `record`, the published documents refreshed are
    recorded as a public change (catalogue.versioning). The receivers below pass False, since
    the save or delete that calls them records its own change.
    """
    postgres = connections[documents.db].vendor == "postgresql"
    queryset = _with_index_relations(documents.order_by("pk").defer("search_text", "search_vector"))
    batch, total, published = [], 0, set()
    for document in queryset.iterator(chunk_size=batch_size):
        if record and document.status == Status.PUBLISHED:
            published.add(document.pk)
        parts = index_parts(document)
        if postgres:
            document.search_vector = _vector_expression(parts)
            document.search_text = ""
        else:
            document.search_text = " ".join(text for text in parts.values() if text)
            document.search_vector = None
        batch.append(document)
        if len(batch) >= batch_size:
            total += _save_batch(batch)
            batch = []
    total += _save_batch(batch)
    if published:
        versioning.record_change("document", published, using=documents.db)
    return total


def _save_batch(batch) -> int:
    if batch:
        type(batch[0]).objects.bulk_update(batch, ["search_text", "search_vector"])
    return len(batch)


# --- Querying -------------------------------------------------------------------------------


@dataclass
class SearchTerms:
    """A query as typed, reduced to the folded alternatives the index is matched against."""

    raw: str
    words: list[str] = field(default_factory=list)
    alternatives: list[str] = field(default_factory=list)
    truncated: bool = False

    @classmethod
    def parse(cls, raw: str, expand_names=True) -> "SearchTerms":
        raw = (raw or "").strip()
        truncated = len(raw) > MAX_QUERY_LENGTH
        raw = raw[:MAX_QUERY_LENGTH]
        words = fold(raw).split()
        if len(words) > MAX_QUERY_WORDS:
            words, truncated = words[:MAX_QUERY_WORDS], True
        terms = cls(raw=raw, words=words, truncated=truncated)
        if words:
            joined = "".join(words)
            terms.alternatives = [joined] if len(words) > 1 else []
            if expand_names:
                terms.alternatives += [
                    alternative
                    for alternative in name_alternatives(raw)
                    if alternative not in (" ".join(words), joined)
                ]
        return terms

    def __bool__(self):
        return bool(self.words)

    @property
    def phrases(self) -> list[str]:
        """Each way the query may match: all its words, or one of the alternative spellings."""
        return [" ".join(self.words), *self.alternatives]


def name_alternatives(raw: str) -> list[str]:
    """Other names of the authorities whose name or variant is exactly the query.

    "Constantinople" also looks for "istanbul"; three small queries whatever the catalogue's size.
    """
    key = name_key(raw)
    if not key:
        return []
    found = []
    for model, name_field in ((Person, "preferred_name"), (Organisation, "name"), (Place, "name")):
        matching = model.objects.matching_name(raw).values("pk")
        rows = model.objects.filter(pk__in=matching).values_list(name_field, "variants__name")
        for row in rows[:50]:
            for name in row:
                folded = fold(name or "")
                if folded and folded not in found and name_key(folded) != key:
                    found.append(folded)
    return found


def _tsquery(terms: SearchTerms):
    query = None
    for phrase in terms.phrases:
        part = SearchQuery(phrase, config=CONFIG, search_type="plain")
        query = part if query is None else query | part
    return query


def is_postgres(queryset) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def matching(queryset, terms: SearchTerms):
    """The documents of `queryset` matching the search terms."""
    if not terms:
        return queryset
    if is_postgres(queryset):
        return queryset.filter(search_vector=_tsquery(terms))
    condition = Q()
    for phrase in terms.phrases:
        all_words = Q()
        for word in phrase.split():
            all_words &= Q(search_text__contains=word)
        condition |= all_words
    return queryset.filter(condition)


def ranked(queryset, terms: SearchTerms):
    """`queryset` annotated with `search_rank` (ts_rank on PostgreSQL; 0 on SQLite)."""
    if terms and is_postgres(queryset):
        rank = SearchRank(F("search_vector"), _tsquery(terms), weights=RANK_WEIGHTS)
    else:
        rank = Value(0.0, output_field=models.FloatField())
    return queryset.annotate(search_rank=rank)


def search(queryset, raw_query: str):
    """Documents of `queryset` matching a query as typed, best first."""
    terms = SearchTerms.parse(raw_query)
    return ranked(matching(queryset, terms), terms).order_by("-search_rank", "date_start", "pk")


# --- Keeping the index fresh ----------------------------------------------------------------
# Receivers are connected when CatalogueConfig.ready() imports this module. Fixtures loaded
# with loaddata (raw saves) are skipped: run `rebuild_search_index` afterwards.


class DeferredRefresh:
    """Documents whose index refresh waits for the end of a bulk operation (an import run)."""

    def __init__(self):
        self.pending: set[int] = set()

    def flush(self) -> int:
        """Refresh the waiting documents in one batch; return how many."""
        pending, self.pending = self.pending, set()
        if not pending:
            return 0
        return refresh_search_index(Document.objects.filter(pk__in=pending), record=False)


_DEFERRED: ContextVar[DeferredRefresh | None] = ContextVar("search_deferred", default=None)


@contextmanager
def index_refresh_deferred():
    """Within the block, saving a document or one of its parts (footnotes, correspondents,
    mentions) only notes the document; its index is refreshed once, at the end of the block
    or at each `flush()`, instead of at every save (issue 13, item 7). Nested blocks join the
    outermost one. The end of the block refreshes even after an error, so that documents
    already committed are never left out of the index."""
    outer = _DEFERRED.get()
    if outer is not None:
        yield outer
        return
    deferred = DeferredRefresh()
    token = _DEFERRED.set(deferred)
    try:
        yield deferred
    finally:
        _DEFERRED.reset(token)
        deferred.flush()


def _refresh_or_defer(document_id):
    if (deferred := _DEFERRED.get()) is not None:
        deferred.pending.add(document_id)
    else:
        refresh_search_index(Document.objects.filter(pk=document_id), record=False)


@receiver(post_save, sender=Document, dispatch_uid="search_document_saved")
def _document_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _refresh_or_defer(instance.pk)


@receiver(post_save, sender=Footnote, dispatch_uid="search_footnote_saved")
@receiver(post_delete, sender=Footnote, dispatch_uid="search_footnote_deleted")
@receiver(post_save, sender=Correspondent, dispatch_uid="search_correspondent_saved")
@receiver(post_delete, sender=Correspondent, dispatch_uid="search_correspondent_deleted")
@receiver(post_save, sender=Mention, dispatch_uid="search_mention_saved")
@receiver(post_delete, sender=Mention, dispatch_uid="search_mention_deleted")
def _document_part_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _refresh_or_defer(instance.document_id)


def documents_naming(authority):
    """Every document (any status) written, received, sent from or mentioning the authority."""
    field = type(authority)._meta.model_name
    condition = Q(pk__in=Mention.objects.filter(**{field: authority}).values("document_id"))
    if field == "place":
        condition |= Q(place_of_origin=authority)
    else:
        condition |= Q(
            pk__in=Correspondent.objects.filter(**{field: authority}).values("document_id")
        )
    return Document.objects.filter(condition)


def _names_of(authority) -> tuple:
    return (str(authority), getattr(authority, "abbreviation", ""))


@receiver(pre_save, sender=Person, dispatch_uid="search_person_renaming")
@receiver(pre_save, sender=Organisation, dispatch_uid="search_organisation_renaming")
@receiver(pre_save, sender=Place, dispatch_uid="search_place_renaming")
def _authority_renaming(sender, instance, raw=False, **kwargs):
    previous = sender.objects.filter(pk=instance.pk).first() if instance.pk and not raw else None
    instance._names_before_save = _names_of(previous) if previous else None


@receiver(post_save, sender=Person, dispatch_uid="search_person_renamed")
@receiver(post_save, sender=Organisation, dispatch_uid="search_organisation_renamed")
@receiver(post_save, sender=Place, dispatch_uid="search_place_renamed")
def _authority_renamed(sender, instance, created=False, raw=False, **kwargs):
    before = getattr(instance, "_names_before_save", None)
    if not raw and not created and before is not None and before != _names_of(instance):
        refresh_search_index(documents_naming(instance), record=False)


@receiver(post_save, sender=PersonName, dispatch_uid="search_person_variant_saved")
@receiver(post_delete, sender=PersonName, dispatch_uid="search_person_variant_deleted")
@receiver(post_save, sender=OrganisationName, dispatch_uid="search_org_variant_saved")
@receiver(post_delete, sender=OrganisationName, dispatch_uid="search_org_variant_deleted")
@receiver(post_save, sender=PlaceName, dispatch_uid="search_place_variant_saved")
@receiver(post_delete, sender=PlaceName, dispatch_uid="search_place_variant_deleted")
def _variant_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    owner_field = {PersonName: "person", OrganisationName: "organisation", PlaceName: "place"}
    owner = (
        sender._meta.get_field(owner_field[sender])
        .related_model.objects.filter(pk=getattr(instance, f"{owner_field[sender]}_id"))
        .first()
    )
    if owner is not None:
        refresh_search_index(documents_naming(owner), record=False)
