"""Subject access export (CO-6): the subject's data is in it; other people's details, a
non-consenting referrer and partner-confidential information are not, each listed in the
withheld schedule (the MASH's, never the family's copy); the export and the withholding are
audited; a manager may release."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.urls import reverse

from conftest import _persona, child, screen_at_threshold
from mash.accounts.models import Role
from mash.audit.models import AuditEvent
from mash.contacts import services as contacts
from mash.core.errors import InvalidInput, NotPermitted
from mash.dataprotection import services
from mash.dataprotection.models import SubjectAccessRequest, WithheldItem
from mash.dataprotection.subject_access import WITHHOLDING_STATEMENT
from mash.sharing import services as sharing

pytestmark = pytest.mark.django_db

SUBJECT_MARK = "SUBJECT-MARKER-Q7"
THIRD_PARTY = "Zebedee Quornthwaite"
REFERRER = "Persephone Oddlegs"
PARTNER_TEXT = "PARTNER-CONFIDENTIAL-CANARY-91"
HOLDER = "HOLDER-CANARY-DI-Vexley"


@pytest.fixture
def hollie(csc):
    return _persona("hollie", Role.HEAD_OF_SERVICE, csc)


@pytest.fixture
def case(make_contact, sam, priya, polly):
    """A neighbour's contact about Jayden naming his mother's partner, who is an alleged
    perpetrator; the police answered with information and a confidential flag."""
    adult = services_adult()
    contact = make_contact(
        people=[child(), adult],
        referrer_source="1B",
        referrer_name=REFERRER,
        referrer_consents_to_disclosure=False,
        concern_summary=f"{SUBJECT_MARK}: Jayden said Zebedee shouted at him; "
        f"{THIRD_PARTY} was seen hitting the door.",
    )
    screen_at_threshold(contact, checked_by=sam, screened_by=priya)
    agency = polly.primary_agency()
    [request] = sharing.request_checks(
        contact,
        by=sam,
        agency_codes=[agency.code],
        concern_summary="Shouting at home.",
        question="What do you hold?",
        legal_basis="CA1989_S47",
    )
    sharing.record_contribution(
        request,
        by=polly,
        answer=sharing.Answer(
            kind="INFORMATION",
            information=f"{PARTNER_TEXT} two call-outs.",
            analysis="Escalating.",
            has_confidential_information=True,
            confidential_holder=HOLDER,
        ),
    )
    contact.refresh_from_db()
    return contact


def services_adult():
    return contacts.PersonDetails(
        given_names="Zebedee",
        family_name="Quornthwaite",
        kind="ADULT",
        is_alleged_perpetrator=True,
        relationship_to_child="Mother's partner",
    )


def _jayden(contact):
    return contact.children().first().person


def _details(**overrides):
    values = {
        "requester_name": "Jayden's mother",
        "requester_relationship": "PARENT",
        "received_on": date(2026, 1, 31),
        "identity_checked": True,
        "identity_check": "Passport and birth certificate seen at the office.",
    }
    return services.RequestDetails(**(values | overrides))


def test_the_reply_is_due_one_calendar_month_later():
    assert services.one_calendar_month_after(date(2026, 1, 31)) == date(2026, 2, 28)
    assert services.one_calendar_month_after(date(2026, 3, 15)) == date(2026, 4, 15)


def test_only_managers_handle_subject_access(case, sam, carys, priya, polly):
    person = _jayden(case)
    for user in (sam, carys, polly):
        with pytest.raises(NotPermitted):
            services.record_subject_access_request(person, by=user, details=_details())
    sar = services.record_subject_access_request(person, by=priya, details=_details())
    assert sar.due_on == date(2026, 2, 28)


def test_identity_must_be_checked(case, priya):
    with pytest.raises(InvalidInput) as error:
        services.record_subject_access_request(
            _jayden(case), by=priya, details=_details(identity_checked=False, identity_check="")
        )
    fields = {problem.field for problem in error.value.problems}
    assert fields == {"identity_checked", "identity_check"}
    assert not SubjectAccessRequest.objects.exists()


def test_the_export_withholds_third_parties_and_partner_information(case, priya):
    person = _jayden(case)
    sar = services.record_subject_access_request(person, by=priya, details=_details())
    services.produce_export(sar, by=priya)
    made = services.export_for_download(sar, by=priya, form="json")
    text = json.dumps(made["data"])

    assert SUBJECT_MARK in text and person.full_name in text and case.reference in text
    for secret in (THIRD_PARTY, "Zebedee", "Quornthwaite", REFERRER, PARTNER_TEXT, HOLDER):
        assert secret not in text, secret
    assert "[another person]" in text

    rows = {item.key.split(":")[-1]: item for item in WithheldItem.objects.filter(request=sar)}
    assert rows["referrer"].exemption == WithheldItem.Exemption.THIRD_PARTY
    assert rows["confidential"].exemption == WithheldItem.Exemption.CRIME  # police (CO-5)
    kinds = sorted(item.description.split(" ")[0] for item in rows.values())
    assert len(rows) == 4, kinds  # referrer, the adult, the police answer, the flag
    # The family's copy says only what the law lets us leave out, the same words whatever was
    # withheld: no list of what, which would say the police hold something (CO-5).
    assert made["data"]["what_may_be_left_out"] == WITHHOLDING_STATEMENT
    for telling in ("alleged perpetrator", "Confidential", "confidential", "Withheld"):
        assert telling not in text, telling
    assert any("alleged perpetrator" in item.description for item in rows.values())

    events = AuditEvent.objects.filter(person_id=person.pk)
    assert events.filter(action="sar.produced").count() == 1
    assert events.filter(action="sar.item_withheld").count() == 4
    assert events.filter(action="sar.downloaded", data__format="json").count() == 1


def test_producing_again_records_no_duplicate_withholding(case, priya):
    sar = services.record_subject_access_request(_jayden(case), by=priya, details=_details())
    services.produce_export(sar, by=priya)
    services.produce_export(sar, by=priya)
    assert sar.withheld_items.count() == 4
    assert AuditEvent.objects.filter(action="sar.item_withheld").count() == 4


def test_a_manager_releases_an_item_with_a_reason(case, priya, meera):
    sar = services.record_subject_access_request(_jayden(case), by=priya, details=_details())
    services.produce_export(sar, by=priya)
    answer = sar.withheld_items.get(key__startswith="contribution:", key__endswith=case_key(sar))
    services.release_item(answer, by=meera, reason="The police agreed by email on 2 February.")
    text = json.dumps(services.export_for_download(sar, by=priya, form="json")["data"])
    assert PARTNER_TEXT in text and HOLDER not in text
    assert AuditEvent.objects.filter(action="sar.item_released", actor=meera).count() == 1


def case_key(sar):
    """The police answer's key ends with its id (the confidential flag's has a suffix)."""
    keys = sar.withheld_items.filter(key__startswith="contribution:").values_list("key", flat=True)
    return next(key for key in keys if not key.endswith(":confidential")).split(":")[1]


# --------------------------------------------------------------------------- over HTTP


def test_the_pages_over_http(client, case, priya, sam, aled):
    person = _jayden(case)
    page = reverse("subject_access:list", args=[person.pk])
    client.force_login(sam)
    assert client.get(page).status_code == 403
    client.force_login(aled)
    assert client.get(page).status_code == 200
    assert client.post(page, {}).status_code == 403

    client.force_login(priya)
    bad = client.post(page, {"requester_name": "Ms Smyth", "identity_check": ""})
    assert bad.status_code == 400
    assert "Check the requester&#39;s identity" in bad.content.decode()
    assert 'value="Ms Smyth"' in bad.content.decode()

    done = client.post(
        page,
        {
            "requester_name": "Ms Smyth",
            "requester_relationship": "PARENT",
            "received_on_day": "3",
            "received_on_month": "11",
            "received_on_year": "2026",
            "identity_checked": "on",
            "identity_check": "Passport seen.",
        },
    )
    assert done.status_code == 302
    sar = SubjectAccessRequest.objects.get()
    assert sar.due_on == date(2026, 12, 3)
    detail = reverse("subject_access:detail", args=[person.pk, sar.pk])
    assert (
        client.post(reverse("subject_access:produce", args=[person.pk, sar.pk])).status_code == 302
    )
    body = client.get(detail).content.decode()
    assert "Withheld schedule" in body and "alleged perpetrator" in body

    html = client.get(reverse("subject_access:document", args=[person.pk, sar.pk]))
    assert html.status_code == 200
    content = html.content.decode()
    assert SUBJECT_MARK in content
    for secret in (THIRD_PARTY, REFERRER, PARTNER_TEXT, HOLDER, "alleged perpetrator"):
        assert secret not in content
    assert "Withheld schedule" not in content and "What may be left out" in content
    download = client.get(reverse("subject_access:document_json", args=[person.pk, sar.pk]))
    assert download["Content-Disposition"].startswith("attachment")

    client.force_login(aled)  # auditors see the schedule, never the export
    assert client.get(detail).status_code == 200
    doc = reverse("subject_access:document", args=[person.pk, sar.pk])
    assert client.get(doc).status_code == 403

    client.force_login(priya)
    item = sar.withheld_items.get(key__endswith=":referrer")
    release = reverse("subject_access:release", args=[person.pk, sar.pk, item.pk])
    assert client.post(release, {"reason": ""}).status_code == 400
    assert client.post(release, {"reason": "The neighbour agreed in writing."}).status_code == 302
    assert REFERRER in client.get(doc).content.decode()
    assert client.post(release, {"reason": "Again."}).status_code == 409


def test_partners_cannot_reach_the_pages(client, case, polly):
    client.force_login(polly)
    page = reverse("subject_access:list", args=[_jayden(case).pk])
    assert client.get(page).status_code == 404


def test_a_partner_s_reasons_for_a_dispute_are_withheld(case, sam, priya, polly):
    from mash.disputes import services as disputes

    sharing.complete_checks(case, by=sam)
    contacts.recommend_outcome(case, by=sam, outcome="S17", rationale="r", analysis="a")
    disputes.raise_dispute(case, by=polly, reason="DISPUTE-CANARY-3 the risk is higher.")
    sar = services.record_subject_access_request(_jayden(case), by=priya, details=_details())
    services.produce_export(sar, by=priya)
    data = services.export_for_download(sar, by=priya, form="json")["data"]
    assert "DISPUTE-CANARY-3" not in json.dumps(data)
    assert sar.withheld_items.filter(key__startswith="dispute:").count() == 1


def test_a_referrer_is_left_out_by_each_part_of_their_name(case, priya):
    """A neighbour who did not agree to be named (IN-9) is not named by first name alone."""
    case.concern_summary += " Persephone said she saw it; Mrs Oddlegs will call again."
    case.save()
    sar = services.record_subject_access_request(_jayden(case), by=priya, details=_details())
    services.produce_export(sar, by=priya)
    text = json.dumps(services.export_for_download(sar, by=priya, form="json")["data"])
    assert "Persephone" not in text and "Oddlegs" not in text


def test_the_mash_analysis_drawing_on_a_partner_s_answer_is_withheld_until_released(
    case, sam, priya
):
    """The MA-6 analysis of a contact the police answered repeats what they said (CO-4): it
    is withheld under the police's exemption, like their answer, until released."""
    analysis = "ANALYSIS-MARKER-77: the police call-outs show an escalating pattern."
    sharing.recommend_after_checks(
        case, by=sam, analysis=analysis, outcome="S17", rationale="Needs an assessment."
    )
    sar = services.record_subject_access_request(_jayden(case), by=priya, details=_details())
    services.produce_export(sar, by=priya)
    assert "ANALYSIS-MARKER-77" not in json.dumps(
        services.export_for_download(sar, by=priya, form="json")["data"]
    )
    item = sar.withheld_items.get(key__endswith=":analysis")
    assert item.exemption == WithheldItem.Exemption.CRIME
    assert "Needs an assessment." in json.dumps(  # the MASH's reasons are its own
        services.export_for_download(sar, by=priya, form="json")["data"]
    )

    services.release_item(item, by=priya, reason="The police agreed on 3 December.")
    services.produce_export(sar, by=priya)
    released = json.dumps(services.export_for_download(sar, by=priya, form="json")["data"])
    assert "ANALYSIS-MARKER-77" in released


