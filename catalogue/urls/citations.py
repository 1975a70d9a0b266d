"""Citation downloads (issue 4)."""

from django.urls import path, re_path

from catalogue.urls.converters import DocumentIdentifierConverter
from catalogue.views.citations import (
    CollectionCmifView,
    DocumentCitationView,
    ListCmifView,
    ListExportView,
)

EXTENSIONS = "bib|ris|json|csv"
IDENTIFIER = DocumentIdentifierConverter.regex

urlpatterns = [
    path("documents/export.cmif.xml", ListCmifView.as_view(), name="document-list-cmif"),
    path("collections/<slug:slug>/cmif.xml", CollectionCmifView.as_view(), name="collection-cmif"),
    re_path(
        rf"^documents/export\.(?P<extension>{EXTENSIONS})$",
        ListExportView.as_view(),
        name="document-list-export",
    ),
    re_path(
        rf"^documents/(?P<identifier>{IDENTIFIER})/cite\.(?P<extension>{EXTENSIONS})$",
        DocumentCitationView.as_view(),
        name="document-cite",
    ),
]
