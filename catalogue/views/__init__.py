from .authorities import OrganisationDetailView, PersonDetailView, PlaceDetailView
from .documents import CollectionDetailView, DocumentDetailView, HomeView

__all__ = [
    "CollectionDetailView",
    "DocumentDetailView",
    "HomeView",
    "OrganisationDetailView",
    "PersonDetailView",
    "PlaceDetailView",
]
