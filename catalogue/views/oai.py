"""/oai/: the OAI-PMH 2.0 endpoint (GET or POST), answering every request with XML."""

from django.conf import settings
from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from catalogue.oai import responses
from catalogue.oai.protocol import OAIError, parse_request

CONTENT_TYPE = "text/xml; charset=utf-8"


@method_decorator(csrf_exempt, name="dispatch")  # harvesters POST without a session
class OAIView(View):
    """Errors of the protocol are answered in XML with status 200, as OAI-PMH requires."""

    http_method_names = ["get", "post", "head"]

    def get(self, request):
        return self.answer(request, request.GET)

    def post(self, request):
        return self.answer(request, request.POST)

    def answer(self, request, params):
        base_url = responses.base_url(request)
        arguments = {}
        try:
            oai_request = parse_request(params)
            arguments = {"verb": oai_request.verb, **oai_request.arguments}
            body = self.respond(oai_request, base_url, arguments)
        except OAIError as error:
            body = responses.error_response(base_url, error, arguments)
        return HttpResponse(body, content_type=CONTENT_TYPE)

    def respond(self, oai_request, base_url, arguments) -> bytes:
        response = responses.Response(base_url, arguments)
        verb = oai_request.verb
        if verb == "Identify":
            responses.identify(response, base_url)
        elif verb == "ListMetadataFormats":
            responses.list_metadata_formats(response, oai_request)
        elif verb == "ListSets":
            responses.list_sets(response)
        elif verb == "GetRecord":
            responses.get_record(response, oai_request, self.url_for)
        else:
            responses.list_records(response, oai_request, self.url_for, settings.OAI_BATCH_SIZE)
        return response.bytes()

    def url_for(self, document):
        return self.request.build_absolute_uri(document.get_absolute_url())
