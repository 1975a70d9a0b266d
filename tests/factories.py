"""Small builders for test data. Keep them plain: each returns a saved object."""

import itertools

from django.contrib.auth.models import Group, User

from catalogue.models import Collection, Document, Organisation, Person, Place, Status

_counter = itertools.count(1)


def make_collection(**fields):
    n = next(_counter)
    fields.setdefault("title", f"Collection {n}")
    fields.setdefault("slug", f"collection-{n}")
    return Collection.objects.create(**fields)


def make_document(collection=None, **fields):
    n = next(_counter)
    fields.setdefault("heading", f"Letter number {n}")
    fields.setdefault("status", Status.PUBLISHED)
    fields.setdefault("date_edtf", "1921-12-26")
    fields.setdefault("body", "Dear comrade, text.")
    return Document.objects.create(collection=collection or make_collection(), **fields)


def make_person(name=None, **fields):
    n = next(_counter)
    name = name or f"Person {n}"
    fields.setdefault("sort_name", name)
    fields.setdefault("slug", f"person-{n}")
    return Person.objects.create(preferred_name=name, **fields)


def make_organisation(name=None, **fields):
    n = next(_counter)
    fields.setdefault("slug", f"organisation-{n}")
    return Organisation.objects.create(name=name or f"Organisation {n}", **fields)


def make_place(name=None, **fields):
    n = next(_counter)
    fields.setdefault("slug", f"place-{n}")
    return Place.objects.create(name=name or f"Place {n}", **fields)


def make_staff_user(username, group_name):
    user = User.objects.create_user(username, password="pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user
