from django.views.generic import DetailView

from catalogue.models import Organisation, Person, Place


class PersonDetailView(DetailView):
    model = Person
    template_name = "catalogue/person_detail.html"


class OrganisationDetailView(DetailView):
    model = Organisation
    template_name = "catalogue/organisation_detail.html"


class PlaceDetailView(DetailView):
    model = Place
    template_name = "catalogue/place_detail.html"
