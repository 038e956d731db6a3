"""The tasks the local procedures require on a contact, and doing them.

`sync_tasks` creates what the facts call for (IN-10, IN-12, OU-5, SP-1, SP-2, SP-4, SC-8, and
telling or consulting a child's worker); pathway reviews add their own (`ensure_task`). A task
is never removed: it is done by someone, by a review, by what another part of the product
records (emergency action, a strategy discussion, a manager screening), or it "no longer
applies" when its concern is taken off. Open tasks keep the contact from moving on
(`task_blockers`). Every change is audited with its rule ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from mash.audit import services as audit
from mash.contacts import concerns, permissions
from mash.contacts.clocks import meet_clock, profile_of, start_clock
from mash.contacts.models import Contact
from mash.core import locking
from mash.core.errors import ApplicationError, Conflict, NotPermitted
from mash.core.rules import require_text
from mash.policy.catalogue import Explanation, explain
from mash.routing import engine
from mash.routing.models import Task, TaskKind
from mash.sharing import permissions as sharing_permissions


def _locked(contact: Contact) -> Contact:
    return locking.bump(contact)  # the row lock, and the version check (ADR 0016)


# The review tasks each typed concern starts (see `sync_tasks`), the first one first.
CONCERN_TASKS = {
    "domestic_abuse": (TaskKind.DOMESTIC_ABUSE_REVIEW,),
    "missing": (TaskKind.MISSING_REVIEW,),
    "mental_health_admission": (TaskKind.CONSIDER_REFERRAL,),
    "disability": (TaskKind.DCT_ELIGIBILITY, TaskKind.DCT_DISCUSSION),
}
NO_LONGER_APPLIES = "No longer applies: "


def follow_concerns(contact: Contact, by: Any, *, removed: set[str], added: set[str]) -> None:
    """A concern taken off closes the reviews it started, saying so; put back, its first
    review opens again (the DCT's discussion follows a new criteria check, SC-8)."""
    for code in removed:
        for kind in CONCERN_TASKS.get(code, ()):
            task = open_task(contact, kind)
            if task is not None:
                label = concerns.labels([code])[0]
                note = f"{NO_LONGER_APPLIES}{by.display_name()} took '{label}' off the concern."
                finish_task(task, by, note)
    for code in added:
        kinds = CONCERN_TASKS.get(code, ())[:1]
        closed = contact.tasks.select_for_update().filter(
            kind__in=kinds, done_at__isnull=False, note__startswith=NO_LONGER_APPLIES
        )
        for task in closed:
            reopen_task(task, by, "The concern was put back.")


def sync_tasks(contact: Contact, found: engine.Suggestion) -> None:
    """Create the tasks the rules require now; a task once created is never removed."""
    profile = profile_of(contact)
    cats = set(contact.concern_categories)
    received = contact.received_at
    wanted: list[tuple[str, str, datetime | None, str, Explanation]] = []
    if contact.child_protection_concern:
        wanted.append(
            (
                TaskKind.MANAGER_ATTENTION,
                "Draw it to a Team or Practice Manager's attention now",
                received,
                "",
                explain(
                    "IN-10",
                    "A child protection concern is recorded: a manager must see it immediately.",
                    profile.quote("IN-10"),
                ),
            )
        )
    if contact.immediate_protection_needed == "YES":
        wanted.append(
            (
                TaskKind.IMMEDIATE_PROTECTION,
                "Decide now whether the child needs immediate protection (a social worker or "
                "the police act; a strategy discussion follows)",
                received,
                "",
                explain(
                    "OU-5",
                    "The referrer says the child needs protecting immediately: a social worker "
                    "or the police act at once, and other children in the household are "
                    "considered.",
                    profile.quote("OU-5"),
                ),
            )
        )
    if (
        contact.possible_offence
        and not contact.police_informed
        and contact.referrer_source != Contact.ReferrerSource.POLICE
    ):
        wanted.append(
            (
                TaskKind.POLICE_INFORMED,
                "Tell the police now: this may be a criminal offence against a child",
                received,
                "",
                explain(
                    "IN-12",
                    "It may be a criminal offence against a child: the police "
                    "are told at the earliest opportunity.",
                    profile.quote("IN-12"),
                ),
            )
        )
    if "domestic_abuse" in cats and profile.has_pathway("SP-1"):
        clock = contact.clocks.filter(rule_id="TS-6").first() or start_clock(
            contact, "TS-6", received
        )
        wanted.append(
            (
                TaskKind.DOMESTIC_ABUSE_REVIEW,
                "Review the domestic abuse risk and, if high, the safety plan",
                clock.due_at if clock else None,
                "TS-6",
                explain(
                    "SP-1",
                    "Every domestic abuse contact is reviewed within 24 hours (working week).",
                    profile.quote("SP-1"),
                ),
            )
        )
    if "missing" in cats and profile.has_pathway("SP-2"):
        wanted.append(
            (
                TaskKind.MISSING_REVIEW,
                "The Missing Coordinators review it",
                None,
                "",
                explain(
                    "SP-2",
                    "Every missing-child contact is reviewed by the Missing Coordinators.",
                    profile.quote("SP-2"),
                ),
            )
        )
    if "mental_health_admission" in cats and profile.has_pathway("SP-4"):
        wanted.append(
            (
                TaskKind.CONSIDER_REFERRAL,
                "Consider whether the admission needs a referral to children's social care",
                None,
                "",
                explain(
                    "SP-4",
                    "A child admitted to a mental health facility prompts "
                    "consideration of a referral.",
                    profile.quote("SP-4"),
                ),
            )
        )
    if "disability" in cats and profile.has_pathway("SC-8"):
        wanted.append(
            (
                TaskKind.DCT_ELIGIBILITY,
                "Check the Disabled Children's Team criteria",
                None,
                "",
                explain(
                    "SC-8",
                    "A disabled child: check whether the Disabled "
                    "Children's Team's criteria are met.",
                    profile.quote("SC-8"),
                ),
            )
        )
    if found.tell_allocated:
        wanted.append(
            (
                TaskKind.TELL_ALLOCATED_WORKER,
                "Tell the allocated social worker of " + ", ".join(found.tell_allocated),
                None,
                "",
                explain(
                    profile.routing.open_to_social_care_rule,
                    "A child on the contact is open to social care: the allocated social worker "
                    "is told of the new information.",
                    profile.routing.open_to_social_care_quote,
                ),
            )
        )
    if found.consult_early_help:
        wanted.append(
            (
                TaskKind.CONSULT_EARLY_HELP,
                "Speak with the early help worker or manager ("
                + ", ".join(found.consult_early_help)
                + ")",
                None,
                "",
                explain(
                    profile.routing.open_to_early_help_rule,
                    "A child is open to early help: the MASH considers the new information "
                    "with the early help worker or manager.",
                    profile.routing.open_to_early_help_quote,
                ),
            )
        )
    for kind, label, due, clock_rule, why in wanted:
        ensure_task(contact, kind, label, due, why, clock_rule)


def ensure_task(
    contact: Contact,
    kind: str,
    label: str,
    due_at: datetime | None,
    why: Explanation,
    clock_rule: str = "",
) -> Task:
    """The task of `kind` on `contact`, created (and audited) the first time a rule asks for
    it; `clock_rule` names the clock that doing it meets. For pathway modules as well."""
    limit = Task._meta.get_field("label").max_length or 300
    if len(label) > limit:
        label = label[: limit - 1].rstrip() + "…"
    task, created = Task.objects.get_or_create(
        contact=contact,
        kind=kind,
        defaults={
            "label": label,
            "due_at": due_at,
            "clock_rule": clock_rule,
            "explanations": [why.as_dict()],
        },
    )
    if created:
        audit.record(
            actor=None,
            actor_name="The product (local procedures)",
            action="routing.task_created",
            contact_id=contact.pk,
            subject=task,
            rule_ids=[why.rule_id],
            data={"kind": kind},
        )
    return task


# Task kinds done by recording a pathway review rather than the task form.
REVIEWED_KINDS = frozenset(
    {
        TaskKind.DOMESTIC_ABUSE_REVIEW,
        TaskKind.MISSING_REVIEW,
        TaskKind.DCT_ELIGIBILITY,
        TaskKind.DCT_DISCUSSION,
    }
)


def can_complete(user: Any, task: Task) -> bool:
    """Who may mark a task done: a manager's attention only a manager (IN-10); telling the
    police anyone at the front door (IN-12); the rest the MASH's practitioners."""
    if task.kind in REVIEWED_KINDS:
        return False
    if task.kind == TaskKind.MANAGER_ATTENTION:
        return permissions.can_screen(user)
    if task.kind == TaskKind.POLICE_INFORMED:
        return permissions.can_record_follow_up(user)
    return sharing_permissions.can_request_checks(user)


@transaction.atomic
def complete_task(task: Task, *, by: Any, note: str) -> Task:
    """Mark a required task done, with how and when; meets its clock (TS-7, TS-9)."""
    if not can_complete(by, task):
        raise NotPermitted("Your role cannot mark this done.", rule_ids=tuple(task.rule_ids))
    contact = _locked(task.contact)  # the contact first, as every other write locks it
    task = Task.objects.select_for_update().get(pk=task.pk)
    if not task.is_open:
        who = task.done_by.display_name() if task.done_by else "someone"
        raise Conflict(f"{who} already marked '{task.label}' done. Nothing was saved.")
    if task.kind == TaskKind.MANAGER_ATTENTION and not note.strip():
        note = "Seen"
    note = require_text(note, "note", "Enter what was done, by whom and when.", *task.rule_ids)
    if task.kind == TaskKind.POLICE_INFORMED:
        police_told(contact, by, note)
    else:
        finish_task(task, by, note)
    return task


def finish_task(task: Task, by: Any, note: str) -> None:
    """Mark `task` done now by `by` and meet its clock; the caller holds the contact's lock."""
    now = timezone.now()
    task.done_at, task.done_by, task.note = now, by, note
    task.save(update_fields=["done_at", "done_by", "note", "updated_at"])
    if task.clock_rule:
        meet_clock(task.contact, task.clock_rule, at=now, by=by, note=note)
    audit.record(
        actor=by,
        action="routing.task_done",
        contact_id=task.contact_id,
        subject=task,
        rule_ids=task.rule_ids,
        data={"kind": task.kind, "note": note},
    )


def reopen_task(task: Task, by: Any, why: str) -> None:
    """Open a done task again because a rule asks for it again (the old note is audited)."""
    before = {"done_at": task.done_at.isoformat() if task.done_at else "", "note": task.note}
    task.done_at, task.done_by, task.note = None, None, ""
    task.save(update_fields=["done_at", "done_by", "note", "updated_at"])
    audit.record(
        actor=by,
        action="routing.task_reopened",
        contact_id=task.contact_id,
        subject=task,
        rule_ids=task.rule_ids,
        data={"kind": task.kind, "why": why, "before": before},
    )


def open_task(contact: Contact, kind: str) -> Task | None:
    """The open task of `kind`, locked: call it inside the transaction that will finish it."""
    return contact.tasks.select_for_update().filter(kind=kind, done_at__isnull=True).first()


# Tasks due the moment the contact arrives: done before the front door lets the contact go.
NOW_KINDS = frozenset(
    {TaskKind.MANAGER_ATTENTION, TaskKind.IMMEDIATE_PROTECTION, TaskKind.POLICE_INFORMED}
)


def task_blockers(contact: Contact, kinds: Iterable[str] | None = None) -> list[ApplicationError]:
    """The open tasks (of `kinds`, or all) as reasons the contact cannot move on yet."""
    tasks = contact.tasks.filter(done_at__isnull=True)
    if kinds is not None:
        tasks = tasks.filter(kind__in=list(kinds))
    return [
        ApplicationError(
            f"Still to do: {task.label} ({', '.join(task.rule_ids)}).",
            rule_ids=tuple(task.rule_ids),
        )
        for task in tasks.order_by("created_at")
    ]


def manager_has_seen(contact: Contact, by: Any, what: str) -> None:
    """IN-10: a Team or Practice Manager acting on the contact has seen it."""
    if not permissions.can_screen(by):
        return
    task = open_task(contact, TaskKind.MANAGER_ATTENTION)
    if task is not None:
        finish_task(task, by, f"Seen by {by.display_name()} when {what}")


def police_told(contact: Contact, by: Any, note: str) -> None:
    """IN-12: the police know (for example, they attended the strategy discussion)."""
    task = open_task(contact, TaskKind.POLICE_INFORMED)
    if task is not None:
        finish_task(task, by, note)
    if contact.possible_offence and not contact.police_informed:
        contact.police_informed = True
        contact.save(update_fields=["police_informed", "updated_at"])


__all__ = [
    "CONCERN_TASKS",
    "NOW_KINDS",
    "REVIEWED_KINDS",
    "can_complete",
    "complete_task",
    "ensure_task",
    "finish_task",
    "follow_concerns",
    "manager_has_seen",
    "open_task",
    "police_told",
    "reopen_task",
    "sync_tasks",
    "task_blockers",
]
