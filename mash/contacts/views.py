"""Staff pages for contacts: the queue, recording, the contact record and each workflow step.

Views are thin: they read through selectors (audited), write through services, and turn an
`ApplicationError` into a form error with the user's input kept (HTTP 400).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from mash.audit import services as audit
from mash.contacts import permissions, selectors, services
from mash.contacts.clocks import MET_WHEN, profile_of
from mash.contacts.forms import (
    NO_TEAM,
    AdultFormSet,
    ChildFormSet,
    ContactForm,
    DecisionForm,
    NoteForm,
    RecommendationForm,
    ReturnForm,
    ScreeningForm,
    WrittenConfirmationForm,
    add_row,
    suppress_errors,
)
from mash.contacts.models import Contact, ContactPerson, Screening, WrittenConfirmation
from mash.contacts.next_steps import next_steps, nothing_to_do
from mash.core import locking
from mash.core.errors import ApplicationError, Conflict, InvalidInput, NotPermitted
from mash.disputes.permissions import can_raise_dispute
from mash.disputes.selectors import binding_outcome
from mash.disputes.services import DISPUTABLE
from mash.letters import selectors as letter_selectors
from mash.letters import services as letter_services
from mash.letters.languages import language_name
from mash.matching.forms import MatchSearchForm
from mash.matching.selectors import match_people
from mash.matching.services import household_names, record_for_contact_person
from mash.meetings import permissions as meeting_permissions
from mash.meetings.selectors import emergency_actions_awaiting_strategy, strategy_discussions
from mash.people.selectors import people_visible_to
from mash.routing import selectors as routing_selectors
from mash.routing import services as routing_services
from mash.sharing.selectors import contacts_with_heightened_concern, mais_rows


def refuse_unless(request: HttpRequest, allowed: bool, what: str) -> None:
    """403 for a signed-in user whose role may not open a page; the refusal is audited
    (access.refused) so that a system administrator's or partner's attempt shows (CO-4)."""
    if not allowed:
        audit.record_refusal(actor=request.user, what=what)
        raise PermissionDenied


def mash_staff_contact(request: HttpRequest, pk: uuid.UUID, what: str) -> Contact:
    """The contact for a page only MASH staff open (the history check, the agencies' answers).

    A missing coordinator or DCT worker who sees the contact gets 403, audited: the person
    records and what the agencies shared are the MASH's (CO-4, ADR 0012). Anyone who may not
    know the contact exists gets the usual 404, audited."""
    user = request.user
    if user.is_mash_staff():  # type: ignore[union-attr]
        return selectors.access_contact(user, pk)
    if not Contact.objects.visible_to(user).filter(pk=pk).exists():
        selectors.access_contact(user, pk)  # raises Http404, audited
    audit.record_refusal(actor=user, what=what, contact_id=pk)
    raise PermissionDenied


def _case_reader(request: HttpRequest) -> None:
    """MASH staff, and the narrower roles that see the contacts they have a part in."""
    refuse_unless(request, request.user.sees_case_records(), "contact queue")  # type: ignore[union-attr]


def apply_error(form: forms.Form, error: ApplicationError, *, fallback: Any = ()) -> None:
    """Put a service's error on the field it names, on the formset (one of `fallback`, a
    formset or several) whose prefix it names, or on the whole form; every problem when
    several rules refused the input, each message once."""
    formsets = fallback if isinstance(fallback, (list, tuple)) else [fallback]
    problems = error.problems if isinstance(error, InvalidInput) else [error]
    for problem in problems:
        _apply_one(form, problem, formsets)
    # The rules that refused it, for the error summary's "why" (rule, summary, source).
    refused = [*getattr(form, "refused_rules", []), *(r for p in problems for r in p.rule_ids)]
    form.refused_rules = list(dict.fromkeys(refused))  # type: ignore[attr-defined]


def _apply_one(form: forms.Form, error: ApplicationError, formsets: Any) -> None:
    if error.field and error.field in form.fields:
        if error.message not in form.errors.get(error.field, []):
            form.add_error(error.field, error.message)
        return
    for formset in formsets:
        if error.field == formset.prefix:
            messages_so_far = list(formset.non_form_errors())
            if error.message not in messages_so_far:
                formset._non_form_errors = formset.error_class([*messages_so_far, error.message])
            return
    if error.message not in form.non_field_errors():
        form.add_error(None, error.message)


# --------------------------------------------------------------------------- queue

QUEUE_PAGE_SIZE = 50


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """What is due first, with RAG tags; overdue items unmistakable."""
    _case_reader(request)
    status = request.GET.get("status", "")
    rag = request.GET.get("rag", "")
    overdue_only = request.GET.get("overdue") == "1"
    cp_only = request.GET.get("cp") == "1"
    if status not in Contact.Status.values:
        status = ""
    if rag not in Screening.Rag.values:
        rag = ""
    found = selectors.queue(
        request.user,
        status=status,
        rag=rag,
        overdue_only=overdue_only,
        child_protection_only=cp_only,
    )
    page = Paginator(found, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(
        actor=request.user,
        action="queue.viewed",
        data={
            "status": status,
            "rag": rag,
            "overdue": overdue_only,
            "child_protection": cp_only,
            "page": page.number,
            "contacts": [c.reference for c in page],  # who was listed (ADR 0010)
        },
    )
    now = timezone.now()
    rows = [{"contact": c, "clocks": selectors.clock_views(c, now)} for c in page]
    return render(
        request,
        "contacts/queue.html",
        {
            "rows": rows,
            "page": page,
            "pagination": govuk_pagination(request, page),
            "now": now,
            "status": status,
            "rag": rag,
            "overdue_only": overdue_only,
            "cp_only": cp_only,
            "cp_awaiting_screening": (
                selectors.child_protection_awaiting_screening(request.user)
                if permissions.can_screen(request.user)
                else 0
            ),
            "heightened_concern": (
                contacts_with_heightened_concern(request.user)
                if permissions.can_screen(request.user)
                else 0
            ),
            "statuses": Contact.Status.choices,
            "rags": Screening.Rag.choices,
            "can_record": permissions.can_record_contact(request.user),
        },
    )


def govuk_pagination(request: HttpRequest, page: Page) -> dict[str, Any] | None:
    """GOV.UK pagination parameters, keeping the filters in every link."""
    if page.paginator.num_pages < 2:
        return None

    def href(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return f"?{query.urlencode()}"

    return {
        "previous": {"href": href(page.number - 1)} if page.has_previous() else None,
        "next": {"href": href(page.number + 1)} if page.has_next() else None,
        "items": [
            {"number": n, "href": href(n), "current": n == page.number}
            for n in page.paginator.page_range
        ],
    }


# --------------------------------------------------------------------------- record


@login_required
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest) -> HttpResponse:
    """Record a contact: a call, a written referral, an email (IN-2 … IN-12)."""
    if not permissions.can_record_contact(request.user):
        raise PermissionDenied
    if request.method == "GET":
        now = timezone.localtime()
        form = ContactForm(
            initial={
                "received_date": now.date(),
                "received_time": now.time().replace(second=0, microsecond=0),
            }
        )
        return _record_page(
            request, form, ChildFormSet(prefix="children"), AdultFormSet(prefix="adults")
        )
    for prefix in ("children", "adults"):
        if f"add_{prefix}" in request.POST:
            data = add_row(request.POST, prefix)
            form = ContactForm(data)
            children, adults = (
                ChildFormSet(data, prefix="children"),
                AdultFormSet(data, prefix="adults"),
            )
            for each in (form, children, adults):
                suppress_errors(each)
            return _record_page(request, form, children, adults)
    form = ContactForm(request.POST)
    children = ChildFormSet(request.POST, prefix="children")
    adults = AdultFormSet(request.POST, prefix="adults")
    if not all_valid(form, children, adults):
        pre_check_intake(form, children, adults)
    else:
        try:
            contact = services.record_contact(
                by=request.user, people=people_given(children, adults), **form.contact_details()
            )
        except ApplicationError as error:
            apply_error(form, error, fallback=children)
        else:
            messages.success(request, f"Contact {contact.reference} recorded.")
            return redirect("contacts:detail", pk=contact.pk)
    return _record_page(request, form, children, adults, status=400)


def all_valid(*forms_: Any) -> bool:
    """Validate every form (not stopping at the first) so all errors show at once."""
    results = [each.is_valid() for each in forms_]  # a list: every form must be validated
    return all(results)


def people_given(children: Any, adults: Any) -> list[services.PersonDetails]:
    """The children and adults someone typed something about (empty rows left out)."""
    return [f.details() for f in [*children.forms, *adults.forms] if f.has_changed()]


# Domain rules checked even while field errors remain, so the user sees every problem at once.
_PRE_CHECKED = {"children", "referrer_name", "parents_not_informed_reason"}


def pre_check_intake(form: Any, children: Any, adults: Any) -> None:
    """Add the intake's domain problems to a form that already has field errors."""
    details = {k: v for k, v in form.cleaned_data.items() if k in services.CONTACT_FIELDS}
    problems = services.intake_problems(details, people_given(children, adults))
    for problem in problems:
        if problem.field in _PRE_CHECKED and not form.errors.get(problem.field):
            apply_error(form, problem, fallback=children)


