"""Scan images and IIIF manifests (issue 6)."""

from django.urls import path

from catalogue.views.scans import ManifestView, ScanDownloadView

urlpatterns = [
    path(
        "documents/<identifier:identifier>/iiif/manifest.json",
        ManifestView.as_view(),
        name="iiif-manifest",
    ),
    path(
        "documents/<identifier:identifier>/pages/<int:page>/original/",
        ScanDownloadView.as_view(),
        name="scan-download",
    ),
]
