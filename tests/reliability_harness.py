"""Reliability harness: gunicorn against the test database, bounded readers, an Editor's loop.

Used by tests/test_reliability.py (short runs) and `make soak` (the same, longer). Every server
listens on 127.0.0.1 on a port the kernel chose; every loop is bounded in time and count.
"""

from __future__ import annotations

import bisect
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
IDENTIFIER_LINK = re.compile(r"/documents/(D\d+)/")
PROBE_WORD = "quokkabridge"  # in the probe documents' bodies only
PROBE_THEME = "reliability-probe-{}"
PROBE_PERSON = "reliability-probe-person"
REQUEST_TIMEOUT = 30


# -- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The URL of the database the tests use (pytest-django's test database)."""
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def collect_static(static_root: Path) -> None:
    """collectstatic once for a production-like server (manifest storage, DEBUG off)."""
    if (static_root / "staticfiles.json").exists():
        return
    env = {**os.environ, "STATIC_ROOT": str(static_root), "DEBUG": "0"}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )


def server_environment(static_root: Path, **overrides) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CACHE_URL", "DEBUG", "PYTEST_ADDOPTS"}
    }
    env.update(
        DATABASE_URL=database_url(),
        DEBUG="0",
        SECRET_KEY="reliability-test-secret-key-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_COOKIES="0",  # plain http on the loopback
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        STATIC_ROOT=str(static_root),
        GUNICORN_ACCESS_LOG="off",
        GUNICORN_MAX_REQUESTS="0",  # measure leaks: keep the same workers for the whole run
        LOG_LEVEL="WARNING",
    )
    env.update({key: str(value) for key, value in overrides.items()})
    return {key: value for key, value in env.items() if value != ""}


@dataclass
class Server:
    """A running gunicorn: its address, master process and log."""

    process: subprocess.Popen
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []


