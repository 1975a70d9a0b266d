"""Citation downloads (issue 4)."""

from django.urls import re_path

from catalogue.urls.converters import DocumentIdentifierConverter
from catalogue.views.citations import DocumentCitationView, ListExportView

EXTENSIONS = "bib|ris|json|csv"
IDENTIFIER = DocumentIdentifierConverter.regex

urlpatterns = [
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
