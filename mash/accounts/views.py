"""Signing in and out (audited)."""

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from mash.audit import services as audit


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


_LOCKED_OUT = (
    "There have been too many failed sign-ins for this username. Wait 15 minutes and try "
    "again, or ask your system administrator to reset your password."
)
_FAILURE_WINDOW = 15 * 60


def _failures_key(request: HttpRequest) -> str:
    username = request.POST.get("username", "").strip().lower()
    return f"sign-in-failures:{username}:{request.META.get('REMOTE_ADDR', '')}"


def _locked_out(request: HttpRequest) -> bool:
    limit = settings.SIGN_IN_FAILURE_LIMIT
    return bool(limit) and cache.get(_failures_key(request), 0) >= limit


def _count_failure(request: HttpRequest) -> None:
    key = _failures_key(request)
    cache.add(key, 0, timeout=_FAILURE_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=_FAILURE_WINDOW)


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Username and password; the next page is kept when it is on this site.

    Repeated failures for one username from one address are refused for 15 minutes, without
    checking the password, so guessing is slow (NCSC password guidance: throttle, not expire).
    """
    form = SignInForm(request, data=request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if request.method == "POST" and _locked_out(request):
        # Bound to the username only (never the password), with the refusal as its one error.
        form = SignInForm(request, data={"username": request.POST.get("username", "")})
        form._errors = ErrorDict({"username": form.error_class([_LOCKED_OUT])})  # type: ignore[attr-defined]
        form.cleaned_data = {}
        return render(
            request, "accounts/sign_in.html", {"form": form, "next": next_url}, status=429
        )
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        login(request, user)
        audit.record(actor=user, action="account.signed_in")
        if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
            return redirect(next_url)
        return redirect(home_for(user))
    if request.method == "POST":
        _count_failure(request)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/sign_in.html", {"form": form, "next": next_url}, status=status)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out (POST only, so a link cannot sign someone out)."""
    if request.user.is_authenticated:
        audit.record(actor=request.user, action="account.signed_out")
    logout(request)
    return redirect("accounts:sign-in")


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
