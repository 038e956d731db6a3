"""A database outage answers 503 with a retry hint, never a 500 or a stack trace (issue 6 §6).

Used by DatabaseUnavailableMiddleware (errors raised in views) and by handler500 (errors raised
anywhere else, e.g. while a middleware saves the session). The log line names the error class,
the method and the path without its query string: no personal data.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger("mash.outage")

try:  # psycopg's own errors, for the rare call Django does not wrap
    import psycopg

    _UNAVAILABLE: tuple[type[BaseException], ...] = (
        OperationalError,
        InterfaceError,
        psycopg.OperationalError,
        psycopg.InterfaceError,
    )
except ImportError:  # pragma: no cover - SQLite-only installs
    _UNAVAILABLE = (OperationalError, InterfaceError)

API_MESSAGE = (
    "The service cannot reach its database at the moment. Send the same request again after "
    "the Retry-After seconds. For a submission, send it with the same Idempotency-Key: if it "
    "was recorded you get the original contact back, never a duplicate."
)

PLAIN_503 = (
    "<!DOCTYPE html><html lang='en-GB'><head><title>Sorry, the service is unavailable</title>"
    "</head><body><h1>Sorry, the service is unavailable</h1><p>Try again in a few minutes.</p>"
    "</body></html>"
)


def retry_after() -> int:
    """Seconds a client should wait before trying again (MASH_DB_RETRY_AFTER_SECONDS)."""
    return int(getattr(settings, "MASH_DB_RETRY_AFTER_SECONDS", 30))


def is_database_unavailable(exc: BaseException | None) -> bool:
    """True for the errors of a database that cannot be reached or dropped the connection."""
    return isinstance(exc, _UNAVAILABLE)


def unavailable_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """503 + Retry-After: JSON for the API, the GOV.UK 'service unavailable' page otherwise."""
    logger.error(
        "Database unavailable: %s %s answered 503 (%s)",
        request.method,
        request.path,
        type(exc).__name__,
    )
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"message": API_MESSAGE, "retryable": True}, status=503)
    else:
        try:
            response = HttpResponse(render_to_string("errors/503.html"), status=503)
        except Exception:  # the error page must never raise while reporting another error
            logger.error("Could not render the 503 page")
            response = HttpResponse(PLAIN_503, status=503)
    response["Retry-After"] = str(retry_after())
    response["Cache-Control"] = "no-store"
    return response
