"""The dip-sample audit checklist (DM-2): fixed questions, each citing the rule it checks.

The product pre-fills what its own records show beside each question (`evidence`), but the
auditor answers: a clock met on time does not prove the decision was a good one, and a record
the product cannot see (a phone call noted elsewhere) may answer a question the data cannot.
Evidence states facts only (times, counts, what was recorded), never a partner's words (CO-5).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from mash.contacts.models import Clock, Contact
from mash.core.formatting import datetime_gb
from mash.reports.measures import clock_time_between


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    rule_ids: tuple[str, ...]
    evidence: Callable[[Contact], str]

    @property
    def rules(self) -> str:
        """The rule ids as the page shows them: 'TS-1, SC-1'."""
        return ", ".join(self.rule_ids)


def _span(delta: timedelta, unit: str) -> str:
    """'0.5 working hours', '50 hours' (elapsed and working-week time are plain hours)."""
    hours = delta.total_seconds() / 3600
    shown = f"{hours:.1f}".removesuffix(".0")
    unit = unit or "hour"
    return f"{shown} {unit}{'' if shown == '1' else 's'}"


def _clock_evidence(contact: Contact, rule_id: str, what: str) -> str:
    """When the clock `rule_id` was met, how long after it started (counted as the clock
    counts: TS-4's 48 hours are elapsed hours, TS-1's day is office time), and whether on
    time; an open clock is "not yet due" until its due time has passed."""
    clock: Clock | None = contact.clocks.filter(rule_id=rule_id).order_by("started_at").first()
    if clock is None:
        return f"No {rule_id} clock was started on this contact."
    if clock.met_at is None:
        if clock.due_at > timezone.now():
            return f"{what}: not yet; it is due {datetime_gb(clock.due_at)}. {rule_id} not yet due."
        return f"{what}: not recorded; it was due {datetime_gb(clock.due_at)}. {rule_id} not met."
    taken = clock_time_between(rule_id, clock.started_at, clock.met_at, contact.profile)
    verdict = "met" if clock.met_at <= clock.due_at else "missed"
    return (
        f"{what} {datetime_gb(clock.met_at)}, {_span(taken.span, taken.unit)} after the clock "
        f"started; due {datetime_gb(clock.due_at)}. {rule_id} {verdict}."
    )


def history_checked(contact: Contact) -> str:
    children = list(contact.children())
    checked = [c for c in children if c.history_checked_at]
    if not children:
        return "No child is recorded on this contact."
    return f"History checked for {len(checked)} of {len(children)} children."


def decision_in_time(contact: Contact) -> str:
    return _clock_evidence(contact, "TS-1", "Decision recorded")


def threshold_and_rag(contact: Contact) -> str:
    screening = getattr(contact, "screening", None)
    if screening is None:
        return "Not screened by the MASH (passed on at the front door)."
    rationale = "with a rationale" if screening.rationale.strip() else "with no rationale"
    return (
        f"Screened {datetime_gb(screening.screened_at)}: {screening.threshold_level_label}, "
        f"{screening.get_rag_display()}, {rationale}."
    )


def consent(contact: Contact) -> str:
    screening = getattr(contact, "screening", None)
    parts = [
        f"Parents aware: {contact.get_parents_aware_display()}; "  # type: ignore[attr-defined]
        f"consent: {contact.get_parents_consent_display()} (at intake)."  # type: ignore[attr-defined]
    ]
    if screening is not None:
        parts.append(f"At screening: {screening.get_consent_display()}.")
        if screening.consent == screening.Consent.OVERRIDDEN:
            given = "recorded" if screening.consent_override_reason.strip() else "not recorded"
            parts.append(f"Override reason {given}.")
    return " ".join(parts)


def partner_checks(contact: Contact) -> str:
    requests = list(contact.information_requests.select_related("agency"))
    if not requests:
        return "No partner agency was asked."
    agencies = len({r.agency_id for r in requests})  # an agency asked twice is one agency
    answered = [r for r in requests if r.first_answered_at]
    on_time = [r for r in answered if r.first_answered_at and r.first_answered_at <= r.due_at]
    unanswered = sum(1 for r in requests if r.status == r.Status.CLOSED_UNANSWERED)
    rules = sorted({r.rule_id for r in requests})
    asked = (
        f"{agencies} {'agency' if agencies == 1 else 'agencies'} asked"
        if agencies == len(requests)
        else f"{agencies} {'agency' if agencies == 1 else 'agencies'} asked {len(requests)} times"
    )
    text = (
        f"{asked} ({', '.join(rules)}): {len(answered)} answered, "
        f"{len(on_time)} of them by the deadline"
    )
    if unanswered:
        text += f"; went ahead without {unanswered}"
    return text + "."


def rationale(contact: Contact) -> str:
    recommendation = contact.recommendations.order_by("-recommended_at").first()
    decision = getattr(contact, "decision", None)
    if recommendation is None and decision is None:
        return "No recommendation or decision recorded (passed on at the front door)."
    parts = []
    if recommendation is not None:
        analysis = "with an analysis" if recommendation.analysis.strip() else "no analysis"
        parts.append(f"Recommended {recommendation.outcome}, {analysis}, with a rationale.")
    if decision is not None:
        agreed = "agreeing" if decision.agrees_with_recommendation else "not agreeing"
        parts.append(f"Decided {decision.get_outcome_display()}, {agreed}, with a rationale.")
    return " ".join(parts)


def letters(contact: Contact) -> str:
    from mash.letters.models import Letter

    found = list(contact.letters.exclude(status=Letter.Status.SUPERSEDED))
    if not found:
        return "No outcome letter on the record."
    counts: dict[str, int] = {}
    for letter in found:
        key = f"{letter.get_audience_display().lower()} {letter.get_status_display().lower()}"
        counts[key] = counts.get(key, 0) + 1
    held = [x for x in found if x.hold_reason.strip()]
    text = "Letters: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) + "."
    return text + (f" Held with a reason: {len(held)}." if held else "")


def written_confirmation(contact: Contact) -> str:
    if contact.channel != Contact.Channel.TELEPHONE or not contact.referrer_is_professional:
        return "Not a professional's telephone referral."
    return _clock_evidence(contact, "TS-4", "Written confirmation received")


def acknowledgement(contact: Contact) -> str:
    return _clock_evidence(contact, "TS-5", "Acknowledgement sent")


def police_informed(contact: Contact) -> str:
    if not contact.possible_offence:
        return "No possible offence recorded."
    told = "recorded" if contact.police_informed else "not recorded"
    return f"A possible offence was recorded; telling the police is {told}."


QUESTIONS: tuple[Question, ...] = (
    Question(
        "history",
        "Was every child's history checked for previous involvement or an open case?",
        ("SC-4",),
        history_checked,
    ),
    Question(
        "decision_time",
        "Was the decision on the type of response made in time?",
        ("TS-1", "SC-1"),
        decision_in_time,
    ),
    Question(
        "threshold",
        "Were the threshold level and RAG rating recorded, with a rationale that fits what "
        "was known?",
        ("SC-2", "SC-6"),
        threshold_and_rag,
    ),
    Question(
        "consent",
        "Was consent recorded, or the reason for going ahead without it?",
        ("CO-1", "CO-2"),
        consent,
    ),
    Question(
        "partner_checks",
        "Were the right partner agencies asked, and did they answer in time?",
        ("MA-2", "TS-2", "TS-3"),
        partner_checks,
    ),
    Question(
        "rationale",
        "Were the analysis, recommended outcome and decision recorded with a clear rationale?",
        ("MA-6", "DM-2"),
        rationale,
    ),
    Question(
        "letters",
        "Were the referrer and parents sent the outcome, or the reason recorded why not?",
        ("OU-3", "OU-4", "CO-1"),
        letters,
    ),
    Question(
        "written_confirmation",
        "Did a professional's telephone referral get its written confirmation, or a chase?",
        ("IN-7", "TS-4"),
        written_confirmation,
    ),
    Question(
        "acknowledgement",
        "Was the referrer acknowledged within 24 working hours?",
        ("IN-8", "TS-5"),
        acknowledgement,
    ),
    Question(
        "police",
        "Where the contact may be a criminal offence, were the police told at once?",
        ("IN-12",),
        police_informed,
    ),
)

BY_ID: dict[str, Question] = {q.id: q for q in QUESTIONS}


def evidence_for(contact: Contact) -> dict[str, str]:
    """What the product's records show for each question on `contact`."""
    return {q.id: q.evidence(contact) for q in QUESTIONS}
