"""Every kind of response carries the security headers (issue 6 §5, docs/adr/0014).

One response of each kind: a public page, a signed-in page, a redirect, the API's JSON (with
and without a token), the OpenAPI document and its docs page, a CSV download, the health
check, a static file, and the 403/404/405/500 error pages.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from mash.api.models import PartnerApiClient
from mash.core.middleware import SecurityHeadersMiddleware

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.urls")]

EXPECTED = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Content-Security-Policy": SecurityHeadersMiddleware.POLICY,
}


@pytest.fixture
def production_hsts(settings):
    """HSTS as config/settings.py sets it in production (it is sent on HTTPS only)."""
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True


def _today() -> dict[str, int]:
    today = timezone.localdate()
    return {
        f"date_{end}_{part}": getattr(today, part)
        for end in ("from", "to")
        for part in ("day", "month", "year")
    }


def _responses(sam, polly, police) -> dict[str, tuple[int, str, object]]:
    """name → (expected status, expected content type prefix, response)."""
    _, token = PartnerApiClient.issue(name="Police system", agency=police, referrer_source="6")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    anonymous = Client(raise_request_exception=False)
    staff = Client(raise_request_exception=False)
    staff.force_login(sam)
    partner = Client()
    partner.force_login(polly)
    get = {"secure": True}
    return {
        "public page": (200, "text/html", anonymous.get("/accessibility/", **get)),
        "signed-in page": (200, "text/html", staff.get("/contacts/", **get)),
        "redirect to sign in": (302, "text/html", anonymous.get("/contacts/", **get)),
        "API JSON": (
            200,
            "application/json",
            anonymous.get("/api/v1/concern-categories", **bearer, **get),
        ),
        "API 401": (401, "application/json", anonymous.get("/api/v1/concern-categories", **get)),
        "OpenAPI": (200, "application/json", anonymous.get("/api/v1/openapi.json", **get)),
        "API docs": (200, "text/html", anonymous.get("/api/v1/docs", **get)),
        "CSV download": (200, "text/csv", partner.get("/partner/export/", _today(), **get)),
        "health check": (200, "application/json", anonymous.get("/healthz", **get)),
        "static file": (200, "text/javascript", anonymous.get("/static/mash/init.js", **get)),
        "403": (403, "text/html", partner.get("/contacts/", **get)),
        "404": (404, "text/html", anonymous.get("/no-such-page/", **get)),
        "405": (405, "text/html", anonymous.post("/healthz", **get)),
        "500": (500, "text/html", staff.get("/test-only/fails/", **get)),
    }


def test_every_kind_of_response_carries_every_security_header(production_hsts, sam, polly, police):
    missing = {}
    for name, (status, content_type, response) in _responses(sam, polly, police).items():
        assert response.status_code == status, name
        assert response.get("Content-Type", "text/html").startswith(content_type), name
        wrong = {h: response.get(h) for h, value in EXPECTED.items() if response.get(h) != value}
        if wrong:
            missing[name] = wrong
    assert missing == {}


def test_the_policy_allows_no_inline_or_eval_script_and_no_exemption():
    policy = SecurityHeadersMiddleware.POLICY
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["style-src"] == "'self'"