def _record_page(
    request: HttpRequest, form: Any, children: Any, adults: Any, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "contacts/record.html",
        {"form": form, "children": children, "adults": adults},
        status=status,
    )


# --------------------------------------------------------------------------- the contact record


@login_required
def detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The contact record: people and their history check, clocks, screening, decision, timeline."""
    contact = selectors.access_contact(request.user, pk)
    user = request.user
    children = list(contact.children().select_related("person"))
    clocks = selectors.clock_views(contact)
    open_clocks = [view.clock for view in clocks if view.clock.is_open]
    steps = next_steps(contact, user, children, open_clocks)
    return render(
        request,
        "contacts/detail.html",
        {
            "contact": contact,
            "profile": profile_of(contact),
            "children": children,
            "adults": list(contact.adults().select_related("person")),
            "clocks": clocks,
            "met_when": MET_WHEN,
            "next_steps": steps,
            "nothing_to_do": "" if steps else nothing_to_do(contact, open_clocks),
            "screening": getattr(contact, "screening", None),
            "recommendations": list(contact.recommendations.select_related("recommended_by")),
            "decision": getattr(contact, "decision", None),
            "transitions": list(contact.transitions.select_related("by")),
            "activity": selectors.contact_activity(contact),
            "letter_rows": letter_selectors.rows(user, contact),  # OU-3, OU-4
            "language_name": language_name,  # FA-1
            "routing": routing_selectors.panel(contact, user),
            "written_confirmation": selectors.written_confirmation_panel(contact, user),
            # SC-4 checks are refused on a closed contact (services._require_open).
            # The person records and the agencies' answers are the MASH's (ADR 0012).
            "sees_mash_records": user.is_mash_staff(),  # type: ignore[union-attr]
            "can_check_history": permissions.can_check_history(user)
            and contact.status != Contact.Status.CLOSED,
            **_multi_agency(contact, user),
        },
    )


def _multi_agency(contact: Contact, user: Any) -> dict[str, Any]:
    """Information sharing, meetings, emergency action and disputes on the contact page."""
    is_open = contact.status != Contact.Status.CLOSED
    can_meet = meeting_permissions.can_record_meeting(user) and is_open
    disputes = list(contact.disputes.select_related("raised_by_agency").order_by("raised_at"))
    return {
        "sharing_rows": mais_rows(contact),
        "emergency_actions": list(contact.emergency_actions.select_related("agency")),
        "awaiting_strategy": emergency_actions_awaiting_strategy(contact),
        "strategy": strategy_discussions(contact),
        "disputes": disputes,
        "can_record_emergency": can_meet,
        "can_record_strategy": can_meet,
        "can_raise_dispute": can_raise_dispute(user, set())
        and contact.status in DISPUTABLE
        and not any(d.is_open for d in disputes),
    }


@login_required
@require_http_methods(["GET", "POST"])
def check_history(request: HttpRequest, pk: uuid.UUID, person_pk: uuid.UUID) -> HttpResponse:
    """SC-4: find the person on the social-care database, then link them or confirm new."""
    contact = mash_staff_contact(request, pk, "history check")
    contact_person = get_object_or_404(ContactPerson, pk=person_pk, contact=contact)
    if request.method == "POST":
        return _record_history_choice(request, contact, contact_person)
    # First everything the referrer gave; "Search again" lets the worker try other spellings,
    # a partial date or none, because a wrong date of birth must not hide the child (SC-4).
    household = household_names(contact.people.all(), excluding=contact_person)
    searching_again = "given_names" in request.GET
    form = MatchSearchForm(
        request.GET if searching_again else None, initial=_initial(contact_person)
    )
    weak = request.GET.get("weak") == "1"
    if searching_again and not form.is_valid():
        candidates, status = [], 400
    else:
        record = (
            form.record(household)
            if searching_again
            else record_for_contact_person(contact_person, household)
        )
        candidates = match_people(
            request.user,
            record,
            purpose=f"History check for {contact.reference}",
            contact_id=contact.pk,
            include_weak=weak,
        )
        status = 200
    return render(
        request,
        "contacts/check_history.html",
        {
            "contact": contact,
            "contact_person": contact_person,
            "candidates": candidates,
            "form": form,
            "searching_again": searching_again,
            "weak": weak,
            "can_check": permissions.can_check_history(request.user),
        },
        status=status,
    )


def _initial(contact_person: ContactPerson) -> dict[str, Any]:
    return {
        "given_names": contact_person.given_names,
        "family_name": contact_person.family_name,
        "date_of_birth": contact_person.date_of_birth,
        "postcode": contact_person.postcode,
        "nhs_number": contact_person.nhs_number,
    }


def _record_history_choice(
    request: HttpRequest, contact: Contact, contact_person: ContactPerson
) -> HttpResponse:
    seen = locking.parse_version(request.POST.get(VERSION_FIELD))
    try:
        if request.POST.get("choice") == "new":
            with locking.expecting(contact, seen, by=request.user):
                services.confirm_new_person(contact_person, by=request.user)
            messages.success(request, f"{contact_person.full_name} recorded as new to the service.")
        else:
            person = get_object_or_404(
                people_visible_to(request.user), pk=request.POST.get("person")
            )
            with locking.expecting(contact, seen, by=request.user):
                services.link_person(contact_person, person=person, by=request.user)
            messages.success(
                request, f"{contact_person.full_name} linked to {person.full_name}'s record."
            )
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("contacts:detail", pk=contact.pk)


# --------------------------------------------------------------------------- workflow steps


def _outcomes(contact: Contact) -> dict[str, Any]:
    return {"outcomes": [(o.code, o.label) for o in profile_of(contact).outcomes]}


def _levels(contact: Contact) -> dict[str, Any]:
    model = profile_of(contact).threshold_model
    return {"levels": [(lvl.code, f"{lvl.label}: {lvl.description}") for lvl in model.levels]}


def _note(label: str, hint: str, *, required: bool = True) -> Callable[[Contact], dict[str, Any]]:
    return lambda contact: {"label": label, "hint": hint, "required": required}


@dataclass(frozen=True)
class Step:
    """One workflow page: who may use it, its form, the one service call it makes, its words."""

    allowed: Callable[[Any], bool]
    form_class: Callable[..., forms.Form]
    act: Callable[[Contact, Any, dict[str, Any]], object]  # (contact, user, cleaned data)
    done: str
    title: str = ""
    rules: str = ""
    button: str = ""
    template: str = "contacts/step.html"
    form_kwargs: Callable[[Contact], dict[str, Any]] = lambda contact: {}
    user_form_kwargs: Callable[[Any], dict[str, Any]] = lambda user: {}
    page_context: Callable[[Contact], dict[str, Any]] = lambda contact: {}
    success: str = "contacts:detail"
    files: bool = False  # the form takes an upload (the written confirmation, IN-7)


def run_step(request: HttpRequest, pk: uuid.UUID, step: Step) -> HttpResponse:
    """A form, a service call, and back to the contact on success; errors keep the input."""
    if not step.allowed(request.user):
        # Refused by role: audited as a refusal, not as a read of a page never shown. Someone
        # who may not know the contact exists gets the same 404 (and refusal) as elsewhere.
        found = Contact.objects.visible_to(request.user).filter(pk=pk).first()
        if found is None:
            selectors.access_contact(request.user, pk)  # raises Http404, audited
        audit.record_refusal(actor=request.user, what="contact step", contact_id=pk, subject=found)
        raise PermissionDenied
    contact = selectors.access_contact(request.user, pk)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if data is not None and step.files else None
    form = _step_form(step, contact, request.user, data, files)
    status = 200
    changes: list[locking.Change] = []
    if request.method == "POST":
        status = 400
        if form.is_valid():
            seen = locking.parse_version(form.cleaned_data.get(VERSION_FIELD))
            given = {k: v for k, v in form.cleaned_data.items() if k != VERSION_FIELD}
            try:
                with locking.expecting(contact, seen, by=request.user):
                    step.act(contact, request.user, given)
            except NotPermitted as error:
                form.add_error(None, error.message)
                status = 403
            except locking.StaleVersion as error:
                # Changed since the page was rendered: show what changed, keep what was typed,
                # and carry the new version so that sending it again is a deliberate choice.
                status = 409
                contact.refresh_from_db()
                form = _step_form(
                    step, contact, request.user, rebased(request.POST, contact), files
                )
                form.is_valid()
                apply_error(form, error)
                changes = locking.latest_changes(contact.pk, by=request.user)
            except ApplicationError as error:
                # A colleague acted first: 409, their change stands and the input is kept.
                status = 409 if isinstance(error, Conflict) else 400
                apply_error(form, error)
                if isinstance(error, Conflict):
                    changes = locking.latest_changes(contact.pk, by=request.user)
            else:
                messages.success(request, step.done.format(reference=contact.reference))
                return redirect(step.success, pk=contact.pk)
    context = {
        "contact": contact,
        "form": form,
        "title": step.title,
        "rules": step.rules,
        "button": step.button,
        "changes": changes,
        **step.page_context(contact),
    }
    return render(request, step.template, context, status=status)


# The hidden field every step form carries: the contact's version when the page was rendered.
VERSION_FIELD = "version"


def _step_form(step: Step, contact: Contact, user: Any, data: Any, files: Any = None) -> forms.Form:
    kwargs = {**step.form_kwargs(contact), **step.user_form_kwargs(user)}
    form = (
        step.form_class(data, files, **kwargs)
        if files is not None
        else step.form_class(data, **kwargs)
    )
    add_version_field(form, contact.version)
    return form


def add_version_field(form: forms.Form, version: int) -> None:
    """The record's version, sent back with the form (optimistic locking, ADR 0016)."""
    form.fields[VERSION_FIELD] = forms.CharField(
        widget=forms.HiddenInput, required=False, initial=version
    )


