"""Full-text search over published documents.

What is indexed: the heading (weight A), the names of the persons, bodies and places a document
is written by, sent to or mentions, with all their variants (B), the body and the other printed
lines (C), and the footnotes (D). Every text passes through `catalogue.text.fold`, so typography
and case do not matter ("peopleʹs" is indexed as "peoples"), and hyphenated words are also
indexed joined ("Franklin-Bouillon" as "franklinbouillon"). Because a document's index holds the
variants of the authorities it names, "Ankara" finds a letter that says "angora".

PostgreSQL: a stored `search_vector` (tsvector, GIN index from migration 0003), ranked with
ts_rank and excerpted with ts_headline. SQLite: the same interface matches every word of the
query in the stored, folded `search_text`, without ranking.

The stored columns are refreshed by the signal receivers below whenever a document, its
footnotes, correspondents or mentions, or an authority's names change; `manage.py
rebuild_search_index` refreshes them all (run after loaddata, which bypasses signals).
"""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connections, models
from django.db.models import F, Func, Prefetch, Q, Value
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils.html import escape
from django.utils.safestring import mark_safe

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
from catalogue.text import TYPOGRAPHY, fold, name_key, normalise_typography

CONFIG = "english"
MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 16
BATCH_SIZE = 500

# ts_headline marks matches with these private-use characters, which never occur in the
# catalogue's text; the snippet is HTML-escaped first and the marks become <mark> afterwards.
_START, _STOP = "\ue000", "\ue001"

_COMPOUND = re.compile(r"\w+(?:-\w+)+")

# ts_rank weights for D, C, B, A (footnotes, body, names, heading).
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


def index_parts(document) -> dict[str, str]:
    """The searchable text of a document by weight, from its prefetched relations."""
    names = _authority_names(document.place_of_origin)
    for correspondent in document.correspondents.all():
        names += [correspondent.name_as_printed, correspondent.office_as_stated]
        names += _authority_names(correspondent.agent)
    for mention in document.mentions.all():
        names += [mention.name_as_printed, *_authority_names(mention.target)]
    printed_lines = [
        document.addressee_line,
        document.place_of_origin_as_written,
        document.date_written,
        document.reference_number,
        document.marking_as_printed,
        document.distribution,
        document.body,
        document.signature,
        document.source_note,
        document.archival_reference,
    ]
    return {
        "A": searchable(f"{document.heading} {document.title}"),
        "B": searchable(" ".join(name for name in names if name)),
        "C": searchable("\n".join(line for line in printed_lines if line)),
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


class _Translate(Func):
    function = "translate"
    output_field = models.TextField()


_TYPOGRAPHY_FROM = "".join(chr(code) for code in TYPOGRAPHY)
_TYPOGRAPHY_TO = "".join(TYPOGRAPHY.values())


def headlines(documents, terms: SearchTerms) -> dict[int, str]:
    """Highlighted excerpts of the bodies of `documents` (a page of results), by pk, as HTML."""
    if not terms or not documents:
        return {}
    model = type(documents[0])
    if connections[model.objects.db].vendor == "postgresql":
        plain_body = _Translate("body", Value(_TYPOGRAPHY_FROM), Value(_TYPOGRAPHY_TO))
        rows = model.objects.filter(pk__in=[d.pk for d in documents]).values_list(
            "pk",
            SearchHeadline(
                plain_body,
                _tsquery(terms),
                config=CONFIG,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=30,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        return {pk: _marked(text) for pk, text in rows if _START in (text or "")}
    return {
        d.pk: snippet
        for d in documents
        if (snippet := python_headline(d.body, terms.words + terms.alternatives))
    }


def _marked(text: str) -> str:
    return mark_safe(escape(text).replace(_START, "<mark>").replace(_STOP, "</mark>"))


def python_headline(body: str, words: list[str], width: int = 90) -> str:
    """The SQLite fallback: an excerpt around the first word of the query found in the body."""
    plain = normalise_typography(body or "")
    lowered = plain.casefold()
    if len(lowered) != len(plain):  # casefolding changed lengths: offsets would not line up
        lowered = plain.lower()
    hits = [(lowered.find(word), word) for word in words if word and word in lowered]
    if not hits:
        return ""
    start, word = min(hits)
    begin, end = max(0, start - width), min(len(plain), start + len(word) + width)
    excerpt = (
        ("…" if begin else "")
        + plain[begin:start]
        + _START
        + plain[start : start + len(word)]
        + _STOP
        + plain[start + len(word) : end]
        + ("…" if end < len(plain) else "")
    )
    return _marked(excerpt)


# --- Keeping the index fresh ----------------------------------------------------------------
# Receivers are connected when CatalogueConfig.ready() imports this module. Fixtures loaded
# with loaddata (raw saves) are skipped: run `rebuild_search_index` afterwards.


@receiver(post_save, sender=Document, dispatch_uid="search_document_saved")
def _document_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_search_index(Document.objects.filter(pk=instance.pk), record=False)


@receiver(post_save, sender=Footnote, dispatch_uid="search_footnote_saved")
@receiver(post_delete, sender=Footnote, dispatch_uid="search_footnote_deleted")
@receiver(post_save, sender=Correspondent, dispatch_uid="search_correspondent_saved")
@receiver(post_delete, sender=Correspondent, dispatch_uid="search_correspondent_deleted")
@receiver(post_save, sender=Mention, dispatch_uid="search_mention_saved")
@receiver(post_delete, sender=Mention, dispatch_uid="search_mention_deleted")
def _document_part_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_search_index(Document.objects.filter(pk=instance.document_id), record=False)


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
