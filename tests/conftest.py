import pytest
from django.core.management import call_command

from tests.factories import make_staff_user


@pytest.fixture
def archivist(db):
    return make_staff_user("archivist", "Archivist")


@pytest.fixture
def editor(db):
    return make_staff_user("editor", "Editor")


@pytest.fixture
def archivist_client(client, archivist):
    client.force_login(archivist)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def seed(db):
    """The seed collection from fixtures/ (the Chicherin letter is identifier D000001)."""
    call_command("load_seed", "--without-facsimiles", verbosity=0)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (the cache outlives the rolled-back database)."""
    from django.core.cache import cache

    from catalogue import caching, catalogue_index

    caching._unavailable_until = 0.0  # a test that took the cache down leaves it usable
    # The facet index outlives the rolled-back database, whose version numbers repeat.
    catalogue_index.forget()
    cache.clear()
    yield
    cache.clear()
    catalogue_index.forget()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded files go to a temporary folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """Static files collected as for production (DEBUG off: hashed names and a manifest)."""
    from tests.reliability_harness import collect_static

    root = tmp_path_factory.mktemp("static")
    collect_static(root)
    return root