def rebased(data: Any, record: Any) -> Any:
    """A copy of the posted data carrying the record's current version."""
    copy = data.copy()
    copy[VERSION_FIELD] = str(record.version)
    return copy


def step_view(step: Step) -> Callable[..., HttpResponse]:
    """A view for `step` (signed in, GET and POST only)."""

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
        return run_step(request, pk, step)

    return view


def _decide(contact: Contact, user: Any, d: dict[str, Any]) -> object:
    return services.decide(
        contact,
        by=user,
        agrees=d["agrees"] == "yes",
        outcome=d["outcome"],
        rationale=d["rationale"],
        signposting=d["signposting"],
        team=d["team"],
        hold_parent_letters=d.get("hold_parent_letters", False),
        hold_reason=d.get("hold_reason", ""),
    )


def _decision_kwargs(contact: Contact) -> dict[str, Any]:
    """Outcomes and teams from the profile; the team pre-chosen for the recommended outcome."""
    recommendation = contact.recommendations.order_by("-recommended_at").first()
    outcome = binding_outcome(contact) or (recommendation.outcome if recommendation else "")
    suggested = services.suggested_team(contact, outcome) if outcome else ""
    teams = [(t.code, t.name) for t in profile_of(contact).teams]
    return {**_outcomes(contact), "teams": teams, "initial": {"team": suggested or NO_TEAM}}


