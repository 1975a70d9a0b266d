"""The browser suite: Playwright for Python driving Debian's Chromium against pytest-django's
live server (127.0.0.1, an ephemeral port). Every test here is marked `browser`.

- Chromium is looked for at $CHROMIUM, /usr/bin/chromium, then `chromium`/`chromium-browser` on
  the PATH; without one every browser test is skipped with a message saying how to install it.
  Playwright never downloads a browser.
- Tests run against committed data (transactional database, restored after each test with
  serialized rollback so that the data migrations' groups and themes survive for later tests).
- A failing test leaves a full-page screenshot in var/test-artifacts/ (or $TEST_ARTIFACTS).
"""

import os
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", ROOT / "var" / "test-artifacts"))
BROWSER_TOOLS = ROOT / "tools" / "browser-tests"
INSTALL_HINT = (
    "no Chromium found ($CHROMIUM, /usr/bin/chromium, chromium or chromium-browser on the PATH): "
    "install it with `apt-get install -y chromium` to run the browser tests"
)

os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        page = getattr(item, "_browser_page", None)
        if page is not None and not page.is_closed():
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", item.nodeid)[-150:]
            try:
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            except Exception as error:  # a crashed page cannot be photographed
                report.sections.append(("screenshot", f"no screenshot: {error}"))
    return report


def chromium_executable():
    candidates = [
        os.environ.get("CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def _serialized_database(django_db_setup):
    """The test databases as migrated (groups, themes), as Django serialized them for
    serialized rollback: {alias: contents}. Taken before Playwright starts (see below)."""
    from django.db import connections

    return {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }


@pytest.fixture(autouse=True)
def _migrated_data_restored(_serialized_database, django_db_blocker):
    """Serialized rollback for tests that run while Playwright runs: its event loop gives this
    thread fresh database wrappers (asgiref's Local follows the async context), which lack the
    serialized contents, so Django skips the restore after the previous test's flush."""
    from django.db import connections

    for alias, contents in _serialized_database.items():
        connection = connections[alias]
        if not hasattr(connection, "_test_serialized_contents"):
            connection._test_serialized_contents = contents
            with django_db_blocker.unblock():
                connection.creation.deserialize_db_from_string(contents)


@pytest.fixture(scope="session")
def chromium(_serialized_database):
    """A running headless Chromium (session-wide).

    While it runs, Playwright's sync API keeps an event loop in this thread, which makes
    Django refuse every ORM call made here (tests, fixtures, database teardown) as coming
    from an "async context"; they are synchronous, so the check is off until it stops.
    """
    executable = chromium_executable()
    if executable is None:
        pytest.skip(INSTALL_HINT)
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable)
            yield browser
            browser.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def site(live_server):
    """The live server's base URL, without a trailing slash."""
    return live_server.url.rstrip("/")


@pytest.fixture
def new_page(chromium, request):
    """new_page(javascript=True, width=1280, height=900, **context options) -> a Page; its
    screenshot is saved if the test fails, and its context is closed afterwards."""
    contexts = []

    def make(javascript=True, width=1280, height=900, **options):
        context = chromium.new_context(
            java_script_enabled=javascript, viewport={"width": width, "height": height}, **options
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        request.node._browser_page = page
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def node_package(*parts):
    """A file of the test-only npm packages in tools/browser-tests/ (skips if not installed)."""
    path = BROWSER_TOOLS.joinpath("node_modules", *parts)
    if not path.exists():
        pytest.skip(
            f"{path.relative_to(ROOT)} is missing: run `npm ci --prefix tools/browser-tests`"
        )
    return path
