"""Public URLs, one module per capability; all under the "catalogue" namespace."""

from . import (
    citations,
    converters,  # noqa: F401  (registers <identifier:…>, used below)
    harvesting,
    public,
    scans,
    site,
    visualisations,
)

app_name = "catalogue"

urlpatterns = [
    *public.urlpatterns,
    *citations.urlpatterns,
    *scans.urlpatterns,
    *site.urlpatterns,
    *harvesting.urlpatterns,
    *visualisations.urlpatterns,
    *public.trailing_patterns,
]