screen = step_view(
    Step(
        allowed=permissions.can_screen,
        form_class=ScreeningForm,
        form_kwargs=_levels,
        act=lambda c, user, d: services.screen_contact(c, by=user, **d),
        done="{reference} screened.",
        template="contacts/screen.html",
        page_context=lambda c: {
            "profile": profile_of(c),
            "required": routing_services.information_sharing_required(c),
        },
    )
)
recommend = step_view(
    Step(
        allowed=permissions.can_recommend,
        form_class=RecommendationForm,
        form_kwargs=_outcomes,
        act=lambda c, user, d: services.recommend_outcome(c, by=user, **d),
        done="Recommendation recorded on {reference}. A manager will decide.",
        title="Recommend an outcome",
        rules="MA-6, OU-1",
        button="Send to manager",
    )
)
decide = step_view(
    Step(
        allowed=permissions.can_decide,
        form_class=DecisionForm,
        form_kwargs=_decision_kwargs,
        act=_decide,
        done="Decision recorded on {reference}.",
        template="contacts/decide.html",
        page_context=lambda c: {
            "recommendation": c.recommendations.order_by("-recommended_at").first(),
            "profile": profile_of(c),
            "letters_held_because": letter_services.co1_reason(c),  # CO-1
            "parents_written_to": letter_services.parents(c),  # OU-4
        },
    )
)
send_back = step_view(
    Step(
        allowed=permissions.can_decide,
        form_class=ReturnForm,
        act=lambda c, user, d: services.return_contact(c, by=user, **d),
        done="{reference} sent back.",
        title="Send back without a decision",
        rules="MA-6",
        button="Send back",
    )
)
close = step_view(
    Step(
        allowed=permissions.can_close,
        form_class=NoteForm,
        form_kwargs=_note(
            "Note for the record (optional)",
            "Anything the receiving team should know.",
            required=False,
        ),
        act=lambda c, user, d: services.close_contact(c, by=user, **d),
        done="{reference} closed.",
        title="Close the contact",
        rules="OU-3",
        button="Close contact",
    )
)
acknowledge = step_view(
    Step(
        allowed=permissions.can_record_follow_up,
        form_class=NoteForm,
        form_kwargs=_note(
            "How and when was the acknowledgement sent?",
            "For example: phoned the referrer at 2pm, or emailed the reference.",
        ),
        act=lambda c, user, d: services.record_acknowledgement(c, by=user, **d),
        done="Acknowledgement recorded on {reference}.",
        title="Record the acknowledgement to the referrer",
        rules="IN-8, TS-5",
        button="Record acknowledgement",
    )
)


