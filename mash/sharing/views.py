"""Information sharing pages: the MAIS record and requests for MASH staff, and the partner
workspace where each agency answers (MA-2 … MA-8). Thin: selectors read (audited), services
write, errors keep what the user typed."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from mash.audit import services as audit
from mash.contacts.clocks import profile_of
from mash.contacts.forms import NoteForm
from mash.contacts.models import Contact
from mash.contacts.views import Step, apply_error, govuk_pagination, mash_staff_contact, step_view
from mash.core.errors import ApplicationError, Conflict, NotPermitted
from mash.disputes.selectors import open_dispute
from mash.disputes.services import DISPUTABLE
from mash.meetings.selectors import strategy_discussions
from mash.sharing import exports, permissions, selectors, services
from mash.sharing.consent import consent_position, has_child_protection_concern
from mash.sharing.forms import (
    DEFAULT_QUESTION,
    ConsentForm,
    ContributionForm,
    ExportForm,
    MaisRecommendationForm,
    RequestChecksForm,
    contribution_initial,
)
from mash.sharing.models import Contribution, InformationRequest
from mash.workdays.clocks import describe_duration

# --------------------------------------------------------------------------- MASH staff


def _mash_contact(request: HttpRequest, pk: uuid.UUID) -> Contact:
    """The agencies shared their information with the MASH, not with every team with a part
    in the case (CO-4, ADR 0012): MASH staff only, refusals audited."""
    return mash_staff_contact(request, pk, "information sharing record")


@login_required
def mais(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The multi-agency information sharing record: every agency's answer side by side with
    its deadline, the consent position, meetings, the analysis and the decision (MA-6)."""
    contact = _mash_contact(request, pk)
    selectors.record_mais_view(request.user, contact)
    user = request.user
    rows = selectors.mais_rows(contact)
    return render(
        request,
        "sharing/mais.html",
        {
            "contact": contact,
            "profile": profile_of(contact),
            "rows": rows,
            "consent": consent_position(contact),
            "child_protection": has_child_protection_concern(contact),
            "heightened": [row for row in rows if row.heightens_concern],
            "recommendations": list(contact.recommendations.select_related("recommended_by")),
            "decision": getattr(contact, "decision", None),
            "discussions": list(
                contact.meeting_discussions.select_related("meeting", "meeting__chair")
            ),
            "strategy": strategy_discussions(contact),
            "dispute": open_dispute(contact),
            "can_request": permissions.can_request_checks(user)
            and contact.status == Contact.Status.INFORMATION_SHARING,
            "can_chase": permissions.can_chase(user),
            "can_close_unanswered": permissions.can_close_unanswered(user),
            "can_record_consent": permissions.can_record_consent(user)
            and contact.status != Contact.Status.CLOSED,
            "can_recommend": permissions.can_complete_checks(user)
            and contact.status == Contact.Status.INFORMATION_SHARING,
        },
    )


def _request_checks_kwargs(contact: Contact) -> dict[str, Any]:
    return {
        "choices": services.agency_choices(contact),
        "initial": {
            "concern_summary": contact.concern_summary,
            "question": DEFAULT_QUESTION,
            "legal_basis": (
                InformationRequest.LegalBasis.S47
                if has_child_protection_concern(contact)
                else InformationRequest.LegalBasis.S17
            ),
        },
    }


def _request_checks_context(contact: Contact) -> dict[str, Any]:
    return {
        "consent": consent_position(contact),
        "child_protection": has_child_protection_concern(contact),
        "agreement": profile_of(contact).information_sharing_agreement,
    }


request_checks = step_view(
    Step(
        allowed=permissions.can_request_checks,
        form_class=RequestChecksForm,
        form_kwargs=_request_checks_kwargs,
        act=lambda c, user, d: services.request_checks(
            c,
            by=user,
            agency_codes=d["agencies"],
            concern_summary=d["concern_summary"],
            question=d["question"],
            legal_basis=d["legal_basis"],
        ),
        done="Checks requested on {reference}. Each agency sees the request in its workspace.",
        title="Ask partner agencies for checks",
        rules="MA-1, MA-2, CO-3, CO-4, TS-2, TS-3",
        button="Send the requests",
        template="sharing/request_checks.html",
        page_context=_request_checks_context,
        success="sharing:mais",
    )
)

