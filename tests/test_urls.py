"""Malformed document identifiers never reach a view: every document route answers 404."""

import pytest

ROUTES = [
    "/documents/{}/",
    "/documents/{}/some-slug/",
    "/documents/{}/cite.bib",
    "/documents/{}/iiif/manifest.json",
    "/documents/{}/pages/1/original/",
]
BAD_IDENTIFIERS = ["%00", "D%00001", "D0001.1", "x" * 40, "%C3%A9"]


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("identifier", BAD_IDENTIFIERS)
def test_bad_identifier_is_a_404(client, route, identifier):
    assert client.get(route.format(identifier)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES)
def test_unknown_identifier_is_a_404(client, route):
    assert client.get(route.format("D999999")).status_code == 404
