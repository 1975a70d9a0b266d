from django.views.generic import DetailView, TemplateView

from catalogue.models import Collection, Document


class HomeView(TemplateView):
    template_name = "catalogue/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = Document.objects.published()
        context["collections"] = Collection.objects.all()
        context["document_count"] = published.count()
        context["latest"] = published.order_by("-published_at")[:10]
        return context


class DocumentDetailView(DetailView):
    template_name = "catalogue/document_detail.html"
    slug_field = "identifier"
    slug_url_kwarg = "identifier"

    def get_queryset(self):
        return Document.objects.published().select_related("collection", "archive")


class CollectionDetailView(DetailView):
    model = Collection
    template_name = "catalogue/collection_detail.html"