record_consent = step_view(
    Step(
        allowed=permissions.can_record_consent,
        form_class=ConsentForm,
        user_form_kwargs=lambda user: {"can_override": permissions.can_authorise_override(user)},
        act=lambda c, user, d: services.record_consent(c, by=user, **d),
        done="Consent position recorded on {reference}.",
        title="Record the consent position",
        rules="CO-1, CO-2, CO-3",
        button="Record consent position",
        success="sharing:mais",
    )
)

recommend_after_checks = step_view(
    Step(
        allowed=permissions.can_complete_checks,
        form_class=MaisRecommendationForm,
        form_kwargs=lambda c: {"outcomes": [(o.code, o.label) for o in profile_of(c).outcomes]},
        act=lambda c, user, d: services.recommend_after_checks(c, by=user, **d),
        done="MASH checks complete and recommendation recorded on {reference}. A manager will "
        "decide.",
        title="Record your analysis and recommendation",
        rules="SC-6, MA-6, TS-2, TS-3",
        button="Send to manager",
        template="sharing/recommend.html",
        page_context=lambda c: {"rows": selectors.mais_rows(c)},
    )
)


def _request_step(
    request: HttpRequest,
    pk: uuid.UUID,
    request_pk: uuid.UUID,
    *,
    allowed: bool,
    label: str,
    hint: str,
    title: str,
    button: str,
    act: Any,
    done: str,
) -> HttpResponse:
    """Chase or close one agency's request: a note, one service call, back to the MAIS."""
    contact = _mash_contact(request, pk)
    info_request = selectors.access_request(request.user, request_pk)
    if info_request.contact_id != contact.pk:
        raise PermissionDenied
    if not allowed:
        raise PermissionDenied
    form = NoteForm(request.POST or None, label=label, hint=hint)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                act(info_request, form.cleaned_data["note"])
            except ApplicationError as error:
                status = 409 if isinstance(error, Conflict) else 400
                apply_error(form, error)
            else:
                messages.success(request, done.format(agency=info_request.agency.name))
                return redirect("sharing:mais", pk=contact.pk)
    context = {
        "contact": contact,
        "form": form,
        "title": title,
        "rules": f"MA-2, {info_request.rule_id}",
        "button": button,
        "back": ("Back to the information sharing record", "sharing:mais"),
    }
    return render(request, "contacts/step.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def chase(request: HttpRequest, pk: uuid.UUID, request_pk: uuid.UUID) -> HttpResponse:
    """Record chasing an agency for its answer."""
    user = request.user
    return _request_step(
        request,
        pk,
        request_pk,
        allowed=permissions.can_chase(user),
        label="How did you chase the agency?",
        hint="For example: phoned the police MASH desk and spoke to DC Patel at 11am.",
        title="Chase an agency for its answer",
        button="Record the chase",
        act=lambda r, note: services.chase_request(r, by=user, note=note),
        done="Chase recorded for {agency}.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def close_unanswered(request: HttpRequest, pk: uuid.UUID, request_pk: uuid.UUID) -> HttpResponse:
    """Go ahead without one agency's answer, with the reason."""
    user = request.user
    return _request_step(
        request,
        pk,
        request_pk,
        allowed=permissions.can_close_unanswered(user),
        label="Why are you going ahead without this agency's answer?",
        hint="For example: the decision cannot wait; the police will share at the strategy "
        "discussion.",
        title="Go ahead without an agency's answer",
        button="Go ahead without it",
        act=lambda r, note: services.close_unanswered(r, by=user, reason=note),
        done="Going ahead without {agency}'s answer. It can still answer while the contact is "
        "open.",
    )


# --------------------------------------------------------------------------- partner workspace

WORKSPACE_PAGE_SIZE = 50


def _partner(request: HttpRequest) -> None:
    if not permissions.can_use_partner_workspace(request.user):
        raise PermissionDenied


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    """The requests addressed to the officer's agency: open ones soonest due first (MA-2)."""
    _partner(request)
    show = "done" if request.GET.get("show") == "done" else "open"
    found = selectors.partner_requests(request.user, show=show)
    page = Paginator(found, WORKSPACE_PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(
        actor=request.user,
        action="sharing.requests_listed",
        rule_ids=["MA-2", "CO-4"],
        data={"show": show, "page": page.number, "requests": [str(r.pk) for r in page]},
    )
    return render(
        request,
        "partner/workspace.html",
        {
            "page": page,
            "pagination": govuk_pagination(request, page),
            "show": show,
            "now": timezone.now(),
            "open_count": selectors.partner_requests(request.user).count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def partner_request(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """One request: what is asked, of whom, by when; the agency's answer form (MA-2 … MA-5)."""
    _partner(request)
    info_request = selectors.access_request(request.user, pk)
    answers = selectors.agency_answers(info_request)
    latest = answers[0] if answers else None
    can_answer = permissions.can_contribute(request.user, info_request.agency_id)
    contact_open = info_request.contact.status != Contact.Status.CLOSED
    if request.method == "POST":
        if not can_answer:
            raise PermissionDenied
        form = ContributionForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                services.record_contribution(
                    info_request,
                    answer=form.answer(),
                    by=request.user,
                    seen_latest=form.cleaned_data["seen_latest"],
                )
            except NotPermitted as error:
                raise PermissionDenied(error.message) from error
            except Conflict as error:
                # Show the colleague's answer and let the next send count as an update of it,
                # keeping everything typed.
                status = 409
                answers = selectors.agency_answers(info_request)
                form = _rebased(request.POST, answers[0] if answers else None)
                apply_error(form, error)
            except ApplicationError as error:
                apply_error(form, error)
            else:
                messages.success(
                    request, f"Your answer on {info_request.contact.reference} was sent."
                )
                return redirect("partner:request", pk=info_request.pk)
    else:
        status = 200
        latest_answer = next((a for a in answers if a.is_answer), None)
        form = ContributionForm(
            initial=contribution_initial(
                latest_answer or info_request.previous_contribution, latest
            )
        )
    return render(
        request,
        "partner/request.html",
        {
            "info_request": info_request,
            "contact": info_request.contact,
            "people": selectors.people_for_partner(info_request.contact),
            "answers": answers,
            "previous": info_request.previous_contribution,
            "form": form,
            # After a refused send on a contact closed meanwhile, the form stays to keep the text.
            "can_answer": can_answer and (contact_open or request.method == "POST"),
            "contact_open": contact_open,
            "deadline": _deadline_words(info_request),
            "now": timezone.now(),
            **_recommendation_for_partner(request.user, info_request),
        },
        status=status,
    )


def _deadline_words(info_request: InformationRequest) -> str:
    """The round's timescale as the profile words it, e.g. "4 working hours" (TS-2, TS-3)."""
    rule = profile_of(info_request.contact).clock(info_request.rule_id)
    return describe_duration(rule) if rule else "the MASH's deadline"


def _rebased(data: Any, latest: Contribution | None) -> ContributionForm:
    """The posted form, now working from the agency's latest answer."""
    rebased = data.copy()
    rebased["seen_latest"] = str(latest.pk) if latest else ""
    form = ContributionForm(rebased)
    form.is_valid()
    return form


def _recommendation_for_partner(user: Any, info_request: InformationRequest) -> dict[str, Any]:
    """The outcome recommended and decided, without the analysis (which draws on other
    agencies' answers, CO-4), and whether this agency may dispute it (DM-1)."""
    contact = info_request.contact
    recommendation = contact.recommendations.order_by("-recommended_at").first()
    dispute = (
        contact.disputes.filter(raised_by_agency=info_request.agency).order_by("-raised_at").first()
    )
    return {
        "profile": profile_of(contact),
        "recommendation": recommendation,
        "decision": getattr(contact, "decision", None),
        "dispute": dispute if dispute and dispute.is_open else None,
        "can_dispute": recommendation is not None
        and contact.status in DISPUTABLE
        and open_dispute(contact) is None
        and permissions.can_contribute(user, info_request.agency_id),
    }


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """MA-8: what the agency provided on each case, the decision and any challenge, as CSV."""
    _partner(request)
    form = ExportForm(request.GET or None)
    if request.GET and form.is_valid():
        agency_ids = request.user.partner_agency_ids()  # type: ignore[union-attr]
        return exports.contributions_csv(
            request.user,
            agency_ids=agency_ids,
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
        )
    return render(
        request, "partner/export.html", {"form": form}, status=400 if request.GET else 200
    )
