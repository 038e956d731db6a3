"""The public 'Request for Help or Support' forms: no sign-in, a reference at the end (IN-1, IN-2).

The public short form is for members of the public and out-of-hours professionals whose matter
is not immediate; the professional form is the full multi-agency referral form (every IN-5
field). Both record through the same service as staff, so the same rules and clocks apply.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from mash.contacts import services
from mash.contacts.forms import (
    AdultFormSet,
    ChildFormSet,
    PublicRequestForm,
    add_row,
    suppress_errors,
)
from mash.contacts.models import Contact
from mash.contacts.views import all_valid, apply_error, people_given, pre_check_intake
from mash.core.errors import ApplicationError
from mash.policy.profiles import active_profile
from mash.workdays.clocks import describe_duration

_SESSION_KEY = "public_reference"
_THROTTLED = (
    "This connection has sent a lot of requests in the last hour, so this one was not sent. "
    "Nothing you typed has been lost. Please phone the MASH instead, or call 999 if a child "
    "is in immediate danger."
)


def _too_many_submissions(request: HttpRequest) -> bool:
    """A simple per-address limit on the public forms, against floods, not against people.

    Counted in the cache (per process with the default cache; a shared cache in production
    makes it per deployment). Set PUBLIC_FORM_LIMIT_PER_HOUR=0 to switch it off.
    """
    limit = settings.PUBLIC_FORM_LIMIT_PER_HOUR
    if not limit:
        return False
    key = f"public-form:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=60 * 60)
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr
        return False


def _public_context() -> dict[str, Any]:
    profile = active_profile()
    decision = profile.clock("TS-1")
    return {
        "profile": profile,
        "decision_within": describe_duration(decision) if decision else "one working day",
    }


def start(request: HttpRequest) -> HttpResponse:
    """What the forms are for, and who to call instead when a child is in danger now."""
    return render(request, "public/start.html", _public_context())


@require_http_methods(["GET", "POST"])
def request_form(request: HttpRequest) -> HttpResponse:
    """Members of the public (or a professional out of hours): the short form."""
    return _form(request, professional=False, channel=Contact.Channel.ONLINE_FORM)


@require_http_methods(["GET", "POST"])
def professional_form(request: HttpRequest) -> HttpResponse:
    """Practitioners: the full multi-agency referral form (IN-5)."""
    return _form(request, professional=True, channel=Contact.Channel.WRITTEN_REFERRAL)


def _form(request: HttpRequest, *, professional: bool, channel: str) -> HttpResponse:
    template = "public/professional_form.html" if professional else "public/request_form.html"
    if request.method == "GET":
        return _page(
            request,
            template,
            PublicRequestForm(),
            ChildFormSet(prefix="children"),
            AdultFormSet(prefix="adults"),
        )
    for prefix in ("children", "adults"):
        if f"add_{prefix}" in request.POST:
            data = add_row(request.POST, prefix)
            forms_ = (
                PublicRequestForm(data),
                ChildFormSet(data, prefix="children"),
                AdultFormSet(data, prefix="adults"),
            )
            for each in forms_:
                suppress_errors(each)
            return _page(request, template, *forms_)
    form = PublicRequestForm(request.POST)
    children = ChildFormSet(request.POST, prefix="children")
    adults = AdultFormSet(request.POST, prefix="adults")
    if not all_valid(form, children, adults):
        pre_check_intake(form, children, adults)
    else:
        if _too_many_submissions(request):
            form.add_error(None, _THROTTLED)
            return _page(request, template, form, children, adults, status=429)
        try:
            contact = services.record_contact(
                by=None,
                actor_name="Online form",
                people=people_given(children, adults),
                received_at=timezone.now(),
                channel=channel,
                purpose=Contact.Purpose.REQUEST_FOR_SERVICES,
                **form.contact_details(),
            )
        except ApplicationError as error:
            apply_error(form, error, fallback=children)
        else:
            request.session[_SESSION_KEY] = contact.reference
            return redirect("public:sent")
    return _page(request, template, form, children, adults, status=400)


def _page(
    request: HttpRequest, template: str, form: Any, children: Any, adults: Any, status: int = 200
) -> HttpResponse:
    context = {"form": form, "children": children, "adults": adults, **_public_context()}
    return render(request, template, context, status=status)


def sent(request: HttpRequest) -> HttpResponse:
    """The reference, once: kept in the session so references cannot be guessed from URLs."""
    reference = request.session.get(_SESSION_KEY)
    if not reference:
        return redirect("public:start")
    return render(request, "public/sent.html", {"reference": reference, **_public_context()})
