"""Signing in and out (audited): password, then a code when MFA applies (ADR 0011).

The password step never signs anyone in when a code is needed: it notes the person as
"pending" in the session, and only a right code (or setting up an authenticator app, when MFA
is required and the person has none yet) completes the sign-in.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from mash.accounts import mfa, security
from mash.accounts.middleware import (
    EXPIRED_OWNER,
    KEPT,
    LAST_SEEN,
    MFA_DONE,
    PENDING,
    TIMED_OUT,
    idle_seconds,
    kept_for,
)
from mash.accounts.models import User
from mash.audit import services as audit

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
PENDING_SECONDS = 10 * 60
ENROL_KEY = "_mash_enrol"


class SignInForm(AuthenticationForm):
    """Django's sign-in form with GOV.UK wording."""

    error_messages = {
        "invalid_login": "Enter a correct username and password.",
        "inactive": "This account has been switched off. Ask your system administrator.",
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].error_messages["required"] = "Enter your username."
        self.fields["password"].error_messages["required"] = "Enter your password."

    def clean(self) -> dict[str, object]:
        """Put a failed sign-in on the username field, so the summary links somewhere."""
        try:
            return super().clean()
        except ValidationError as error:
            self.add_error("username", error)
            return self.cleaned_data


class CodeForm(forms.Form):
    """The 6-digit code from the authenticator app, or a single-use recovery code."""

    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6 numbers your app shows now. If you do not have your phone, enter "
        "one of your recovery codes instead.",
        max_length=32,
        error_messages={"required": "Enter the code from your authenticator app."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
            }
        ),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="After adding the account, enter the 6 numbers the app shows.",
        max_length=16,
        error_messages={"required": "Enter the code from your authenticator app."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
            }
        ),
    )


_THROTTLED = (
    "There have been too many failed sign-ins for this username. Wait 15 minutes and try "
    "again, or ask your system administrator to reset your password."
)
_FAILURE_WINDOW = 15 * 60
_WRONG_CODE = (
    "The code is not right, or it has been used already. Enter the code your app shows now."
)


def locked_message() -> str:
    """The same words whether or not the username exists (no clue for a guesser)."""
    minutes = settings.ACCOUNT_LOCKOUT_MINUTES
    wait = f"Wait {minutes} minutes and try again, or ask" if minutes else "Ask"
    return (
        "This account is locked because of too many failed sign-in attempts. "
        f"{wait} your system administrator to unlock it."
    )


def _failures_key(request: HttpRequest) -> str:
    username = request.POST.get("username", "").strip().lower()
    return f"sign-in-failures:{username}:{request.META.get('REMOTE_ADDR', '')}"


def _unknown_key(username: str) -> str:
    return "sign-in-unknown:" + security.name_digest(username)


def _throttled(request: HttpRequest) -> bool:
    limit = settings.SIGN_IN_FAILURE_LIMIT
    return bool(limit) and cache.get(_failures_key(request), 0) >= limit


