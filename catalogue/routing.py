"""Read replicas: public pages read the catalogue from a PostgreSQL streaming replica when the
replica has caught up with the primary's catalogue version, otherwise from the primary.

Configured by `DATABASE_REPLICA_URLS` (settings: one alias `replica1`, `replica2` … each).
Without replicas nothing here runs a query and every read goes to the primary, as before.

Who reads where:

- Writes, the admin, any request that is not GET/HEAD/OPTIONS, any request with a session
  (signed-in staff) or that wrote recently (a short-lived cookie, `PIN_COOKIE`), and everything
  outside a request (management commands, tasks) use the primary. So do reads of other apps
  (sessions, users, login throttling, history), reads inside a transaction on the primary, and
  every read of a request after it wrote.
- A public GET request reads the catalogue app's tables from a replica chosen on its first
  catalogue query.

Replica lag and withdrawal. The catalogue version (catalogue.versioning) is incremented in the
same transaction as every public change, and those transactions commit in version order (they
all update one row). The request reads the primary's version V (one primary-key query, which
the caching layer needs anyway) and uses a replica only if the replica's version is at least V:
the replica has then replayed every public change committed before the request began, so a
document withdrawn before the request began is never shown, however far the replica lags. Lag
costs speed (reads go to the primary until the replica catches up), never correctness: the bound
on showing a withdrawn document is zero after the withdrawal commits, as with one database.

Health. A replica that cannot be reached, or that has stayed behind the primary's version for
more than `DATABASE_REPLICA_MAX_LAG` seconds, is skipped for `RETRY_AFTER_SECONDS` with a
warning. A replica that fails during a request (it went down after it was chosen) is skipped
and the view runs again on the primary (public GET views only read), so the visitor gets the
page, never a 5xx.
"""

import contextlib
import contextvars
import logging
import random
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from catalogue.middleware import is_database_unavailable

logger = logging.getLogger(__name__)

# Apps whose tables public pages read and whose public changes move the catalogue version.
REPLICATED_APPS = {"catalogue"}
# A replica that failed or lagged too long is left alone for this long (per process).
RETRY_AFTER_SECONDS = 10.0
# A replica seen at a version at least the primary's is trusted without asking again for this
# long (a replica's version only grows; asking again finds one that went down or was replaced).
RECHECK_SECONDS = 5.0
# Set on the response of a request that wrote: the browser reads from the primary meanwhile.
PIN_COOKIE = "read_primary"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def replica_aliases() -> list[str]:
    """The database aliases of the configured read replicas (settings.DATABASE_REPLICAS)."""
    return list(getattr(settings, "DATABASE_REPLICAS", ()))


# --- Per request -----------------------------------------------------------------------------


@dataclass
class ReadRouting:
    """Where one request reads the catalogue: `alias` is chosen on its first catalogue read."""

    may_use_replica: bool
    alias: str | None = None
    wrote: bool = False

    def read_alias(self) -> str:
        if not self.may_use_replica:
            return DEFAULT_DB_ALIAS
        if self.alias is None:
            self.alias = choose_read_database()
        return self.alias


_routing: contextvars.ContextVar[ReadRouting | None] = contextvars.ContextVar(
    "catalogue_read_routing", default=None
)


def current_routing() -> ReadRouting | None:
    """The routing of the request under way, None outside a request."""
    return _routing.get()


class ReplicaRouter:
    """Database router: catalogue reads of public requests may go to a replica (see module)."""

    def db_for_read(self, model, **hints):
        routing = _routing.get()
        if routing is None or model._meta.app_label not in REPLICATED_APPS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS  # a transaction on the primary reads what it wrote
        return routing.read_alias()

    def db_for_write(self, model, **hints):
        routing = _routing.get()
        if routing is not None:
            routing.wrote = True
            routing.alias = DEFAULT_DB_ALIAS  # the rest of the request reads its own writes
            routing.may_use_replica = False
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        databases = {DEFAULT_DB_ALIAS, *replica_aliases()}
        if obj1._state.db in databases and obj2._state.db in databases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db in replica_aliases():
            return False  # a replica is a copy of the primary, migrated with it
        return None


# --- Choosing a replica -----------------------------------------------------------------------


@dataclass
class ReplicaHealth:
    """What this process last learnt about one replica."""

    version: int = -1
    checked_at: float = float("-inf")
    behind_since: float | None = None
    skip_until: float = float("-inf")


