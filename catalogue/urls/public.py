from django.urls import path

from catalogue import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("documents/<str:identifier>/", views.DocumentDetailView.as_view(), name="document-detail"),
    path("persons/<slug:slug>/", views.PersonDetailView.as_view(), name="person-detail"),
    path(
        "organisations/<slug:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path("places/<slug:slug>/", views.PlaceDetailView.as_view(), name="place-detail"),
    path(
        "collections/<slug:slug>/", views.CollectionDetailView.as_view(), name="collection-detail"
    ),
]
