"""Template helpers for page images: the ready scans of a document, and its manifest URL."""

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def ready_scans(document):
    """The document's scans whose thumbnail and display image exist, in page order.

    Uses the document's prefetched scans when the view prefetched them (no extra query).
    Scans awaiting an editor (`Scan.pending`, catalogue.revisions) are never shown.
    """
    scans = [s for s in document.scans.all() if s.derivatives_ready and not s.pending]
    return sorted(scans, key=lambda scan: scan.page)


@register.simple_tag
def pending_scan_count(document):
    """Scans whose display image is still being made (not those awaiting an editor)."""
    return sum(1 for s in document.scans.all() if not s.derivatives_ready and not s.pending)


@register.simple_tag
def iiif_manifest_url(document):
    return reverse("catalogue:iiif-manifest", args=[document.identifier])


@register.simple_tag
def scan_url(document, scan, kind):
    """The permission-checked URL of a scan's "display", "thumbnail" or "original"."""
    return scan.image_url(kind, document.identifier)