_health: dict[str, ReplicaHealth] = {}


def reset_health() -> None:
    """Forget what was learnt about the replicas (tests, or after reconfiguring them)."""
    _health.clear()


def choose_read_database() -> str:
    """A replica that has caught up with the primary's catalogue version, else the primary."""
    replicas = replica_aliases()
    if not replicas:
        return DEFAULT_DB_ALIAS
    from catalogue.versioning import current_version

    needed = current_version(DEFAULT_DB_ALIAS)
    for alias in random.sample(replicas, len(replicas)):
        if replica_has_caught_up(alias, needed):
            return alias
    return DEFAULT_DB_ALIAS


def replica_has_caught_up(alias: str, needed: int) -> bool:
    """Whether replica `alias` has replayed catalogue version `needed`; skips it (with a
    warning) when it cannot be reached or has stayed behind for too long."""
    health = _health.setdefault(alias, ReplicaHealth())
    now = time.monotonic()
    if now < health.skip_until:
        return False
    if health.version >= needed and now - health.checked_at < RECHECK_SECONDS:
        return True
    try:
        health.version = replica_version(alias)
    except DatabaseError as error:
        skip_replica(alias, f"cannot be reached ({error})".strip())
        return False
    health.checked_at = now
    if health.version >= needed:
        health.behind_since = None
        return True
    if health.behind_since is None:
        health.behind_since = now
    elif now - health.behind_since > settings.DATABASE_REPLICA_MAX_LAG:
        skip_replica(
            alias,
            f"has been behind the primary's catalogue version for "
            f"{now - health.behind_since:.1f} s (DATABASE_REPLICA_MAX_LAG is "
            f"{settings.DATABASE_REPLICA_MAX_LAG:g} s)",
        )
    return False


def replica_version(alias: str) -> int:
    """The catalogue version replica `alias` has replayed (-1 when it has no version row)."""
    from catalogue.models import CatalogueVersion

    connection = connections[alias]
    table = connection.ops.quote_name(CatalogueVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number FROM {table} WHERE id = %s", [CatalogueVersion.SINGLETON])
        row = cursor.fetchone()
    return -1 if row is None else row[0]


def skip_replica(alias: str, reason: str) -> None:
    """Leave replica `alias` alone for RETRY_AFTER_SECONDS, with a warning."""
    health = _health.setdefault(alias, ReplicaHealth())
    health.skip_until = time.monotonic() + RETRY_AFTER_SECONDS
    health.behind_since = None
    health.checked_at = float("-inf")
    logger.warning(
        "Read replica %s %s: reading from the primary for %g s", alias, reason, RETRY_AFTER_SECONDS
    )
    with contextlib.suppress(DatabaseError):
        connections[alias].close()


# --- Middleware ------------------------------------------------------------------------------


def may_read_from_replica(request) -> bool:
    """Whether `request` may read the catalogue from a replica (see the module's docstring)."""
    if not replica_aliases() or request.method not in SAFE_METHODS:
        return False
    if request.path_info.startswith("/admin/"):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and PIN_COOKIE not in cookies


class ReplicaReadMiddleware:
    """Routes a request's catalogue reads (see ReplicaRouter) and, if a replica fails during the
    request, runs the view again on the primary. Place it after CatalogueVersionMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        routing = ReadRouting(may_use_replica=may_read_from_replica(request))
        token = _routing.set(routing)
        try:
            response = self.get_response(request)
        finally:
            _routing.reset(token)
        if replica_aliases() and (routing.wrote or request.method not in SAFE_METHODS):
            pin_to_primary(response)
        return response

    def process_exception(self, request, exception):
        routing = _routing.get()
        failed = None if routing is None else routing.alias
        if failed in (None, DEFAULT_DB_ALIAS) or not is_database_unavailable(exception):
            return None
        skip_replica(failed, f"failed during a request ({exception})")
        routing.alias = DEFAULT_DB_ALIAS
        routing.may_use_replica = False
        match = request.resolver_match
        if match is None:
            return None
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        return response


def pin_to_primary(response) -> None:
    """Make the browser that wrote read from the primary until the replicas have caught up."""
    response.set_cookie(
        PIN_COOKIE,
        "1",
        max_age=max(1, round(settings.DATABASE_REPLICA_MAX_LAG)),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
