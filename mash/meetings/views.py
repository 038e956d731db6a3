"""Meeting pages: MASH meetings and their copies for the agencies (MA-7), strategy
discussions (OU-2) and emergency action (OU-5). Thin: read through selectors, write through
services, keep what was typed when something is wrong."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from mash.audit import services as audit
from mash.contacts import selectors as contact_selectors
from mash.contacts.clocks import profile_of
from mash.contacts.forms import add_row, suppress_errors
from mash.contacts.models import Contact
from mash.contacts.views import all_valid, apply_error
from mash.core.errors import ApplicationError, Conflict, NotPermitted
from mash.meetings import permissions, selectors, services
from mash.meetings.forms import (
    ActionFormSet,
    AttendeeFormSet,
    EmergencyActionForm,
    MashMeetingForm,
    MeetingCaseForm,
    StrategyForm,
    actions_given,
    attendees_given,
)
from mash.meetings.models import MashMeeting, StrategyAction
from mash.policy.profiles import AgencyKind, active_profile


def _status_of(error: ApplicationError) -> int:
    return 409 if isinstance(error, Conflict) else 400


def _added_row(request: HttpRequest, prefixes: tuple[str, ...]) -> Any:
    """The POST data with one more row when an 'Add another' button was pressed, else None."""
    for prefix in prefixes:
        if f"add_{prefix}" in request.POST:
            return add_row(request.POST, prefix)
    return None


# --------------------------------------------------------------------------- MASH meetings


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    """MASH staff: every meeting, newest first. Partners: the copies their agency receives."""
    user = request.user
    if user.is_mash_staff():  # type: ignore[union-attr]
        found = MashMeeting.objects.all()
    elif user.is_partner():  # type: ignore[union-attr]
        found = selectors.meetings_for_partner(user)
    else:
        raise PermissionDenied
    meetings = list(found.select_related("chair").order_by("-held_at")[:100])
    audit.record(
        actor=user,
        action="meeting.listed",
        rule_ids=["MA-7", "CO-4"],
        data={"meetings": [str(m.pk) for m in meetings]},
    )
    return render(
        request,
        "meetings/list.html",
        {"meetings": meetings, "can_record": permissions.can_record_meeting(user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    """Record a MASH meeting: when, the chair, who attended for each agency (MA-7)."""
    if not permissions.can_record_meeting(request.user):
        raise PermissionDenied
    if request.method == "GET":
        now = timezone.localtime()
        form = MashMeetingForm(
            initial={
                "held_date": now.date(),
                "held_time": now.time().replace(second=0, microsecond=0),
            }
        )
        return _meeting_page(request, form, AttendeeFormSet(prefix="attendees"))
    data = _added_row(request, ("attendees",))
    if data is not None:
        form, attendees = MashMeetingForm(data), AttendeeFormSet(data, prefix="attendees")
        for each in (form, attendees):
            suppress_errors(each)
        return _meeting_page(request, form, attendees)
    form = MashMeetingForm(request.POST)
    attendees = AttendeeFormSet(request.POST, prefix="attendees")
    if all_valid(form, attendees):
        try:
            meeting = services.record_mash_meeting(
                by=request.user,
                held_at=form.held_at(),
                chair=form.chair_user(),
                attendees=attendees_given(attendees),
                notes=form.cleaned_data["notes"],
            )
        except ApplicationError as error:
            apply_error(form, error, fallback=attendees)
        else:
            messages.success(request, "MASH meeting recorded. Add the cases discussed.")
            return redirect("meetings:detail", pk=meeting.pk)
    return _meeting_page(request, form, attendees, status=400)


def _meeting_page(
    request: HttpRequest, form: Any, attendees: Any, status: int = 200
) -> HttpResponse:
    return render(
        request, "meetings/new.html", {"form": form, "attendees": attendees}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The meeting record (a partner sees its copy); MASH staff add each case discussed."""
    meeting = selectors.access_meeting(request.user, pk)
    user = request.user
    can_add = permissions.can_record_meeting(user) and not meeting.is_issued
    outcomes = [(str(o.code), o.label) for o in active_profile().outcomes]
    form = MeetingCaseForm(request.POST or None, outcomes=outcomes)
    status = 200
    if request.method == "POST":
        # Only the role here: a record issued meanwhile is the service's Conflict, shown with
        # what was typed.
        if not permissions.can_record_meeting(user):
            raise PermissionDenied
        can_add = True
        status = 400
        if form.is_valid():
            status = _discuss(request, meeting, form)
            if status == 302:
                return redirect("meetings:detail", pk=meeting.pk)
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "attendees": list(meeting.attendees.select_related("agency").order_by("position")),
            "cases": selectors.cases_for(user, meeting),
            "profile": active_profile(),
            "form": form,
            "can_add": can_add,
            "can_issue": permissions.can_issue_meeting(user) and not meeting.is_issued,
            "is_staff": user.is_mash_staff(),  # type: ignore[union-attr]
        },
        status=status,
    )


def _discuss(request: HttpRequest, meeting: MashMeeting, form: MeetingCaseForm) -> int:
    reference = form.cleaned_data["reference"].strip().upper()
    contact = Contact.objects.visible_to(request.user).filter(reference=reference).first()
    if contact is None:
        form.add_error("reference", "There is no contact with that reference")
        return 400
    try:
        services.discuss_case(
            meeting,
            by=request.user,
            contact=contact,
            analysis=form.cleaned_data["analysis"],
            recommendation=form.cleaned_data["recommendation"],
            actions=form.cleaned_data["actions"],
        )
    except ApplicationError as error:
        apply_error(form, error)
        return _status_of(error)
    messages.success(request, f"Discussion of {contact.reference} recorded on its MAIS record.")
    return 302


