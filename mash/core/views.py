"""Pages every part of the service shares: accessibility statement, health check, error pages."""

import logging
import sys

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mash.core.outage import is_database_unavailable, retry_after, unavailable_response

logger = logging.getLogger(__name__)

PLAIN_500 = (
    "<!DOCTYPE html><html lang='en-GB'><head><title>Sorry, there is a problem with the service"
    "</title></head><body><h1>Sorry, there is a problem with the service</h1>"
    "<p>Try again later.</p></body></html>"
)


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement; open to everyone, signed in or not."""
    context = {"support_email": getattr(settings, "MASH_SUPPORT_EMAIL", "")}
    return render(request, "core/accessibility.html", context)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: database unavailable")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@never_cache
@require_GET
def liveness(request: HttpRequest) -> JsonResponse:
    """/health/: the process is up and answering; does not touch the database."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readiness(request: HttpRequest) -> HttpResponse:
    """/health/ready/: 200 when the database answers, else 503 with Retry-After."""
    response = healthz(request)
    if response.status_code == 503:
        response["Retry-After"] = str(retry_after())
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400."""
    return render(request, "errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403. Every refusal of a signed-in user is in the audit trail (ADR 0012): views
    that know the record record it themselves; any other 403 is recorded here, once."""
    _audit_refusal(request)
    return render(request, "errors/403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form without a valid token did nothing; say so and what to do."""
    logger.warning("CSRF check failed on %s: %s", request.path, reason)
    return render(request, "errors/csrf.html", status=403)


def _audit_refusal(request: HttpRequest) -> None:
    from mash.audit import services as audit
    from mash.core.request_context import refusal_recorded

    user = getattr(request, "user", None)
    if not (user and user.is_authenticated) or refusal_recorded():
        return
    match = getattr(request, "resolver_match", None)
    audit.record_refusal(actor=user, what=f"page {match.view_name if match else request.path}")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404."""
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: rendered without the request, and plain HTML if even that fails.

    A database outage raised outside a view (a middleware, a signal) still answers 503.
    """
    exc = sys.exc_info()[1]
    if is_database_unavailable(exc):
        return unavailable_response(request, exc)  # type: ignore[arg-type]
    try:
        return HttpResponseServerError(render_to_string("errors/500.html"))
    except Exception:  # the error page must never raise while reporting another error
        logger.exception("Could not render the 500 page")
        return HttpResponseServerError(PLAIN_500)
