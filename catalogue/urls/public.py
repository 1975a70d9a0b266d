from django.urls import path

from catalogue import views
from catalogue.views.network import NetworkView

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("documents/", views.DocumentListView.as_view(), name="document-list"),
    path(
        "documents/<identifier:identifier>/",
        views.DocumentDetailView.as_view(),
        name="document-detail",
    ),
    path("network/", NetworkView.as_view(), name="network"),
    path("persons/", views.PersonListView.as_view(), name="person-list"),
    path("persons/<slug:slug>/", views.PersonDetailView.as_view(), name="person-detail"),
    path(
        "organisations/<slug:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path("places/", views.PlaceListView.as_view(), name="place-list"),
    path("places/<slug:slug>/", views.PlaceDetailView.as_view(), name="place-detail"),
    path(
        "collections/<slug:slug>/", views.CollectionDetailView.as_view(), name="collection-detail"
    ),
]

# /documents/<identifier>/<slug>/ redirects to the permanent URL. Listed after every other
# module's patterns (see catalogue/urls/__init__.py) so that it never hides their
# /documents/<identifier>/<something>/ routes.
trailing_patterns = [
    path(
        "documents/<identifier:identifier>/<str:slug>/",
        views.DocumentDetailView.as_view(),
        name="document-detail-slug",
    ),
]
