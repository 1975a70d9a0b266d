"""The read-only JSON API at /api/ (django-ninja): documents with the list's filters, facets
and search, a document's full record with its CSL-JSON, persons, organisations, places and
collections. OpenAPI at /api/openapi.json, documentation at /api/docs (Swagger UI from
django-ninja's own static files: no CDN, no inline script).

Visibility is the public site's: only published documents, never a draft or a document in
review, not even by identifier. There are no write endpoints.
"""
