"""Staff pages for outcome letters: read one (audited), send again, release, address it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from mash.audit import services as audit
from mash.contacts import permissions, selectors
from mash.contacts.models import Contact
from mash.contacts.views import apply_error
from mash.core.errors import ApplicationError, NotPermitted
from mash.letters import services
from mash.letters.forms import AddressForm, ReasonForm
from mash.letters.models import Letter
from mash.letters.selectors import letters_visible_to, state_in_words


def _letter(request: HttpRequest, pk: uuid.UUID, letter_pk: uuid.UUID) -> tuple[Contact, Letter]:
    contact = selectors.access_contact(request.user, pk)
    letter = letters_visible_to(request.user, contact).filter(pk=letter_pk).first()
    if letter is None:
        raise Http404
    return contact, letter


def _allowed(request: HttpRequest, pk: uuid.UUID, allowed: Callable[[Any], bool]) -> None:
    """Refused by role: 403 (audited) to someone who may see the contact, 404 otherwise."""
    if allowed(request.user):
        return
    found = Contact.objects.visible_to(request.user).filter(pk=pk).first()
    if found is None:
        selectors.access_contact(request.user, pk)  # raises Http404, audited
    audit.record_refusal(actor=request.user, what="letter", contact_id=pk, subject=found)
    raise PermissionDenied


@login_required
@require_GET
def pdf(request: HttpRequest, pk: uuid.UUID, letter_pk: uuid.UUID) -> HttpResponse:
    """The PDF exactly as it was written and posted (OU-4); reading it is audited."""
    _, letter = _letter(request, pk, letter_pk)
    services.record_view(letter, by=request.user, what="pdf")
    stored = Letter.objects.values_list("pdf", flat=True).get(pk=letter.pk)
    response = HttpResponse(bytes(stored), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="letter-{letter.pk}.pdf"'
    # A child's letter: never kept by a shared browser or proxy cache, never sniffed.
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def text(request: HttpRequest, pk: uuid.UUID, letter_pk: uuid.UUID) -> HttpResponse:
    """The letter's words, for reading on screen and with a screen reader (OU-4)."""
    contact, letter = _letter(request, pk, letter_pk)
    services.record_view(letter, by=request.user, what="text")
    return render(
        request,
        "letters/text.html",
        {"contact": contact, "letter": letter, "state": state_in_words(letter)},
    )


def _action(
    request: HttpRequest,
    pk: uuid.UUID,
    letter_pk: uuid.UUID,
    *,
    allowed: Callable[[Any], bool],
    form_class: Callable[..., forms.Form],
    act: Callable[[Letter, Any, forms.Form], object],
    title: str,
    button: str,
    done: str,
    rules: str,
) -> HttpResponse:
    _allowed(request, pk, allowed)
    contact, letter = _letter(request, pk, letter_pk)
    form = form_class(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                act(letter, request.user, form)
            except NotPermitted as error:
                form.add_error(None, error.message)
                status = 403
            except ApplicationError as error:
                apply_error(form, error)
            else:
                messages.success(request, done)
                return redirect("contacts:detail", pk=contact.pk)
    context = {
        "contact": contact,
        "letter": letter,
        "form": form,
        "title": title,
        "button": button,
        "rules": rules,
        "state": state_in_words(letter),
    }
    return render(request, "letters/action.html", context, status=status)


def _reason_form(label: str, hint: str, *, required: bool) -> Callable[..., forms.Form]:
    return lambda data: ReasonForm(data, label=label, hint=hint, required=required)


@login_required
@require_http_methods(["GET", "POST"])
def send_again(request: HttpRequest, pk: uuid.UUID, letter_pk: uuid.UUID) -> HttpResponse:
    return _action(
        request,
        pk,
        letter_pk,
        allowed=permissions.can_record_follow_up,
        form_class=_reason_form(
            "Why is it being sent again? (optional)",
            "For example, the family says it did not arrive.",
            required=False,
        ),
        act=lambda x, user, f: services.send_again(x, by=user, reason=f.cleaned_data["reason"]),
        title="Send the letter again",
        button="Send again",
        done="The letter will be sent again.",
        rules="OU-4",
    )


@login_required
@require_http_methods(["GET", "POST"])
def release(request: HttpRequest, pk: uuid.UUID, letter_pk: uuid.UUID) -> HttpResponse:
    return _action(
        request,
        pk,
        letter_pk,
        allowed=permissions.can_decide,
        form_class=_reason_form(
            "Why can the parent be told now?",
            "The letter was held because telling the parent could increase the risk to the "
            "child (CO-1). Record why that is no longer so.",
            required=True,
        ),
        act=lambda x, user, f: services.release(x, by=user, reason=f.cleaned_data["reason"]),
        title="Release the held letter",
        button="Release and send",
        done="The letter has been released.",
        rules="CO-1, OU-4",
    )


@login_required
@require_http_methods(["GET", "POST"])
def address(request: HttpRequest, pk: uuid.UUID, letter_pk: uuid.UUID) -> HttpResponse:
    return _action(
        request,
        pk,
        letter_pk,
        allowed=permissions.can_record_follow_up,
        form_class=AddressForm,
        act=_add_address,
        title="Add the address and send",
        button="Add the address and send",
        done="The letter has been addressed and will be posted.",
        rules="OU-4",
    )


def _add_address(letter: Letter, user: Any, form: forms.Form) -> object:
    lines = [form.cleaned_data.get(f"line_{i}", "") for i in range(1, 6)]
    return services.add_address(
        letter, by=user, lines=lines, postcode=form.cleaned_data["postcode"]
    )