@login_required
@require_POST
def meeting_issue(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Issue the record: every agency receives its copy (MA-7)."""
    meeting = selectors.access_meeting(request.user, pk, reading=False)
    try:
        services.issue_meeting(meeting, by=request.user)
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Record issued: each agency now has its copy.")
    return redirect("meetings:detail", pk=meeting.pk)


# --------------------------------------------------------------------------- strategy (OU-2)


def _strategy_initial_attendees(contact: Contact) -> list[dict[str, str]]:
    """Start with a row each for the police and health, who make it quorate (OU-2)."""
    profile = profile_of(contact)
    rows = []
    for kind in (AgencyKind.POLICE, AgencyKind.HEALTH):
        agency = next((a for a in profile.agencies if a.kind == kind), None)
        if agency:
            rows.append({"agency": agency.code})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def strategy_new(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Record a strategy discussion or meeting (OU-2), including after emergency action (OU-5)."""
    contact = contact_selectors.access_contact(request.user, pk)
    if not permissions.can_record_meeting(request.user):
        raise PermissionDenied
    dct = services.dct_applies_in(contact)
    if request.method == "GET":
        form = StrategyForm(dct=dct)
        attendees = AttendeeFormSet(
            prefix="attendees", initial=_strategy_initial_attendees(contact)
        )
        return _strategy_page(request, contact, form, attendees, ActionFormSet(prefix="actions"))
    data = _added_row(request, ("attendees", "actions"))
    if data is not None:
        form = StrategyForm(data, dct=dct)
        attendees = AttendeeFormSet(data, prefix="attendees")
        actions = ActionFormSet(data, prefix="actions")
        for each in (form, attendees, actions):
            suppress_errors(each)
        return _strategy_page(request, contact, form, attendees, actions)
    form = StrategyForm(request.POST, dct=dct)
    attendees = AttendeeFormSet(request.POST, prefix="attendees")
    actions = ActionFormSet(request.POST, prefix="actions")
    status = 400
    if all_valid(form, attendees, actions):
        try:
            discussion = services.record_strategy_discussion(
                contact,
                by=request.user,
                kind=form.cleaned_data["kind"],
                held_at=form.held_at(),
                chair=form.chair_user(),
                attendees=attendees_given(attendees),
                outcome=form.cleaned_data["outcome"],
                rationale=form.cleaned_data["rationale"],
                actions=actions_given(actions),
                sc8_applies=form.cleaned_data.get("sc8_applies", False),
                dct_invited=form.cleaned_data.get("dct_invited", False),
            )
        except ApplicationError as error:
            status = _status_of(error)
            apply_error(form, error, fallback=(attendees, actions))
        else:
            messages.success(request, f"Strategy discussion recorded on {contact.reference}.")
            return redirect("meetings:strategy-detail", pk=contact.pk, discussion_pk=discussion.pk)
    return _strategy_page(request, contact, form, attendees, actions, status=status)


def _strategy_page(
    request: HttpRequest,
    contact: Contact,
    form: Any,
    attendees: Any,
    actions: Any,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "meetings/strategy_new.html",
        {
            "contact": contact,
            "form": form,
            "attendees": attendees,
            "actions": actions,
            "awaiting": selectors.emergency_actions_awaiting_strategy(contact),
        },
        status=status,
    )


@login_required
def strategy_detail(request: HttpRequest, pk: uuid.UUID, discussion_pk: uuid.UUID) -> HttpResponse:
    """A strategy discussion: attendees, quorum, outcome and the actions with owners."""
    contact = contact_selectors.access_contact(request.user, pk)
    discussion = get_object_or_404(contact.strategy_discussions, pk=discussion_pk)
    audit.record(
        actor=request.user,
        action="strategy.viewed",
        contact_id=contact.pk,
        subject=discussion,
        rule_ids=["OU-2"],
    )
    return render(
        request,
        "meetings/strategy_detail.html",
        {
            "contact": contact,
            "discussion": discussion,
            "attendees": list(discussion.attendees.select_related("agency").order_by("position")),
            "actions": list(discussion.actions.select_related("owner_agency").order_by("position")),
            "can_update": permissions.can_record_meeting(request.user),
        },
    )


@login_required
@require_POST
def strategy_action_done(
    request: HttpRequest, pk: uuid.UUID, discussion_pk: uuid.UUID, action_pk: uuid.UUID
) -> HttpResponse:
    """Mark an agreed action as done."""
    contact = contact_selectors.access_contact(request.user, pk)
    action = get_object_or_404(
        StrategyAction, pk=action_pk, discussion_id=discussion_pk, discussion__contact=contact
    )
    try:
        services.complete_strategy_action(action, by=request.user)
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Action recorded as done.")
    return redirect("meetings:strategy-detail", pk=contact.pk, discussion_pk=discussion_pk)


# --------------------------------------------------------------------------- emergency (OU-5)


@login_required
@require_http_methods(["GET", "POST"])
def emergency_action(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Record immediate protection (OU-5); the strategy discussion must follow."""
    contact = contact_selectors.access_contact(request.user, pk)
    if not permissions.can_record_meeting(request.user):
        raise PermissionDenied
    form = EmergencyActionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.record_emergency_action(contact, by=request.user, **form.action_details())
            except ApplicationError as error:
                status = _status_of(error)
                apply_error(form, error)
            else:
                messages.success(
                    request,
                    "Emergency action recorded. Now hold the strategy discussion as soon as "
                    "possible (OU-5).",
                )
                return redirect("contacts:detail", pk=contact.pk)
    context = {
        "contact": contact,
        "form": form,
        "title": "Record emergency action",
        "rules": "OU-5",
        "button": "Record emergency action",
    }
    return render(request, "contacts/step.html", context, status=status)
