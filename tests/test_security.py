"""Hardening (issue 11, F; finding 7): deploy checks, https, CSP, login throttling."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from catalogue.models import Document
from tests.factories import make_staff_user
from tests.scan_images import make_ready_scan

ROOT = Path(__file__).resolve().parent.parent

# The production environment the README documents (Deploying), with a throwaway key.
PRODUCTION = {
    "SECRET_KEY": "d3pl0y-" + "k" * 60,
    "ALLOWED_HOSTS": "archive.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://archive.example.org",
    "BEHIND_PROXY": "1",
    "MEDIA_SERVER": "nginx",
}


# Set by the test run itself (the browser suite's Playwright loop), never by a deployment.
NOT_PRODUCTION = {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def manage(*args, **environment):
    env = {key: value for key, value in os.environ.items() if key not in NOT_PRODUCTION}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_setting(name, **environment):
    code = f"from django.conf import settings; print(repr(settings.{name}))"
    result = manage("shell", "--no-imports", "-c", code, **{**PRODUCTION, **environment})
    assert result.returncode == 0, result.stderr
    return eval(result.stdout.strip())  # noqa: S307 (our own repr of a setting)


# -- deployment settings ------------------------------------------------------------------------


def test_check_deploy_is_clean_with_the_documented_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_defaults_are_https_with_hsts_and_secure_cookies():
    assert production_setting("SECURE_SSL_REDIRECT") is True
    assert production_setting("SECURE_HSTS_SECONDS") >= 31_536_000
    assert production_setting("SESSION_COOKIE_SECURE") is True
    assert production_setting("CSRF_COOKIE_SECURE") is True
    assert production_setting("SECURE_PROXY_SSL_HEADER") == ("HTTP_X_FORWARDED_PROTO", "https")


def test_secure_cookies_off_runs_over_plain_http():
    """The documented switch for a private network: no secure cookies, redirect or HSTS."""
    plain = {"SECURE_COOKIES": "0"}
    assert production_setting("SESSION_COOKIE_SECURE", **plain) is False
    assert production_setting("CSRF_COOKIE_SECURE", **plain) is False
    assert production_setting("SECURE_SSL_REDIRECT", **plain) is False
    assert production_setting("SECURE_HSTS_SECONDS", **plain) == 0


def test_hsts_and_redirect_can_be_set_on_their_own():
    assert production_setting("SECURE_HSTS_SECONDS", SECURE_HSTS_SECONDS="600") == 600
    assert production_setting("SECURE_SSL_REDIRECT", SECURE_SSL_REDIRECT="0") is False


def test_without_a_proxy_forwarded_headers_are_not_trusted():
    assert production_setting("SECURE_PROXY_SSL_HEADER", BEHIND_PROXY="0") is None


@pytest.fixture
def https_behind_proxy(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def test_plain_http_is_redirected_to_https(client, db, https_behind_proxy):
    response = client.get("/documents/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/documents/"


def test_https_through_the_proxy_carries_hsts(client, db, https_behind_proxy):
    response = client.get("/documents/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_pages_carry_the_other_security_headers(client, db):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


# -- Content-Security-Policy ---------------------------------------------------------------------


def policy(response):
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


SCRIPT_TYPES = {"text/javascript", "module", "application/javascript"}


def inline_code(html):
    """Inline scripts (data blocks aside), style elements and attributes, and on… handlers."""
    tree = lxml.html.fromstring(html)
    found = []
    for script in tree.iter("script"):
        kind = (script.get("type") or "text/javascript").lower()
        if not script.get("src") and kind in SCRIPT_TYPES:
            found.append(f"inline script: {(script.text or '')[:60]!r}")
    found += [f"style element: {(s.text or '')[:60]!r}" for s in tree.iter("style")]
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in element.attrib:
            if attribute == "style" or attribute.startswith("on"):
                found.append(f"<{element.tag} {attribute}={element.get(attribute)[:40]!r}>")
        href = element.get("href") or ""
        if href.strip().lower().startswith("javascript:"):
            found.append(f"<{element.tag} href={href[:40]!r}>")
    return found


def test_the_policy_allows_nothing_inline_and_nothing_from_elsewhere(client, db):
    directives = policy(client.get("/"))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in value for values in directives.values() for value in values)


@pytest.fixture
def illustrated_seed(seed):
    document = Document.objects.get(identifier="D000001")
    make_ready_scan(document, page=1)
    return document


PUBLIC_PAGES = [
    "/",
    "/documents/",
    "/documents/?q=Frunze&type=letter",
    "/documents/D000001/",
    "/documents/D000001/?style=apa",
    "/persons/",
    "/persons/chicherin-georgy-vasilyevich/",
    "/places/",
    "/this-page-does-not-exist/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_no_inline_code_and_carry_the_policy(client, illustrated_seed, path):
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert "Content-Security-Policy" in response
    assert inline_code(response.content) == []


def admin_pages(document):
    scan = document.scans.get()
    return [
        reverse("admin:index"),
        reverse("admin:catalogue_document_changelist"),
        reverse("admin:catalogue_document_changelist") + "?q=Frunze",
        reverse("admin:catalogue_document_add"),
        reverse("admin:catalogue_document_change", args=[document.pk]),
        reverse("admin:catalogue_document_history", args=[document.pk]),
        reverse("admin:catalogue_scan_changelist"),
        reverse("admin:catalogue_scan_change", args=[scan.pk]),
        reverse("admin:catalogue_person_changelist"),
        reverse("admin:catalogue_person_add"),
        reverse("admin:catalogue_place_add"),
        reverse("admin:catalogue_footnote_changelist"),
        reverse("admin:password_change"),
        reverse("admin:catalogue_document_import"),
    ]


def test_admin_pages_work_under_the_policy(client, illustrated_seed):
    """The admin's own templates and ours: every script and style from a file."""
    user = User.objects.create_superuser("root", password="pw-for-tests-only")
    client.force_login(user)
    for path in admin_pages(illustrated_seed):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Content-Security-Policy" in response, path
        assert inline_code(response.content) == [], path
        assert b"/static/catalogue/admin.css" in response.content, path


def test_the_login_page_works_under_the_policy(client, db):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert inline_code(response.content) == []


# -- login throttling ----------------------------------------------------------------------------


def log_in(client, password):
    return client.post(
        reverse("admin:login") + "?next=/admin/",
        {"username": "editor", "password": password, "next": "/admin/"},
    )


def logged_in(client):
    return client.get(reverse("admin:index")).status_code == 200


def test_thirty_wrong_passwords_lock_the_account_even_for_the_right_one(client, db, settings):
    make_staff_user("editor", "Editor")
    for _ in range(30):
        assert log_in(client, "wrong password").status_code in (200, 429)
    response = log_in(client, "pw-for-tests-only")
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content
    assert not logged_in(client)


def test_a_few_mistakes_do_not_lock(client, db, settings):
    make_staff_user("editor", "Editor")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "wrong password")
    assert log_in(client, "pw-for-tests-only").status_code == 302
    assert logged_in(client)


def test_the_lock_ends_after_the_cool_off(client, db, settings):
    make_staff_user("editor", "Editor")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong password")
    assert log_in(client, "pw-for-tests-only").status_code == 429
    from axes.models import AccessAttempt

    past = datetime.timedelta(minutes=settings.AXES_COOLOFF_TIME.total_seconds() / 60 + 1)
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= past
        attempt.save()
    assert log_in(client, "pw-for-tests-only").status_code == 302
    assert logged_in(client)
