"""The site's own pages and what crawlers read: About, site map, robots.txt, favicon (issue 14)."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from catalogue.sitemaps import SITEMAPS
from catalogue.views.site import FaviconView, SitePageView, robots_txt

urlpatterns = [
    path("about/", SitePageView.as_view(), {"slug": "about"}, name="about"),
    path("pages/<slug:slug>/", SitePageView.as_view(), name="site-page"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "catalogue:sitemap-section"},
        name="sitemap-index",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", robots_txt, name="robots"),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
]
