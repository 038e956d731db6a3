"""Request-wide plumbing: a request id for audit correlation, security headers, and a 503
when the database is down."""

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from mash.core.outage import is_database_unavailable, unavailable_response
from mash.core.request_context import set_request_id


class RequestIdMiddleware:
    """Give every request an id (or accept a partner's X-Request-ID) for the audit trail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supplied = request.headers.get("X-Request-ID", "")
        try:
            request_id = uuid.UUID(supplied)
        except ValueError:
            request_id = uuid.uuid4()
        request.request_id = request_id  # type: ignore[attr-defined]
        set_request_id(request_id)
        try:
            response = self.get_response(request)
        finally:
            set_request_id(None)
        response["X-Request-ID"] = str(request_id)
        return response


class SecurityHeadersMiddleware:
    """A strict Content Security Policy and the other security headers, on every response.

    Placed straight after Django's SecurityMiddleware (settings.MIDDLEWARE), so pages, API
    JSON, CSV downloads, error pages and WhiteNoise's static files all carry them. No page is
    exempt: the API's Swagger UI is served from the bundled files with no inline script
    (docs/adr/0014-hardening.md).
    """

    POLICY = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; "
        "script-src 'self' 'sha256-GUQ5ad8JK5KmEWmROf3LZd9ge94daqNvd8xy9YS1iDw='; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
    HEADERS = {
        "Content-Security-Policy": POLICY,
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        # Other sites may not embed our responses (a CSV, an image) even as a no-cors load.
        "Cross-Origin-Resource-Policy": "same-origin",
        # Also set by XFrameOptionsMiddleware, which sits inside WhiteNoise.
        "X-Frame-Options": "DENY",
    }

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for header, value in self.HEADERS.items():
            response.setdefault(header, value)
        return response


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database answers 503 with Retry-After, not a 500.

    It loads the signed-in user (the session and the user: for most requests the first
    query) before the middleware after it run, so an outage found there is answered here;
    `process_exception` answers one a view meets; anything else reaches handler500
    (mash.core.views.server_error), which answers the same way.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            _load_the_signed_in_user(request)
        except Exception as error:
            if is_database_unavailable(error):
                return unavailable_response(request, error)
            raise
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_unavailable(exception):
            return unavailable_response(request, exception)
        return None


def _load_the_signed_in_user(request: HttpRequest) -> None:
    """Evaluate the lazy `request.user` (no query without a session cookie: /health/)."""
    user = getattr(request, "user", None)
    if user is not None:
        bool(user.is_authenticated)
