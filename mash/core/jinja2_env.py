"""The Jinja2 environment: GOV.UK Frontend's macros plus the service's globals and filters."""

from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages as django_get_messages
from django.http import HttpRequest
from django.template.backends.utils import csrf_input
from django.templatetags.static import static
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.safestring import SafeString
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader

from mash.core.form_rendering import govuk_form, has_errors
from mash.core.formatting import date_gb, datetime_gb, rag_display, time_gb
from mash.core.navigation import navigation

DEFAULT_SERVICE_NAME = "MASH front door"


def url(name: str, *args: Any, **kwargs: Any) -> str:
    """`reverse()` for templates: `url('contacts:detail', contact.id)`."""
    return reverse(name, args=args or None, kwargs=kwargs or None)


def csrf_field(request: HttpRequest) -> SafeString:
    """The hidden CSRF input, for macros that cannot see the page's `csrf_input` variable."""
    return csrf_input(request)


def get_messages(request: Any) -> list[Any]:
    """The request's flash messages (reading them marks them as shown)."""
    if not isinstance(request, HttpRequest):
        return []
    return list(django_get_messages(request))


def service_name() -> str:
    """settings.MASH_SERVICE_NAME, else the active authority profile's name for the service."""
    configured = getattr(settings, "MASH_SERVICE_NAME", "")
    if configured:
        return configured
    from mash.policy.profiles import active_profile  # imported late: policy builds on core

    return active_profile().service_name or DEFAULT_SERVICE_NAME


def session_timeout(request: Any) -> dict[str, int] | None:
    """For a signed-in page: seconds until the idle sign-out, and how early to warn (ADR 0011);
    None when nobody is signed in or there is no idle limit."""
    user = getattr(request, "user", None)
    idle = int(getattr(settings, "SESSION_IDLE_MINUTES", 0)) * 60
    if not (user and user.is_authenticated and idle):
        return None
    return {"idle": idle, "warning": min(int(settings.SESSION_WARNING_SECONDS), idle)}


def refusal_reasons(*forms: Any) -> list[dict[str, str]]:
    """The rules that refused a form's input, each with its summary and cited source, for the
    error summary (`contacts.views.apply_error` notes them on the form)."""
    from mash.policy.catalogue import cite, sources_of  # imported late: policy builds on core

    ids = [rule for form in forms for rule in getattr(form, "refused_rules", [])]
    return [{**item, "cited": cite(item["source"])} for item in sources_of(ids)]


def can_read_audit_trail(user: Any) -> bool:
    """Whether to link to the audit trail pages (ADR 0010)."""
    from mash.audit.permissions import can_read_audit_trail as allowed  # audit builds on core

    return allowed(user)


def open_alerts(request: Any) -> int | None:
    """The header's count of the user's open deadline alerts (mash.alerts), or None for
    anyone without alerts. Counted once per request, however often the header asks."""
    cached = getattr(request, "_mash_open_alerts", False)
    if cached is not False:
        return cached  # type: ignore[no-any-return]
    from mash.alerts import permissions, selectors

    user = request.user
    staff = callable(getattr(user, "is_mash_staff", None)) and permissions.can_see_alerts(user)
    count = selectors.open_count(user) if staff else None
    request._mash_open_alerts = count
    return count


def environment(**options: Any) -> Environment:
    """Build the environment Django's Jinja2 backend uses (settings TEMPLATES OPTIONS)."""
    # Autoescaping is on whatever the OPTIONS say: every page shows text users typed.
    given = {key: value for key, value in options.items() if key != "autoescape"}
    env = Environment(autoescape=True, **given)
    govuk = PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})
    env.loader = ChoiceLoader([env.loader, govuk] if env.loader else [govuk])
    env.globals.update(
        {
            "static": static,
            "url": url,
            "csrf_field": csrf_field,
            "navigation": navigation,
            "get_messages": get_messages,
            # Lazy so that override_settings in tests is honoured.
            "service_name": lazy(service_name, str)(),
            "govuk_form": govuk_form,
            "has_errors": has_errors,
            "rag_display": rag_display,
            "refusal_reasons": refusal_reasons,
            "session_timeout": session_timeout,
            "can_read_audit_trail": can_read_audit_trail,
            "open_alerts": open_alerts,
        }
    )
    env.filters.update({"date_gb": date_gb, "datetime_gb": datetime_gb, "time_gb": time_gb})
    return env