@contextmanager
def gunicorn(static_root: Path, workers=3, startup_timeout=60, **environment):
    """gunicorn on 127.0.0.1 on a free port, stopped (and waited for) on exit."""
    collect_static(static_root)
    port = free_port()
    log = Path(settings.MEDIA_ROOT).parent / f"gunicorn-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    env = server_environment(static_root, WEB_CONCURRENCY=workers, **environment)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    with open(log, "wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    server = Server(process, port, log)
    try:
        wait_until_serving(server, workers, startup_timeout)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def wait_until_serving(server: Server, workers: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{server.log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(server.base + "/", timeout=5) as response:
                if response.status == 200 and len(server.worker_pids()) >= workers:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not serve in {timeout} s:\n{server.log.read_text()[-3000:]}")


def fetch(url: str, timeout=REQUEST_TIMEOUT) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"User-Agent": "reliability-test"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


# -- what the public may see, over time ------------------------------------------------------


class Timeline:
    """When each probe document changed state, as seen by the process that changed it.

    A change is committed at some moment between the call's start and end, so during that
    window the document may be in either state.
    """

    def __init__(self, initially_public: dict[str, bool]):
        self.initial = dict(initially_public)
        self.changes: dict[str, list[tuple[float, float, bool]]] = {key: [] for key in self.initial}

    def record(self, identifier: str, public: bool, started: float, ended: float) -> None:
        self.changes[identifier].append((started, ended, public))

    def may_have_been_public(self, identifier: str, start: float, end: float) -> bool:
        """Whether the document was (or may have been) public at some moment in [start, end]."""
        changes = self.changes[identifier]
        state = self.initial[identifier]
        index = bisect.bisect_left([ended for _, ended, _ in changes], start)
        if index > 0:
            state = changes[index - 1][2]
        if state:
            return True
        for started, _, public in changes[index:]:
            if started > end:
                break
            if public:
                return True
        return False


# -- readers -----------------------------------------------------------------------------------


@dataclass
class Outcome:
    path: str
    status: int
    started: float
    ended: float
    shown: set[str]


@dataclass
class Probe:
    """A document the Editor publishes and unpublishes, with its image and facet value."""

    identifier: str
    theme: str
    image_paths: list[str]


def pages_to_read(probes: list[Probe]) -> list[str]:
    """Lists, facets, search, person pages, exports, document pages and image URLs."""
    paths = [
        "/",
        "/documents/",
        f"/documents/?theme={probes[0].theme}",
        f"/documents/?q={PROBE_WORD}",
        "/documents/?sort=-date",
        "/persons/",
        f"/persons/{PROBE_PERSON}/",
        f"/documents/export.json?q={PROBE_WORD}",
        "/documents/export.ris",
        "/documents/export.bib?sort=title",
    ]
    for probe in probes:
        paths.append(f"/documents/{probe.identifier}/")
        paths.append(f"/documents/{probe.identifier}/iiif/manifest.json")
        paths.extend(probe.image_paths)
    return paths


def shown_probes(path: str, status: int, body: bytes, probes: list[Probe]) -> set[str]:
    """The probe documents a response shows: linked, exported, counted in a facet, or served."""
    by_id = {probe.identifier: probe for probe in probes}
    for probe in probes:
        if path in probe.image_paths or path.startswith(f"/documents/{probe.identifier}/"):
            return {probe.identifier} if status == 200 else set()
    if status != 200:
        return set()
    text = body.decode("utf-8", "replace")
    shown = {identifier for identifier in IDENTIFIER_LINK.findall(text) if identifier in by_id}
    if "<html" in text[:500]:
        counts = facet_counts(text, "theme")
        shown |= {probe.identifier for probe in probes if counts.get(probe.theme, 0) > 0}
    return shown


def facet_counts(html: str, facet: str) -> dict[str, int]:
    """The count a list page states beside each value of a facet (selected values included,
    which are listed even when nothing matches them)."""
    tree = lxml.html.fromstring(html)
    counts = {}
    for checkbox in tree.xpath(f"//input[@name='{facet}']"):
        label = tree.xpath(f"//label[@for='{checkbox.get('id')}']//*[@class='count']")
        digits = re.sub(r"\D", "", label[0].text or "") if label else ""
        counts[checkbox.get("value")] = int(digits) if digits else 0
    return counts


@dataclass
class ReadResults:
    outcomes: list[Outcome] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)

    def add(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)


def read_in_threads(base, probes, clients, until, max_requests_per_client, seed=11):
    """Start `clients` threads requesting the pages in random order until `until` (monotonic
    time), each at most `max_requests_per_client` times; return the results and the threads."""
    results = ReadResults()
    lock = threading.Lock()
    paths = pages_to_read(probes)

    def client(number):
        rng = random.Random(seed + number)
        for _ in range(max_requests_per_client):
            if time.monotonic() >= until:
                return
            path = rng.choice(paths)
            started = time.monotonic()
            try:
                status, body = fetch(base + path)
            except Exception as error:  # a refused or dropped connection is an error too
                with lock:
                    results.errors[f"{type(error).__name__} {path}"] += 1
                continue
            ended = time.monotonic()
            shown = shown_probes(path, status, body, probes)
            outcome = Outcome(path, status, started, ended, shown)
            with lock:
                results.add(outcome)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    return results, threads


def violations(results: ReadResults, timeline: Timeline) -> list[str]:
    found = []
    for outcome in results.outcomes:
        for identifier in outcome.shown:
            if not timeline.may_have_been_public(identifier, outcome.started, outcome.ended):
                found.append(
                    f"{outcome.path} showed {identifier}, not public between the request's "
                    f"start and end ({outcome.started:.3f}–{outcome.ended:.3f})"
                )
    return found


def summary(found: list[str], requests: int) -> str:
    """How many violations per page, of how many requests, with the first few in full."""
    per_path = Counter(line.split(" showed ")[0] for line in found)
    lines = [f"{len(found)} of {requests} responses showed a document that was not public:"]
    lines += [f"  {count:4d}  {path}" for path, count in per_path.most_common()]
    lines += ["e.g.", *found[:5]]
    return "\n".join(lines)


def server_errors(results: ReadResults) -> list[str]:
    return [f"{o.status} {o.path}" for o in results.outcomes if o.status >= 500]


# -- figures for the soak report ------------------------------------------------------------------


def process_figures(pids: list[int]) -> dict[int, tuple[int, int]]:
    """Resident memory (KiB) and open file descriptors of each process."""
    figures = {}
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            files = len(os.listdir(f"/proc/{pid}/fd"))
        except (OSError, AttributeError):
            continue
        figures[pid] = (rss, files)
    return figures


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def report(results: ReadResults, seconds: float, before: dict, after: dict, changes: int) -> str:
    durations = [(o.ended - o.started) * 1000 for o in results.outcomes]
    statuses = Counter(o.status for o in results.outcomes)
    lines = [
        f"duration           {seconds:.0f} s",
        f"requests           {len(results.outcomes)} "
        f"({', '.join(f'{code}: {n}' for code, n in sorted(statuses.items()))})",
        f"throughput         {len(results.outcomes) / seconds:.1f} requests/s",
        f"latency p50 / p95  {percentile(durations, 0.5):.0f} / "
        f"{percentile(durations, 0.95):.0f} ms",
        f"publication changes {changes}",
        f"errors             {sum(results.errors.values())} "
        + (f"{dict(results.errors)}" if results.errors else ""),
        f"5xx responses      {len(server_errors(results))}",
        "workers            pid: memory KiB before -> after, open files before -> after",
    ]
    for pid in sorted(before):
        rss_before, files_before = before[pid]
        rss_after, files_after = after.get(pid, (0, 0))
        lines.append(
            f"                   {pid}: {rss_before} -> {rss_after} "
            f"({rss_after - rss_before:+d}), {files_before} -> {files_after}"
        )
    return "\n".join(lines)
