"""Scan images and IIIF manifests (issue 6); every image URL is a permission-checked view."""

from django.urls import path

from catalogue.views.scans import DocumentPdfView, ManifestView, PageImageView, ScanDownloadView

PAGE = "documents/<identifier:identifier>/pages/<int:page>"

urlpatterns = [
    path(
        "documents/<identifier:identifier>/iiif/manifest.json",
        ManifestView.as_view(),
        name="iiif-manifest",
    ),
    path(
        "documents/<identifier:identifier>/pages.pdf",
        DocumentPdfView.as_view(),
        name="scan-pdf",
    ),
    path(f"{PAGE}/display.jpg", PageImageView.as_view(kind="display"), name="scan-display"),
    path(f"{PAGE}/thumbnail.jpg", PageImageView.as_view(kind="thumbnail"), name="scan-thumbnail"),
    path(f"{PAGE}/original/", ScanDownloadView.as_view(), name="scan-download"),
]
