"""The site's own pages: About (editors' prose), robots.txt, favicon."""

from django.http import Http404, HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import RedirectView, TemplateView

from catalogue.models import SitePage
from catalogue.prose import render_markdown


class SitePageView(TemplateView):
    """A published site page (/about/): its published copy, never the working copy."""

    template_name = "catalogue/site_page.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            page = SitePage.objects.published().get(slug=self.kwargs["slug"])
        except SitePage.DoesNotExist as missing:
            raise Http404("No such page.") from missing
        context.update(
            page=page,
            title=page.published_title,
            body=render_markdown(page.published_body),
        )
        return context


# Crawlers need not walk the filter combinations of the list, the downloads or the machine
# interfaces (harvesters use the site map, OAI-PMH and the API directly).
ROBOTS_DISALLOW = [
    "/admin/",
    "/documents/export.",
    "/documents/?",
    "/network/?",  # every filter combination of the correspondence network (issue 15)
    "/oai/",
    "/api/",
]


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW)]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('catalogue:sitemap-index'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class FaviconView(RedirectView):
    """/favicon.ico, which browsers and crawlers ask for whatever the page links."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("catalogue/favicon.ico")
