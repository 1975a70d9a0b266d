from django.urls import path

from catalogue.views import visualisations

urlpatterns = [
    path("timeline/", visualisations.TimelineView.as_view(), name="timeline"),
    path("map/", visualisations.MapView.as_view(), name="map"),
]
