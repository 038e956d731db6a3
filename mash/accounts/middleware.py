"""Session safety between requests (ADR 0011).

- IdleSessionMiddleware signs a user out after SESSION_IDLE_MINUTES without a request.
- KeepTypedInputMiddleware keeps what a signed-out user had just typed: a POST that would be
  sent to the sign-in page is stored (without the CSRF token or passwords) with whose it was,
  and offered back to the same person after they sign in again.
- SecondFactorMiddleware lets nobody past with a password alone when a code is needed: a
  session signed in some other way (the admin's sign-in page, a test's force_login) goes back
  to the code step first.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import NoReverseMatch

from mash.accounts import security
from mash.audit import services as audit

LAST_SEEN = "_mash_last_seen"
KEPT = "_mash_kept_post"
MFA_DONE = "_mash_mfa_done"
NO_APP = "_mash_no_authenticator"
PENDING = "_mash_sign_in_pending"
TIMED_OUT = "_mash_timed_out"
# Who was signed out for want of use: kept in the new session until someone signs in.
EXPIRED_OWNER = "_mash_expired_owner"
# The status check the warning makes must not count as activity, or nobody would time out.
STATUS_PATH = "/account/session/"
_LAST_SEEN_RESOLUTION = 60  # seconds
_KEEP_LIMIT = 200_000  # characters: enough for any form here, not a way to fill the database
# Never kept: matched by the whole name (a formset's prefix aside), so `people-0-postcode`
# and `agency_code` are kept with the rest of what was typed.
_SECRET_FIELDS = frozenset(
    {
        "csrfmiddlewaretoken",
        "password",
        "old_password",
        "new_password1",
        "new_password2",
        "code",
        "recovery_code",
        "secret",
        "token",
    }
)
OIDC_BACKEND = "mash.accounts.oidc.MashOIDCBackend"


def idle_seconds() -> int:
    return int(settings.SESSION_IDLE_MINUTES) * 60


class IdleSessionMiddleware:
    """Sign out after SESSION_IDLE_MINUTES without a request (the warning comes first)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and idle_seconds():
            now = time.time()
            last = request.session.get(LAST_SEEN, now)
            if now - last > idle_seconds():
                expired_owner = security.owner_hash(user)
                audit.record(actor=user, action="account.session_expired")
                logout(request)
                request.session[TIMED_OUT] = True
                request.session[EXPIRED_OWNER] = expired_owner
            elif self._counts_as_activity(request, now - last):
                request.session[LAST_SEEN] = now
        return self.get_response(request)

    @staticmethod
    def _counts_as_activity(request: HttpRequest, since_last: float) -> bool:
        """Written at most once a minute (no session write on every page), except "Stay
        signed in"; never for the warning's own status check."""
        if request.path == STATUS_PATH:
            return request.method == "POST"
        return since_last >= _LAST_SEEN_RESOLUTION or LAST_SEEN not in request.session


def _kept_fields(request: HttpRequest) -> list[list[str]]:
    return [
        [key, value]
        for key, values in request.POST.lists()
        if key.lower().rsplit("-", 1)[-1] not in _SECRET_FIELDS
        for value in values
    ]


def _is_sign_in_redirect(response: HttpResponse) -> bool:
    location = response.get("Location", "") if response.status_code == 302 else ""
    try:
        return bool(location) and location.split("?")[0] == resolve_url(settings.LOGIN_URL)
    except NoReverseMatch:  # a URL map without the sign-in page (some tests)
        return False


class KeepTypedInputMiddleware:
    """Nothing typed is lost when the session runs out mid-form (ADR 0011).

    Only the person who was signed in gets it back: the kept data carries a keyed digest of
    their account, checked after sign-in. Files are not kept (none of the staff forms take
    them).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        owner = request.session.get(EXPIRED_OWNER)
        if request.method != "POST" or request.user.is_authenticated:
            kept = request.session.get(KEPT) if request.method == "POST" else None
            if kept and kept["path"] == request.path:  # the kept form was sent again
                del request.session[KEPT]
            return response
        if owner and _is_sign_in_redirect(response):
            fields = _kept_fields(request)
            if fields and sum(len(k) + len(v) for k, v in fields) <= _KEEP_LIMIT:
                request.session[KEPT] = {
                    "path": request.path,
                    "fields": fields,
                    "owner": owner,
                    "at": time.time(),
                }
        return response


def kept_for(request: HttpRequest) -> dict[str, Any] | None:
    """The kept form data if it belongs to the signed-in user; someone else's is dropped."""
    kept = request.session.get(KEPT)
    if not kept:
        return None
    if kept.get("owner") != security.owner_hash(request.user):
        del request.session[KEPT]
        return None
    return kept


def second_factor_done(request: HttpRequest) -> bool:
    """True when this session needs no code, or has given one (or the council's identity
    provider did it: single sign-on delegates MFA, docs/single-sign-on.md)."""
    session = request.session
    if session.get(MFA_DONE) or session.get(BACKEND_SESSION_KEY) == OIDC_BACKEND:
        return True
    if settings.MASH_MFA_REQUIRED:
        return False
    # Not required: a code is needed only if this user has an app. Looked up once a session
    # (a session that sets one up gives its first code, so MFA_DONE covers it).
    if NO_APP not in session:
        session[NO_APP] = not security.mfa_enrolled(request.user)  # type: ignore[arg-type]
    return bool(session[NO_APP])


class SecondFactorMiddleware:
    """A signed-in session without its second factor goes back to the code step."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and not request.path.startswith((settings.STATIC_URL or "/static/", "/api/"))
            and not request.path.endswith("/sign-out/")
            and not second_factor_done(request)
        ):
            user = request.user
            next_url = request.get_full_path() if request.method == "GET" else ""
            logout(request)
            request.session[PENDING] = {"user": str(user.pk), "at": time.time(), "next": next_url}
            from mash.accounts.views import second_step_url  # views import this module

            return redirect(second_step_url(user))
        return self.get_response(request)
