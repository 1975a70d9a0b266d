"""The NinjaAPI instance mounted at /api/."""

from django.conf import settings
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from . import errors
from .routes import router

api = NinjaAPI(
    title=f"{settings.SITE_NAME}: read-only API",
    version="1",
    description=(
        "Published documents with the public list's filters, facets and search, each "
        "document's full record with its CSL-JSON, and the persons, organisations, places "
        "and collections. Read-only; drafts and documents in review are never shown. "
        "Bad input is answered with 400 and a list of messages in `detail`."
    ),
    urls_namespace="api",
    # Swagger UI from django-ninja's own static files; validatorUrl off, or it would load a
    # badge from validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
)
errors.install(api)
api.add_router("/", router)