def _now_initial(contact: Contact) -> dict[str, Any]:
    now = timezone.localtime()
    return {
        "initial": {
            "arrived_date": now.date(),
            "arrived_time": now.time().replace(second=0, microsecond=0),
        }
    }


def _record_confirmation(contact: Contact, user: Any, d: dict[str, Any]) -> object:
    arguments = {
        "note": d.get("note", ""),
        "arrived_at": d.get("arrived_at"),
        "how": d.get("how", ""),
        "text": d.get("text", ""),
        "attachment": d.get("file"),
    }
    return services.record_written_confirmation(contact, by=user, **arguments)


written_confirmation = step_view(
    Step(
        allowed=permissions.can_record_follow_up,
        form_class=WrittenConfirmationForm,
        form_kwargs=_now_initial,
        act=_record_confirmation,
        done="Written confirmation recorded on {reference}.",
        title="Record the referrer's written confirmation",
        rules="IN-7, TS-4",
        button="Record written confirmation",
        template="contacts/written_confirmation.html",
        files=True,
    )
)


@login_required
@require_http_methods(["GET"])
def written_confirmation_file(
    request: HttpRequest, pk: uuid.UUID, confirmation_pk: uuid.UUID
) -> HttpResponse:
    """Download the file a referrer sent (IN-7): MASH staff only, each download audited."""
    contact = mash_staff_contact(request, pk, "written confirmation")
    confirmation = get_object_or_404(
        WrittenConfirmation, pk=confirmation_pk, contact=contact, file_name__gt=""
    )
    audit.record(
        actor=request.user,
        action="contact.written_confirmation_viewed",
        contact_id=contact.pk,
        subject=confirmation,
        rule_ids=["IN-7", "CO-4"],
        data={"file": confirmation.file_name, "sha256": confirmation.sha256},
    )
    response = HttpResponse(bytes(confirmation.data), content_type=confirmation.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=confirmation.file_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