def _count(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def _lock_window() -> int:
    return (
        max(settings.ACCOUNT_LOCKOUT_MINUTES, 1) * 60
        if settings.ACCOUNT_LOCKOUT_MINUTES
        else 24 * 3600
    )


def _unknown_locked(username: str) -> bool:
    threshold = settings.ACCOUNT_LOCKOUT_THRESHOLD
    return bool(threshold) and cache.get(_unknown_key(username), 0) >= threshold


def _refused(request: HttpRequest, message: str, next_url: str, status: int) -> HttpResponse:
    """The sign-in page with one error on the username, bound to the username only."""
    form = SignInForm(request, data={"username": request.POST.get("username", "")})
    form._errors = ErrorDict({"username": form.error_class([message])})  # type: ignore[attr-defined]
    form.cleaned_data = {}
    return _sign_in_page(request, form, next_url, status=status)


def _sign_in_page(
    request: HttpRequest, form: SignInForm, next_url: str, *, status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "next": next_url,
        "timed_out": request.session.pop(TIMED_OUT, False) if request.method == "GET" else False,
        "kept": bool(request.session.get(KEPT)),
        "idle_minutes": settings.SESSION_IDLE_MINUTES,
        "sso": getattr(settings, "MASH_OIDC_ENABLED", False),
        "sso_failed": request.GET.get("sso") == "failed",
    }
    return render(request, "accounts/sign_in.html", context, status=status)


def _failed_password(request: HttpRequest, form: SignInForm, next_url: str) -> HttpResponse:
    """Count a wrong password: per address (cache) and per account (database)."""
    username = request.POST.get("username", "")
    if not (username and request.POST.get("password")):
        return _sign_in_page(request, form, next_url, status=400)
    _count(_failures_key(request), _FAILURE_WINDOW)
    user = User.objects.filter(username=username).first()
    if user is None:
        audit.record(
            actor=None,
            action="account.sign_in_failed",
            actor_name="Unknown username",
            data={"username_digest": security.name_digest(username)},
        )
        count = _count(_unknown_key(username), _lock_window())
        threshold = settings.ACCOUNT_LOCKOUT_THRESHOLD
        locked = bool(threshold) and count >= threshold
    else:
        locked = security.record_failure(user, step="password")
    if locked:
        return _refused(request, locked_message(), next_url, status=429)
    return _sign_in_page(request, form, next_url, status=400)


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Username and password; the next page is kept when it is on this site.

    Repeated failures for one username from one address are refused for 15 minutes, without
    checking the password, so guessing is slow (NCSC password guidance: throttle, not expire).
    Consecutive failures on one account lock it (ADR 0011), whichever address they come from.
    """
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if request.method == "GET":
        return _sign_in_page(request, SignInForm(request), next_url)
    if _throttled(request):
        return _refused(request, _THROTTLED, next_url, status=429)
    username = request.POST.get("username", "")
    user = User.objects.filter(username=username).first() if username else None
    if (user is not None and security.is_locked(user)) or (
        user is None and _unknown_locked(username)
    ):
        return _refused(request, locked_message(), next_url, status=429)
    form = SignInForm(request, data=request.POST)
    if not form.is_valid():
        return _failed_password(request, form, next_url)
    user = form.get_user()
    if security.mfa_needed(user):
        request.session.cycle_key()
        request.session[PENDING] = {"user": str(user.pk), "at": time.time(), "next": next_url}
        return redirect(second_step_url(user))
    return finish_sign_in(request, user, next_url, method="password")


def second_step_url(user: User) -> str:
    """Enter a code if an app is set up; otherwise set one up (MFA is required)."""
    return reverse("accounts:sign-in-code" if security.mfa_enrolled(user) else "accounts:set-up")


def finish_sign_in(request: HttpRequest, user: User, next_url: str, *, method: str) -> HttpResponse:
    """Sign in, reset the failure count, audit, and go on: to the kept form data first."""
    request.session.pop(PENDING, None)
    request.session.pop(ENROL_KEY, None)
    request.session.pop(EXPIRED_OWNER, None)
    login(request, user, backend=getattr(user, "backend", None) or MODEL_BACKEND)
    request.session[MFA_DONE] = method != "password"
    request.session[LAST_SEEN] = time.time()
    security.record_success(user)
    audit.record(actor=user, action="account.signed_in", data={"second_factor": method})
    return redirect(_after_sign_in(request, user, next_url))


def _after_sign_in(request: HttpRequest, user: User, next_url: str) -> str:
    if kept_for(request):
        return reverse("accounts:resume")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, request.is_secure()
    ):
        return next_url
    return reverse(home_for(user))


def _pending_user(request: HttpRequest) -> tuple[User | None, str]:
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None, ""
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending.get("next", "")


def _locked_out_of_code_step(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    request.session.pop(PENDING, None)
    form = SignInForm(request, data={"username": user.username})
    form._errors = ErrorDict({"username": form.error_class([locked_message()])})  # type: ignore[attr-defined]
    form.cleaned_data = {}
    return _sign_in_page(request, form, next_url, status=429)


@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second step: the code from the authenticator app (or a recovery code)."""
    user, next_url = _pending_user(request)
    if user is None or not security.mfa_enrolled(user):
        return redirect("accounts:sign-in")
    if security.is_locked(user):
        return _locked_out_of_code_step(request, user, next_url)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        method = security.verify_second_factor(user, form.cleaned_data["code"])
        if method:
            return finish_sign_in(request, user, next_url, method=method)
        if security.record_failure(user, step="mfa"):
            return _locked_out_of_code_step(request, user, next_url)
        form.add_error("code", _WRONG_CODE)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/sign_in_code.html", {"form": form}, status=status)


def _enrol_secret(request: HttpRequest) -> str:
    token = request.session.get(ENROL_KEY)
    if token:
        return mfa.decrypt(token)
    secret = mfa.new_secret()
    request.session[ENROL_KEY] = mfa.encrypt(secret)
    return secret


def _enrol_page(
    request: HttpRequest, user: User, form: EnrolForm, *, signing_in: bool, status: int = 200
) -> HttpResponse:
    secret = _enrol_secret(request)
    uri = mfa.provisioning_uri(secret, account=user.username, issuer=_issuer())
    context = {
        "form": form,
        "secret": mfa.grouped(secret),
        "qr": mfa.qr_svg(uri),
        "signing_in": signing_in,
    }
    return render(request, "accounts/set_up.html", context, status=status)


def _issuer() -> str:
    from mash.core.jinja2_env import service_name

    return service_name()


def _enrolled(request: HttpRequest, user: User, form: EnrolForm) -> list[str] | None:
    codes = security.enrol(user, secret=_enrol_secret(request), code=form.cleaned_data["code"])
    if codes is None:
        form.add_error("code", _WRONG_CODE)
    return codes


def _codes_page(request: HttpRequest, codes: list[str], continue_url: str) -> HttpResponse:
    return render(
        request, "accounts/recovery_codes.html", {"codes": codes, "continue_url": continue_url}
    )


@require_http_methods(["GET", "POST"])
def set_up(request: HttpRequest) -> HttpResponse:
    """First sign-in where MFA is required: set up an authenticator app before going on."""
    user, next_url = _pending_user(request)
    if user is None:
        return redirect("accounts:sign-in")
    if security.mfa_enrolled(user):
        return redirect("accounts:sign-in-code")
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = _enrolled(request, user, form)
        if codes is not None:
            finish_sign_in(request, user, next_url, method="totp")
            return _codes_page(request, codes, _after_sign_in(request, user, next_url))
    status = 400 if request.method == "POST" else 200
    return _enrol_page(request, user, form, signing_in=True, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def account_security(request: HttpRequest) -> HttpResponse:
    """Your sign-in security: set up an authenticator app, or see that it is on."""
    user = request.user
    if not isinstance(user, User):  # login_required: never, but say so rather than assume
        raise PermissionDenied
    if security.mfa_enrolled(user):
        context = {
            "row": security.security_of(user),
            "codes_left": security.recovery_codes_left(user),
            "required": settings.MASH_MFA_REQUIRED,
        }
        return render(request, "accounts/security.html", context)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = _enrolled(request, user, form)
        if codes is not None:
            request.session.pop(ENROL_KEY, None)
            request.session[MFA_DONE] = True
            return _codes_page(request, codes, reverse(home_for(user)))
    status = 400 if request.method == "POST" else 200
    return _enrol_page(request, user, form, signing_in=False, status=status)


class ChangePasswordForm(PasswordChangeForm):
    """Django's form, in plain English (NCSC: long passwords, no composition rules)."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        # Error messages about passwords, not passwords (bandit B105).
        "password_incorrect": "Your current password is not right. Enter it again.",  # nosec B105
        "password_mismatch": "The two new passwords are different. Enter the same one twice.",  # nosec B105
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {
            "old_password": ("Current password", "Enter your current password."),
            "new_password1": ("New password", "Enter a new password."),
            "new_password2": ("New password again", "Enter the new password again."),
        }
        for name, (label, required) in labels.items():
            self.fields[name].label = label
            self.fields[name].error_messages["required"] = required
        self.fields["new_password1"].help_text = (
            "At least 12 characters. A long password made of three or more random words is "
            "easy to remember and hard to guess. You do not need symbols or numbers."
        )
        self.fields["new_password2"].help_text = ""


@login_required
@require_http_methods(["GET", "POST"])
def change_password(request: HttpRequest) -> HttpResponse:
    """Change your own password; you stay signed in on this device."""
    form = ChangePasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        audit.record(actor=user, action="account.password_changed", subject=user)
        from django.contrib import messages

        messages.success(request, "Your password has been changed.")
        return redirect("accounts:security")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/password.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def session_status(request: HttpRequest) -> JsonResponse:
    """For the timeout warning: GET says how long is left (and does not count as activity);
    POST ("Stay signed in") resets the clock."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False, "remaining": 0})
    last = request.session.get(LAST_SEEN, time.time())
    remaining = max(0, int(idle_seconds() - (time.time() - last)))
    return JsonResponse({"signed_in": True, "remaining": remaining})


@login_required
@require_http_methods(["GET", "POST"])
def resume(request: HttpRequest) -> HttpResponse:
    """You were signed out before your changes were saved: send them again, or discard."""
    kept = kept_for(request)
    if kept is None:
        return redirect(home_for(request.user))
    if request.method == "POST":
        del request.session[KEPT]
        return redirect(home_for(request.user))
    return render(request, "accounts/resume.html", {"kept": kept})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out (POST only, so a link cannot sign someone out)."""
    if request.user.is_authenticated:
        audit.record(actor=request.user, action="account.signed_out")
    logout(request)
    return redirect("accounts:sign-in")


def admin_sign_in(request: HttpRequest) -> HttpResponse:
    """The admin's own sign-in page would skip lockout and the code step: use ours."""
    next_url = request.GET.get("next", reverse("admin:index"))
    return redirect(f"{reverse('accounts:sign-in')}?{urlencode({'next': next_url})}")


def home_for(user: object) -> str:
    """Where a user starts: a partner officer at its agency's requests, MASH staff at the
    queue (CO-4: a partner never lands on the whole front door)."""
    partner = getattr(user, "is_partner", lambda: False)()
    staff = getattr(user, "is_mash_staff", lambda: False)()
    if not staff and getattr(user, "is_system_administrator", lambda: False)():
        return "admin:index"  # ADR 0012: no child's record, so not the queue
    return "partner:workspace" if partner and not staff else "contacts:queue"


def home(request: HttpRequest) -> HttpResponse:
    """The service's front page: sends each user to where they start."""
    return redirect(home_for(request.user))
