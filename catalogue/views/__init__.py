from .authorities import (
    OrganisationDetailView,
    PersonDetailView,
    PersonListView,
    PlaceDetailView,
    PlaceListView,
)
from .documents import CollectionDetailView, DocumentDetailView, DocumentListView, HomeView

__all__ = [
    "CollectionDetailView",
    "DocumentDetailView",
    "DocumentListView",
    "HomeView",
    "OrganisationDetailView",
    "PersonDetailView",
    "PersonListView",
    "PlaceDetailView",
    "PlaceListView",
]
