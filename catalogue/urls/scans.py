"""Scan images and IIIF manifests (issue 6)."""

urlpatterns = []
