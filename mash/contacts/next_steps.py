"""What the signed-in user can do next on a contact: the workflow, the roles and the open
clocks decide it here, so the contact page only shows the list (house style: no domain rules
in templates)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from mash.contacts import permissions
from mash.contacts.models import Clock, Contact, ContactPerson
from mash.contacts.services import close_blockers
from mash.core.errors import ApplicationError
from mash.disputes.permissions import can_act_at_level
from mash.disputes.selectors import open_dispute
from mash.meetings.permissions import can_record_meeting
from mash.meetings.selectors import emergency_actions_awaiting_strategy
from mash.routing import services as routing
from mash.sharing import permissions as sharing_permissions

Status = Contact.Status


@dataclass(frozen=True)
class NextStep:
    """One thing to do: a link to the page that does it, or (url None) what it waits for."""

    text: str
    url: str | None
    rule_ids: tuple[str, ...] = ()


def _link(text: str, name: str, contact: Contact, *rule_ids: str, **kwargs: Any) -> NextStep:
    args = [contact.pk, *kwargs.values()]
    name = name if ":" in name else f"contacts:{name}"
    return NextStep(text, reverse(name, args=args), rule_ids)


def next_steps(
    contact: Contact, user: Any, children: Iterable[ContactPerson], open_clocks: Iterable[Clock]
) -> list[NextStep]:
    """The steps open to `user` now, in the order they are usually done."""
    steps = _required_first(contact, user) + _workflow_steps(contact, user, list(children))
    if permissions.can_record_follow_up(user):
        steps += _follow_ups(contact, {clock.rule_id for clock in open_clocks})
    return steps


def _workflow_steps(contact: Contact, user: Any, children: list[ContactPerson]) -> list[NextStep]:
    status = contact.status
    if status == Status.RECEIVED:
        return _before_screening(contact, user, children)
    if status == Status.PASSED_ON and permissions.can_record_contact(user):
        blockers = close_blockers(contact)
        receipt = (
            _waiting("Confirm the team has it", blockers)
            if blockers
            else _link("Confirm the team has it", "routing:receipt", contact, "IN-6", "OU-3")
        )
        return [receipt, _link("Send it back to the MASH", "routing:return", contact, "IN-6")]
    if status == Status.INFORMATION_SHARING and sharing_permissions.can_request_checks(user):
        return _information_sharing(contact)
    if status == Status.AWAITING_RECOMMENDATION and permissions.can_recommend(user):
        return [_link("Recommend an outcome", "recommend", contact, "MA-6")]
    if status == Status.AWAITING_DECISION and permissions.can_decide(user):
        if open_dispute(contact) is not None:
            return [NextStep("Decide once the dispute is resolved", None, ("DM-1",))]
        return [
            _link("Decide the outcome", "decide", contact, "MA-6", "OU-1"),
            _link("Send back without deciding", "send-back", contact, "MA-6"),
        ]
    if status == Status.DECIDED and permissions.can_close(user):
        blockers = close_blockers(contact)
        if blockers:
            return [_waiting("Close the contact", blockers)]
        return [_link("Close the contact", "close", contact, "OU-3")]
    return []


def _waiting(what: str, blockers: list[ApplicationError]) -> NextStep:
    """A step that waits on `blockers`, saying what each is."""
    rules = tuple(dict.fromkeys(r for b in blockers for r in b.rule_ids))
    reasons = " ".join(b.message for b in blockers)
    these = "this is" if len(blockers) == 1 else "these are"
    return NextStep(f"{what} once {these} done. {reasons}", None, rules)


def _information_sharing(contact: Contact) -> list[NextStep]:
    """Ask the agencies, follow their answers on the MAIS record, then analyse (MA-2, MA-6)."""
    requests = list(contact.information_requests.this_round().select_related("agency"))
    waiting = [r.agency.name for r in requests if r.is_open]
    steps = [
        _link("Ask partner agencies for checks", "sharing:request-checks", contact, "MA-2", "CO-3")
    ]
    if requests:
        steps.append(_link("Follow the agencies' answers", "sharing:mais", contact, "MA-2", "MA-6"))
    if requests and not waiting:
        steps.append(
            _link(
                "Record your analysis and recommendation",
                "sharing:recommend",
                contact,
                "SC-6",
                "MA-6",
            )
        )
    elif waiting:
        steps.append(
            NextStep(
                "Record your analysis and recommendation when every agency has answered "
                f"(waiting for {', '.join(waiting)})",
                None,
                ("MA-2", "MA-6"),
            )
        )
    return steps


def _required_first(contact: Contact, user: Any) -> list[NextStep]:
    """What a rule requires now, whatever the stage: the strategy discussion after emergency
    action (OU-5), and the open dispute's next step (DM-1)."""
    steps: list[NextStep] = []
    dispute = open_dispute(contact)
    if dispute is not None and can_act_at_level(user, dispute.level):
        steps.append(
            NextStep(
                f"The dispute is with the {dispute.get_level_display()}: record its outcome",
                reverse("disputes:detail", args=[dispute.pk]),
                ("DM-1", "TS-8"),
            )
        )
    if not can_record_meeting(user):
        return steps
    if emergency_actions_awaiting_strategy(contact):
        steps.append(
            _link(
                "Record the strategy discussion that must follow the emergency action",
                "meetings:strategy-new",
                contact,
                "OU-5",
                "OU-2",
            )
        )
    elif (
        contact.status == Status.DECIDED
        and contact.decision.outcome == "S47"
        and not contact.strategy_discussions.filter(quorate=True).exists()
    ):
        steps.append(
            _link(
                "Record the strategy discussion for the section 47 enquiry",
                "meetings:strategy-new",
                contact,
                "OU-1",
                "OU-2",
            )
        )
    return steps


def _before_screening(contact: Contact, user: Any, children: list[ContactPerson]) -> list[NextStep]:
    """Screening needs every child's history checked first (SC-4): until then the next step is
    the check, not a screening form that can only refuse."""
    unchecked = [child for child in children if not child.history_checked]
    steps: list[NextStep] = []
    if unchecked and permissions.can_check_history(user):
        steps += [
            _link(
                f"Check history for {child.full_name}",
                "check-history",
                contact,
                "SC-4",
                person_pk=child.pk,
            )
            for child in unchecked
        ]
    blocker = None if unchecked else routing.screening_blocker(contact)
    if blocker is not None:
        rules = tuple(blocker.rule_ids)
        if permissions.can_record_contact(user):
            steps.append(
                NextStep(
                    blocker.message, reverse("contacts:detail", args=[contact.pk]) + "#route", rules
                )
            )
        return steps
    if permissions.can_screen(user):
        steps.append(
            NextStep(
                "Screen this contact when every child's history has been checked", None, ("SC-4",)
            )
            if unchecked
            else _link("Screen this contact", "screen", contact, "SC-2", "SC-6")
        )
    return steps


def _follow_ups(contact: Contact, open_rules: set[str]) -> list[NextStep]:
    steps = []
    if "TS-5" in open_rules:
        steps.append(
            _link(
                "Record the acknowledgement to the referrer", "acknowledge", contact, "IN-8", "TS-5"
            )
        )
    if "TS-4" in open_rules:
        steps.append(
            _link(
                "Record the written confirmation", "written-confirmation", contact, "IN-7", "TS-4"
            )
        )
    return steps


def nothing_to_do(contact: Contact, open_clocks: Iterable[Clock]) -> str:
    """Why the list is empty, in plain words."""
    if contact.status == Status.CLOSED and not list(open_clocks):
        return "Nothing: the contact is closed and nothing is owed."
    return "Nothing for your role at this stage."