def _audited(contact, *, by, summary: str, note: str) -> None:
    """A dip sample of this one contact, and the auditor's finding on it (DM-2)."""
    from django.utils import timezone

    from mash.sampling import checklist
    from mash.sampling import services as sampling
    from mash.sampling.models import DipSample, SampleItem

    today = timezone.localdate()
    sample = DipSample.objects.create(
        title="Audit",
        drawn_by=by,
        drawn_at=timezone.now(),
        closed_from=today,
        closed_to=today,
        requested_size=1,
        population_size=1,
        seed=1,
        population_digest="0" * 64,
    )
    item = SampleItem.objects.create(sample=sample, contact=contact, position=1)
    sampling.record_finding(
        item,
        by=by,
        finding=sampling.FindingInput(
            answers={q.id: "NO" if q.id == "letters" else "YES" for q in checklist.QUESTIONS},
            notes={"letters": note},
            grade="REQUIRES_IMPROVEMENT",
            summary=summary,
            learning_points="LEARNING-MARKER-5 write to both parents.",
        ),
    )


def test_a_quality_audit_of_the_case_is_included_as_the_mash_s_own_words(
    make_contact, sam, priya, meera
):
    """The council's opinion of how the child's case was handled is about the child: shown,
    with other people's names taken out, as the MASH's own reasons are."""
    contact = make_contact(people=[child(), services_adult()])
    screen_at_threshold(contact, checked_by=sam, screened_by=priya)  # no partner asked
    _audited(
        contact,
        by=meera,
        summary=f"AUDIT-MARKER-1 {THIRD_PARTY} was not asked about the bruise.",
        note="NOTE-MARKER-3 no letter.",
    )
    sar = services.record_subject_access_request(_jayden(contact), by=priya, details=_details())
    services.produce_export(sar, by=priya)
    text = json.dumps(services.export_for_download(sar, by=priya, form="json")["data"])
    for shown in ("Quality audit of", "Requires improvement to be good", "AUDIT-MARKER-1"):
        assert shown in text, shown
    assert "LEARNING-MARKER-5" in text and "No: NOTE-MARKER-3 no letter." in text
    assert THIRD_PARTY not in text and "Zebedee" not in text
    assert not sar.withheld_items.filter(key__startswith="audit-").exists()


def test_a_quality_audit_of_a_case_a_partner_answered_is_withheld_until_released(
    case, priya, meera
):
    """The audit reads and judges what the police said (CO-4): withheld under their
    exemption, like the MASH's analysis, until released."""
    _audited(case, by=meera, summary="AUDIT-MARKER-1 the call-outs.", note="NOTE-MARKER-3")
    sar = services.record_subject_access_request(_jayden(case), by=priya, details=_details())
    services.produce_export(sar, by=priya)
    text = json.dumps(services.export_for_download(sar, by=priya, form="json")["data"])
    assert "Requires improvement to be good" in text
    for secret in ("AUDIT-MARKER-1", "LEARNING-MARKER-5", "NOTE-MARKER-3"):
        assert secret not in text, secret
    summary = sar.withheld_items.get(key__startswith="audit-finding:", key__endswith=":summary")
    assert summary.exemption == WithheldItem.Exemption.CRIME
    services.release_item(summary, by=meera, reason="The police agreed on 3 December.")
    text = json.dumps(services.export_for_download(sar, by=priya, form="json")["data"])
    assert "AUDIT-MARKER-1" in text and "NOTE-MARKER-3" not in text
