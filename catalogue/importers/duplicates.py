"""The same document transcribed on the other site: recognised, never created twice.

marxistleninists.org and neodemocracy.blogspot.com publish many of the same documents, each in
its own machine-assisted English. `PageDuplicates.existing` (persist.py) finds a page imported
before by checksum or address; this module finds the same document read from the other site:

- the same date (EDTF, or the date as written when no EDTF was read), and
- the same reference number once normalised ("No. 863-a" = "no. 863‐a"), or, when either
  has none, headings that say the same thing (word overlap of at least HEADING_SIMILARITY
  after folding and dropping the words that differ between the sites' styles), with
  different wording.

Such a document becomes an OtherTranscription of the existing one (or, in a dry run or the
admin preview, is reported as one that would be), never a new draft.
"""

import re
from functools import lru_cache

from django.db.models import Q

from catalogue.models import Document, OtherTranscription, TranscriptionStatus
from catalogue.text import fold, normalise_typography

HEADING_SIMILARITY = 0.75
# Two translations of one text share most of their words; two telegrams of one day do not.
BODY_SIMILARITY = 0.4
# Words the two sites' headings add or drop without changing what they say.
FILLER = {"the", "a", "an", "of", "to", "in", "from", "and", "for", "on", "at", "with", "by",
          "no", "mr", "comrade", "cde", "s"}  # fmt: skip


class TranscriptionOutcome:
    OFFERED = "another transcription of an existing document"
    WOULD_OFFER = "would be offered as another transcription of an existing document"
    ALREADY_OFFERED = "already offered as another transcription"


def reference_key(reference: str) -> str:
    """ "No. 863‐a" and "no. 863-a", "№ 11/930" and "11 / 930": one key."""
    text = normalise_typography(reference).strip().lower()
    text = re.sub(r"^(?:no|n|m|nr|\u2116)\.?", "", text)
    return re.sub(r"[^0-9a-z/]", "", text)


@lru_cache(maxsize=20_000)
def heading_words(heading: str) -> frozenset[str]:
    """The words that say what a heading is (memoised: a page's candidates are compared with
    each of its documents)."""
    words = re.findall(r"[a-z0-9]+", fold(heading))
    return frozenset(word for word in words if word not in FILLER and not word.isdigit())


def heading_similarity(one: str, other: str) -> float:
    """Share of the shorter heading's words found in the other (0 to 1)."""
    first, second = heading_words(one), heading_words(other)
    if not first or not second:
        return 0.0
    return len(first & second) / min(len(first), len(second))


# Another site's transcriptions of a document looked at (at most), in the catalogue's order.
CANDIDATES = 50


def same_date(parsed, source_url: str) -> Q:
    """Documents that may be another transcription of `parsed`: the same EDTF date (or the
    same date as written, when no EDTF was read), from another page."""
    if parsed.date_edtf:
        condition = Q(date_edtf=parsed.date_edtf)
    elif parsed.date_written:
        condition = Q(date_written=parsed.date_written)
    else:
        return Q(pk__in=[])
    return condition & ~Q(source_url=source_url) if source_url else condition


def is_same_date(document, parsed, source_url: str) -> bool:
    """`same_date` for a document in memory."""
    if source_url and document.source_url == source_url:
        return False
    if parsed.date_edtf:
        return document.date_edtf == parsed.date_edtf
    return bool(parsed.date_written) and document.date_written == parsed.date_written


def match_reason(parsed, document) -> tuple[str, float] | None:
    """Why the parsed document is the catalogued one, with the heading similarity; or None."""
    similarity = heading_similarity(parsed.heading, document.heading)
    ours, theirs = reference_key(parsed.reference_number), reference_key(document.reference_number)
    if ours and theirs:
        if ours == theirs:
            return f"same date and reference number ({parsed.reference_number})", similarity
        return None  # two numbers that differ: two documents
    if (
        similarity >= HEADING_SIMILARITY
        and body_similarity(parsed.body, document.body) >= BODY_SIMILARITY
    ):
        return f"same date and a heading {similarity:.0%} alike", similarity
    return None


def body_similarity(one: str, other: str) -> float:
    """Word overlap of two bodies (Jaccard over words of 4 letters or more); 1 when one is empty."""
    first = set(re.findall(r"[a-z]{4,}", fold(one)))
    second = set(re.findall(r"[a-z]{4,}", fold(other)))
    if not first or not second:
        return 1.0
    return len(first & second) / len(first | second)


def transcription_of(parsed, source_url: str, candidates=None):
    """(the catalogued document this one transcribes again, reason, similarity), or None.

    `candidates`: the documents of `same_date` in the catalogue's order, when the caller has
    read them already (persist.PageDuplicates); otherwise they are queried."""
    if candidates is None:
        fields = ("pk", "identifier", "heading", "reference_number", "date_edtf", "source_url",
                  "body")  # fmt: skip
        candidates = Document.objects.filter(same_date(parsed, source_url)).only(*fields)
    best = None
    for document in candidates[:CANDIDATES]:
        found = match_reason(parsed, document)
        if found and (best is None or found[1] > best[2]):
            best = (document, *found)
    return best


def offer_transcription(parsed, source_url: str, user=None, dry_run=False, candidates=None):
    """(outcome, document) for a document already catalogued from another page, or None.

    Records an OtherTranscription for the archivist unless it is a dry run or was offered
    before (same text on the same document). `candidates`: as for `transcription_of`.
    """
    found = transcription_of(parsed, source_url, candidates)
    if found is None:
        return None
    document, reason, similarity = found
    checksum = parsed.content_checksum()
    already = OtherTranscription.objects.filter(document=document, import_checksum=checksum)
    if already := already.first():
        if already.status == TranscriptionStatus.REJECTED:
            return None  # the archivist said it is another document: import it as one
        return TranscriptionOutcome.ALREADY_OFFERED, document
    if dry_run:
        return TranscriptionOutcome.WOULD_OFFER, document
    OtherTranscription.objects.create(
        document=document,
        source_url=source_url[:500],
        heading=parsed.heading,
        date_written=parsed.date_written[:255],
        reference_number=parsed.reference_number[:100],
        body=parsed.body,
        import_checksum=checksum,
        match_reason=reason[:255],
        similarity=round(similarity, 3),
        created_by=user,
    )
    return TranscriptionOutcome.OFFERED, document
