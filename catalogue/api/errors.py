"""Bad input answered with 400 and a message saying what was wrong, never a 500."""

from ninja.errors import ValidationError


class BadRequest(Exception):
    """A request the API cannot answer as asked (an unknown filter value, a page past the end)."""

    def __init__(self, *messages: str):
        super().__init__("; ".join(messages))
        self.messages = list(messages)


class NotFound(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def install(api):
    @api.exception_handler(BadRequest)
    def bad_request(request, error):
        return api.create_response(request, {"detail": error.messages}, status=400)

    @api.exception_handler(NotFound)
    def not_found(request, error):
        return api.create_response(request, {"detail": [error.message]}, status=404)

    @api.exception_handler(ValidationError)
    def invalid(request, error):
        messages = [_message(entry) for entry in error.errors]
        return api.create_response(request, {"detail": messages}, status=400)


def _message(entry: dict) -> str:
    where = [str(part) for part in entry.get("loc", ()) if part not in ("query", "path", "filters")]
    return f"{'.'.join(where) or 'request'}: {entry.get('msg', 'is not valid')}"
