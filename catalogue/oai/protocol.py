"""The protocol's rules for requests: verbs, arguments, datestamps and resumption tokens.

Every violation is an `OAIError` with the protocol's error code and a message saying what was
wrong; nothing a harvester sends can end in a server error.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.core import signing

VERBS = {
    "Identify": {"required": set(), "optional": set()},
    "ListMetadataFormats": {"required": set(), "optional": {"identifier"}},
    "ListSets": {"required": set(), "optional": set()},
    "GetRecord": {"required": {"identifier", "metadataPrefix"}, "optional": set()},
    "ListIdentifiers": {"required": {"metadataPrefix"}, "optional": {"from", "until", "set"}},
    "ListRecords": {"required": {"metadataPrefix"}, "optional": {"from", "until", "set"}},
}
RESUMABLE = {"ListSets", "ListIdentifiers", "ListRecords"}
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
TOKEN_SALT = "catalogue.oai.resumption"
MAX_ARGUMENT_LENGTH = 500
SET_SPEC = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*")  # protocol's setSpecType


class OAIError(Exception):
    """An OAI-PMH error condition: `code` is the protocol's (badArgument, idDoesNotExist …)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def echoes_arguments(self) -> bool:
        """Whether the response's <request> may repeat the arguments (not after badVerb or
        badArgument, protocol 3.2)."""
        return self.code not in {"badVerb", "badArgument"}


@dataclass(frozen=True)
class Moment:
    """A from/until argument: the instant and whether it was given as a day."""

    instant: datetime.datetime
    is_day: bool


@dataclass
class Request:
    """A checked request. For a resumed list the arguments come from the token."""

    verb: str
    arguments: dict = field(default_factory=dict)  # as sent, for <request>
    metadata_prefix: str = ""
    identifier: str = ""
    set_spec: str = ""
    start: datetime.datetime | None = None  # from, inclusive
    end: datetime.datetime | None = None  # until, exclusive (the next second or day)
    after: tuple[str, str] | None = None  # (datestamp, identifier) of the last record given
    cursor: int = 0
    total: int | None = None


def format_datestamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_moment(name: str, value: str) -> Moment:
    """'2024-05-01' or '2024-05-01T10:00:00Z' (UTC); anything else is badArgument."""
    try:
        if len(value) == 10:
            day = datetime.date.fromisoformat(value)
            return Moment(
                datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC), True
            )
        if len(value) == 20 and value[10] == "T" and value.endswith("Z"):
            instant = datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
            return Moment(instant.replace(tzinfo=datetime.UTC), False)
    except ValueError:
        pass
    raise OAIError(
        "badArgument",
        f"The {name} argument “{value[:40]}” is not a date (YYYY-MM-DD) or a UTC time "
        "(YYYY-MM-DDThh:mm:ssZ).",
    )


def _single_values(params) -> dict:
    """The request's arguments, each given once; a repeated argument is an error."""
    values = {}
    for name in params:
        given = params.getlist(name)
        if len(given) > 1:
            code = "badVerb" if name == "verb" else "badArgument"
            raise OAIError(code, f"The argument “{name[:40]}” is given {len(given)} times.")
        if len(given[0]) > MAX_ARGUMENT_LENGTH:
            raise OAIError("badArgument", f"The argument “{name[:40]}” is too long.")
        values[name] = given[0]
    return values


def parse_request(params) -> Request:
    """Check a GET or POST query against the protocol; return what it asks for."""
    values = _single_values(params)
    verb = values.pop("verb", None)
    if verb is None:
        raise OAIError("badVerb", "The request has no verb.")
    if verb not in VERBS:
        raise OAIError("badVerb", f"“{verb[:40]}” is not an OAI-PMH verb.")
    if "resumptionToken" in values:
        return _resumed_request(verb, values)
    spec = VERBS[verb]
    unknown = sorted(set(values) - spec["required"] - spec["optional"])
    if unknown:
        raise OAIError("badArgument", f"{verb} does not take the argument “{unknown[0][:40]}”.")
    missing = sorted(spec["required"] - set(values))
    if missing:
        raise OAIError("badArgument", f"{verb} needs the argument “{missing[0]}”.")
    request = Request(
        verb=verb,
        arguments=dict(values),
        metadata_prefix=values.get("metadataPrefix", ""),
        identifier=values.get("identifier", ""),
        set_spec=values.get("set", ""),
    )
    if request.set_spec and not SET_SPEC.fullmatch(request.set_spec):
        raise OAIError("badArgument", f"“{request.set_spec[:40]}” is not a setSpec.")
    _set_period(request, values.get("from"), values.get("until"))
    return request


def _set_period(request: Request, start: str | None, until: str | None):
    first = parse_moment("from", start) if start is not None else None
    last = parse_moment("until", until) if until is not None else None
    if first and last and first.is_day != last.is_day:
        raise OAIError("badArgument", "The from and until arguments have different granularities.")
    if first:
        request.start = first.instant
    if last:
        step = datetime.timedelta(days=1) if last.is_day else datetime.timedelta(seconds=1)
        request.end = last.instant + step
    if first and last and first.instant > last.instant:
        raise OAIError("badArgument", "The from argument is later than the until argument.")


def _resumed_request(verb: str, values: dict) -> Request:
    if verb not in RESUMABLE:
        raise OAIError("badArgument", f"{verb} does not take a resumption token.")
    if len(values) > 1:
        raise OAIError("badArgument", "A resumption token is the only argument beside the verb.")
    token = values["resumptionToken"]
    try:
        state = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature as bad:
        raise OAIError("badResumptionToken", "This resumption token is not one of ours.") from bad
    if not isinstance(state, dict) or state.get("verb") != verb:
        raise OAIError("badResumptionToken", f"This resumption token is not for {verb}.")
    request = Request(
        verb=verb,
        arguments={"resumptionToken": token},
        metadata_prefix=state.get("prefix", ""),
        set_spec=state.get("set", ""),
        start=_instant(state.get("start")),
        end=_instant(state.get("end")),
        after=tuple(state["after"]) if state.get("after") else None,
        cursor=int(state.get("cursor", 0)),
        total=state.get("total"),
    )
    return request


def _instant(text):
    return datetime.datetime.fromisoformat(text) if text else None


def resumption_token(request: Request, last: tuple[str, str], cursor: int, total: int) -> str:
    """A signed token to continue `request` after the record `last` (datestamp, identifier)."""
    state = {
        "verb": request.verb,
        "prefix": request.metadata_prefix,
        "set": request.set_spec,
        "start": request.start.isoformat() if request.start else None,
        "end": request.end.isoformat() if request.end else None,
        "after": list(last),
        "cursor": cursor,
        "total": total,
    }
    return signing.dumps(state, salt=TOKEN_SALT, compress=True)
