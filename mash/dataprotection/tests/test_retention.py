"""Retention rules as policy data and the review job (ADR 0013): records past their review
date are queued for a person's decision; nothing is deleted; disposal needs a second person
and leaves a tombstone; the audit trail stays."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from conftest import _persona, child, screen_at_threshold, share_checks
from mash.accounts.models import Membership, Role
from mash.audit.models import AuditEvent
from mash.contacts import services as contacts
from mash.contacts.models import Contact, ContactPerson
from mash.core.errors import ApplicationError, Conflict, NotPermitted
from mash.dataprotection import retention, services
from mash.dataprotection.models import RetentionReview
from mash.policy.profiles import active_profile

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
CLOSED_AT = datetime(2020, 1, 15, 10, 0, tzinfo=LONDON)


@pytest.fixture
def hollie(csc):
    return _persona("hollie", Role.HEAD_OF_SERVICE, csc)


def _below_threshold():
    return next(
        lvl
        for lvl in active_profile().threshold_model.levels
        if not lvl.leads_to_checks and not lvl.information_sharing
    )


def _staff_since_2019() -> None:
    """The personas were created today; the contacts were handled in 2020."""
    Membership.objects.update(starts_at=datetime(2019, 1, 1, tzinfo=LONDON))


def _closed_nfa(make_contact, sam, priya, meera, **overrides) -> Contact:
    _staff_since_2019()
    with time_machine.travel(CLOSED_AT, tick=False):
        contact = make_contact(**overrides)
        for person in contact.children():
            contacts.confirm_new_person(person, by=sam)
        contacts.screen_contact(
            contact,
            by=priya,
            threshold_level=_below_threshold().code,
            rag="GREEN",
            consent="GIVEN",
            rationale="Below the threshold.",
        )
        contacts.recommend_outcome(contact, by=sam, outcome="NFA", rationale="Advice given.")
        contacts.decide(contact, by=meera, agrees=True, outcome="NFA", rationale="Agreed.")
        contacts.close_contact(contact, by=meera)
    contact.refresh_from_db()
    return contact


def _closed_s47(make_contact, sam, priya, meera, polly) -> Contact:
    _staff_since_2019()
    with time_machine.travel(CLOSED_AT, tick=False):
        contact = make_contact(people=[child(date_of_birth=date(2015, 6, 1))])
        screen_at_threshold(contact, checked_by=sam, screened_by=priya)
        share_checks(contact, asked_by=sam, partner=polly)
        contacts.recommend_outcome(
            contact, by=sam, outcome="S47", rationale="Injury.", analysis="Call-outs."
        )
        contacts.decide(
            contact,
            by=meera,
            agrees=True,
            outcome="S47",
            rationale="Strategy discussion today.",
            team=contacts.suggested_team(contact, "S47"),
        )
        contacts.close_contact(contact, by=sam)
    contact.refresh_from_db()
    return contact


def _review(today: str) -> str:
    out = StringIO()
    call_command("retention", "review", today=date.fromisoformat(today), stdout=out)
    return out.getvalue()


def test_the_shipped_rules_load_and_a_bad_file_is_explained(tmp_path, settings):
    rules = retention.load_rules()
    assert [rule.id for rule in rules.rules] == ["RT-1", "RT-2", "RT-3", "RT-4"]
    assert "IRMS" in rules.source
    bad = tmp_path / "retention.yaml"
    bad.write_text(
        "version: 1\nsource: x\nrules:\n"
        "  - {id: RT-1, title: t, applies_to: contact, source: s,\n"
        "     when: {outcomes: [NFA]}, review: {years_after_closure: zero}}\n"
        "  - {id: RT-2, title: a, applies_to: audit_event, source: s,\n"
        "     review: {years_after_event: 6}}\n"
    )
    settings.MASH_RETENTION_RULES = str(bad)
    with pytest.raises(retention.RetentionRulesError, match="rules.0.review.years_after_closure"):
        retention.load_rules()
    with pytest.raises(CommandError, match="cannot be used"):
        _review("2026-12-01")
    bad.write_text(bad.read_text().replace("zero", "6"))
    with pytest.raises(retention.RetentionRulesError, match="disposal: never"):
        retention.load_rules()


def test_the_job_finds_what_is_due_never_deletes_and_is_idempotent(
    make_contact, sam, priya, meera, polly
):
    nfa = _closed_nfa(make_contact, sam, priya, meera)
    s47 = _closed_s47(make_contact, sam, priya, meera, polly)
    open_contact = make_contact()
    before = Contact.objects.count()

    with time_machine.travel(datetime(2026, 1, 14, 9, tzinfo=LONDON)):
        out = _review("2026-01-14")
    assert "0 new records due" in out and "Closed but not yet due: 2" in out

    with time_machine.travel(datetime(2026, 1, 15, 9, tzinfo=LONDON)):
        out = _review("2026-01-15")
        again = _review("2026-01-15")
    assert f"{nfa.reference}: RT-3, due 15/01/2026" in out
    assert "1 new records due" in out
    assert "0 new records due" in again and "Already waiting for a decision: 1" in again
    review = RetentionReview.objects.get()
    assert review.contact == nfa and review.status == RetentionReview.Status.DUE
    assert "6 years after closure" in review.explanation
    assert Contact.objects.count() == before  # nothing deleted
    assert open_contact.retention_reviews.count() == 0

    # The child protection enquiry is reviewed at the child's 25th birthday (RT-1).
    due = retention.due_for(s47, retention.load_rules())
    assert due.rule.id == "RT-1" and due.review_on == date(2040, 6, 1)
    events = AuditEvent.objects.filter(action="retention.review_due")
    assert list(events.values_list("contact_id", flat=True)) == [nfa.pk]
    assert AuditEvent.objects.filter(action="retention.reviewed").count() == 3


def test_keeping_a_record_puts_off_the_next_review(make_contact, sam, priya, meera):
    nfa = _closed_nfa(make_contact, sam, priya, meera)
    services.run_retention_review(today=date(2026, 2, 1))
    review = RetentionReview.objects.get()
    with pytest.raises(NotPermitted):
        services.keep_record(review, by=priya, keep_until=date(2027, 1, 1), reason="x")
    services.keep_record(
        review, by=meera, keep_until=date(2027, 1, 1), reason="A sibling's case is open."
    )
    assert services.run_retention_review(today=date(2026, 6, 1)).kept_until_later == 1
    run = services.run_retention_review(today=date(2027, 1, 1))
    assert [r.contact for r in run.created] == [nfa]
    assert run.created[0].review_due_on == date(2027, 1, 1)


def test_disposal_needs_a_second_person_and_leaves_a_tombstone(
    make_contact, sam, priya, meera, sonia, hollie
):
    nfa = _closed_nfa(
        make_contact, sam, priya, meera, concern_summary="DISPOSE-CANARY-55 bruising."
    )
    person = nfa.children().first().person
    services.run_retention_review(today=date(2026, 2, 1))
    review = RetentionReview.objects.get()
    services.propose_disposal(review, by=sonia, reason="Past the period; nothing open.")
    with pytest.raises(ApplicationError, match="second person"):
        services.approve_disposal(review, by=sonia)
    with pytest.raises(NotPermitted):
        services.approve_disposal(review, by=meera)
    assert Contact.objects.get(pk=nfa.pk).concern_summary.startswith("DISPOSE-CANARY-55")
    # A subject access request about the child still being answered holds the disposal.
    sar = _pending_subject_access(person, by=priya)
    with pytest.raises(ApplicationError, match="subject access request"):
        services.approve_disposal(review, by=hollie)
    assert Contact.objects.get(pk=nfa.pk).concern_summary.startswith("DISPOSE-CANARY-55")
    services.produce_export(sar, by=priya)
    after_the_reply = datetime.combine(sar.due_on + timedelta(days=1), time(9), tzinfo=LONDON)
    with time_machine.travel(after_the_reply):
        services.approve_disposal(review, by=hollie, note="Agreed.")
    with pytest.raises(Conflict):
        services.approve_disposal(review, by=hollie)

    tombstone = Contact.objects.get(pk=nfa.pk)
    assert tombstone.reference == nfa.reference and tombstone.received_at == nfa.received_at
    assert "DISPOSE-CANARY-55" not in tombstone.concern_summary
    assert tombstone.referrer_name == "" and tombstone.decision.outcome == "NFA"
    child_row = ContactPerson.objects.get(contact=nfa)
    assert child_row.given_names == "" and child_row.person is None
    assert child_row.date_of_birth is None
    review.refresh_from_db()
    assert review.status == RetentionReview.Status.DISPOSED and review.approved_by == hollie
    assert AuditEvent.objects.filter(contact_id=nfa.pk, action="contact.recorded").exists()
    assert AuditEvent.objects.filter(action="retention.disposed", actor=hollie).count() == 1
    assert person.pk  # the person record itself is not part of the contact's disposal
    assert services.run_retention_review(today=date(2030, 1, 1)).created == []


def test_the_retention_page(client, make_contact, sam, priya, meera, sonia, hollie, aled, carys):
    _closed_nfa(make_contact, sam, priya, meera)
    services.run_retention_review(today=date(2026, 2, 1))
    review = RetentionReview.objects.get()
    page = reverse("dataprotection:retention")
    detail = reverse("dataprotection:retention_review", args=[review.pk])
    for user in (carys, sam, priya):
        client.force_login(user)
        assert client.get(page).status_code == 403
    client.force_login(aled)
    assert client.get(page).status_code == 200
    assert client.post(detail, {"decision": "DISPOSE", "reason": "x"}).status_code == 403

    client.force_login(meera)
    assert review.reference in client.get(page).content.decode()
    bad = client.post(detail, {"decision": "KEEP", "reason": "Sibling open."})
    assert bad.status_code == 400
    assert "The date to keep it until must be in the future" in bad.content.decode()
    assert "Sibling open." in bad.content.decode()
    assert (
        client.post(detail, {"decision": "DISPOSE", "reason": "Nothing open."}).status_code == 302
    )
    review.refresh_from_db()
    assert review.status == RetentionReview.Status.DISPOSAL_PROPOSED

    client.force_login(sonia)
    assert "Approve the disposal" in client.get(detail).content.decode()
    assert client.post(detail, {"note": ""}).status_code == 302
    review.refresh_from_db()
    assert review.status == RetentionReview.Status.DISPOSED
    assert AuditEvent.objects.filter(action="retention.listed").exists()


def test_the_system_check_reports_bad_rules(tmp_path, settings):
    from mash.dataprotection.checks import check_retention_rules

    assert check_retention_rules() == []
    bad = tmp_path / "rules.yaml"
    bad.write_text("version: 2\n")
    settings.MASH_RETENTION_RULES = str(bad)
    [error] = check_retention_rules()
    assert error.id == "dataprotection.E001" and "version" in error.msg


def _pending_subject_access(person, *, by):
    received = timezone.localdate() - timedelta(days=1)
    return services.record_subject_access_request(
        person,
        by=by,
        details=services.RequestDetails(
            requester_name="The child's mother",
            requester_relationship="PARENT",
            received_on=received,
            identity_checked=True,
            identity_check="Passport seen.",
        ),
    )


def test_disposal_removes_the_dip_sample_audit_s_words(make_contact, sam, priya, meera):
    """An audit finding (DM-2) is about the case: its summary, learning points and notes go
    with the record; the grade and the Yes / No answers stay for the sample's figures."""
    from mash.sampling import checklist
    from mash.sampling import services as sampling
    from mash.sampling.models import AuditFinding, FindingAnswer

    nfa = _closed_nfa(make_contact, sam, priya, meera)
    closed_on = CLOSED_AT.date()
    sample = sampling.draw_sample(
        by=meera,
        title="January 2020",
        criteria=sampling.Criteria(closed_on, closed_on),
        size=1,
        seed=1,
    )
    sampling.record_finding(
        sample.items.get(),
        by=meera,
        finding=sampling.FindingInput(
            answers={q.id: "NO" if q.id == "letters" else "YES" for q in checklist.QUESTIONS},
            notes={"letters": "AUDIT-CANARY-3 no letter to Jayden's father."},
            grade="REQUIRES_IMPROVEMENT",
            summary="AUDIT-CANARY-1 Jayden's bruising was not followed up.",
            learning_points="AUDIT-CANARY-2 ask the school again.",
        ),
    )
    services.anonymise_contact(nfa)
    finding = AuditFinding.objects.get()
    assert finding.summary == services.DISPOSED_TEXT and finding.learning_points == ""
    assert finding.grade == "REQUIRES_IMPROVEMENT"
    notes = dict(FindingAnswer.objects.values_list("question_id", "note"))
    assert notes["letters"] == services.DISPOSED_TEXT
    assert notes["history"] == ""  # a Yes had no note: nothing to say was removed
    assert FindingAnswer.objects.get(question_id="letters").answer == "NO"
