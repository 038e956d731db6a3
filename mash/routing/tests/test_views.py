"""Routing through the pages and the partner API: every suggestion shows its rule, reason and
source; bad input is explained and kept; team inboxes; typed concerns in the API."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest

from mash.accounts.models import Agency
from mash.api.models import PartnerApiClient
from mash.contacts.models import Contact
from mash.routing import services as routing
from mash.routing import tasks
from mash.routing.tests.conftest import known_child, link_children

pytestmark = pytest.mark.django_db
Status = Contact.Status


@pytest.fixture
def open_case(make_contact, sam, profile) -> Contact:
    person = known_child(team="childrens-team", worker="Ann Worker", started=date(2026, 3, 2))
    contact = make_contact()
    link_children(contact, person, by=sam)
    return contact


def test_the_contact_page_explains_the_route_by_rule_reason_source_and_quote(
    client, open_case, carys
):
    client.force_login(carys)
    page = client.get(f"/contacts/{open_case.pk}/").content.decode()
    assert "Suggested: The allocated social worker (Children&#39;s Team (assessment))" in page
    assert "<strong>IN-6</strong>: Jayden Smyth is open to social care" in page
    assert "Source: seed 004 §3 (Northamptonshire" in page
    assert (
        "Referrals on open cases should be made to the child&#39;s allocated social worker" in page
    )
    assert "Pass it on as suggested" in page
    assert "Choose a different route" not in page  # a customer advisor cannot override


def test_passing_it_on_from_the_page(client, open_case, carys):
    client.force_login(carys)
    response = client.post(f"/contacts/{open_case.pk}/route/accept/", {"note": ""})
    assert response.status_code == 302
    open_case.refresh_from_db()
    assert open_case.status == Status.PASSED_ON
    inbox = client.get("/teams/childrens-team/").content.decode()
    assert open_case.reference in inbox
    assert "Confirm the team has it" in client.get(f"/contacts/{open_case.pk}/").content.decode()


def test_choosing_a_route_without_a_reason_is_explained_and_keeps_the_input(
    client, open_case, meera
):
    client.force_login(meera)
    url = f"/contacts/{open_case.pk}/route/choose/"
    assert "Referrals on open cases" in client.get(url).content.decode()  # the suggestion's why
    response = client.post(
        url, {"destination": "PREVIOUS_TEAM", "team": "", "worker": "Bo Keeper", "reason": ""}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter why the contact should not go where suggested" in page
    assert 'value="Bo Keeper"' in page
    assert 'value="PREVIOUS_TEAM" checked' in page

    response = client.post(
        url, {"destination": "PREVIOUS_TEAM", "team": "", "worker": "", "reason": "Old team."}
    )
    assert response.status_code == 400
    assert "Choose the team it passes to." in response.content.decode()

    response = client.post(
        url, {"destination": "MASH_SCREENING", "team": "", "reason": "Worker on leave."}
    )
    assert response.status_code == 302
    detail = client.get(f"/contacts/{open_case.pk}/").content.decode()
    assert "Route chosen instead of the suggestion" in detail
    assert "Worker on leave." in detail  # on the timeline too
    assert "Screen this contact" in detail


def test_a_task_is_done_from_its_page(client, make_contact, carys, profile):
    contact = make_contact(possible_offence=True)
    task = contact.tasks.get(kind="POLICE_INFORMED")
    client.force_login(carys)
    url = f"/contacts/{contact.pk}/tasks/{task.pk}/"
    page = client.get(url).content.decode()
    assert "<strong>IN-12</strong>" in page
    assert client.post(url, {"note": ""}).status_code == 400
    assert client.post(url, {"note": "PC Jones told at 10:05."}).status_code == 302
    contact.refresh_from_db()
    assert contact.police_informed


def test_concerns_can_be_typed_after_intake(client, make_contact, carys, profile):
    contact = make_contact()
    client.force_login(carys)
    url = f"/contacts/{contact.pk}/concerns/"
    response = client.post(url, {"concern_categories": ["neglect", "mental_health_admission"]})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.concern_categories == ["neglect", "mental_health_admission"]
    assert contact.tasks.filter(kind="CONSIDER_REFERRAL").exists()  # SP-4 in Northamptonshire
    assert client.post(url, {"concern_categories": ["nonsense"]}).status_code == 400


def test_partners_do_not_open_team_inboxes(client, polly, profile):
    client.force_login(polly)
    assert client.get("/teams/").status_code == 403
    assert client.get("/teams/mash/").status_code == 403


# --------------------------------------------------------------------------- the partner API


@pytest.fixture
def police_token(profile):
    agency = Agency.objects.filter(code__icontains="police").first()
    return PartnerApiClient.issue(name="Police case system", agency=agency, referrer_source="6")[1]


def _submit(client, token, **extra):
    body = {
        "purpose": "PROVISION_OF_INFORMATION",
        "referrer": {"name": "PC Jones"},
        "children": [{"given_names": "Lily", "family_name": "Brown"}],
        "concern_summary": "Domestic incident attended; children present.",
        **extra,
    }
    return client.post(
        "/api/v1/contacts",
        json.dumps(body),
        content_type="application/json",
        headers={
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": f"routing-key-{uuid.uuid4()}",
        },
    )


def test_the_api_takes_typed_concerns_and_explains_its_clocks(client, police_token, sam):
    response = _submit(client, police_token, concern_categories=["domestic_abuse"])
    assert response.status_code == 201, response.content
    receipt = response.json()
    contact = Contact.objects.get(reference=receipt["reference"])
    assert contact.concern_categories == ["domestic_abuse"]
    ts1 = next(c for c in receipt["clocks"] if c["rule_id"] == "TS-1")
    assert ts1["source"] and ts1["explanation"][0].startswith("Rule TS-1")
    assert receipt["route"] is None  # while the MASH decides


def test_the_api_says_only_that_a_team_has_it_never_which_or_why(client, police_token, sam, carys):
    """CO-4: "the allocated social worker" would tell the referrer the child has an open case."""
    from mash.contacts import services

    response = _submit(client, police_token)
    contact = Contact.objects.get(reference=response.json()["reference"])
    known = known_child(team="childrens-team", worker="Wendy Worker", started=date(2026, 3, 2))
    services.link_person(contact.children().get(), person=known, by=sam)

    def route() -> dict:
        return client.get(
            f"/api/v1/contacts/{contact.reference}",
            headers={"Authorization": f"Bearer {police_token}"},
        ).json()["route"]

    assert route() is None  # suggested, not yet passed on
    routing.accept_route(contact, by=carys)
    passed = route()
    assert passed["destination"] == "TEAM"
    assert [r["rule_id"] for r in passed["rules"]] == ["OU-3"]
    said = json.dumps(passed)
    assert "Wendy Worker" not in said and "allocated" not in said.lower()
    assert "Duty" not in said and "open" not in said.lower()


def test_the_api_refuses_an_unknown_concern_with_the_rule_and_its_source(client, police_token):
    response = _submit(client, police_token, concern_categories=["made_up"])
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "concern_categories"
    assert error["explanations"][0]["rule_id"] == "IN-5"
    assert error["explanations"][0]["source"] == "004 §2–3"
    assert not Contact.objects.exists()


def test_the_api_lists_the_concern_codes(client, police_token):
    codes = client.get(
        "/api/v1/concern-categories", headers={"Authorization": f"Bearer {police_token}"}
    ).json()
    fgm = next(c for c in codes if c["code"] == "fgm")
    assert fgm["cin_factors"] == ["22A"] and fgm["pathway"] == "SP-3"


def test_suggestions_are_stored_only_when_they_change(make_contact, sam, profile):
    contact = make_contact()
    assert contact.route_suggestions.count() == 1
    routing.refresh(contact)
    assert contact.route_suggestions.count() == 1


def test_a_refusal_on_a_page_says_which_rules_applied_and_where_they_come_from(
    client, open_case, sam, priya
):
    client.force_login(priya)
    response = client.post(
        f"/contacts/{open_case.pk}/screen/",
        {"threshold_level": "4", "rag": "RED", "consent": "GIVEN", "rationale": "At threshold."},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "route this contact to Children&#39;s Team (assessment)" in page
    assert "Why: the rules that applied" in page
    assert "<strong>IN-6</strong>: A referral about an open case goes to the allocated" in page
    assert "Source: seed 004 §3 (Northamptonshire" in page


def test_a_task_due_now_puts_the_contact_at_the_top_of_the_queue(client, make_contact, carys):
    from datetime import timedelta

    from django.utils import timezone

    calm = make_contact(received_at=timezone.now() - timedelta(hours=2))
    offence = make_contact(possible_offence=True, received_at=timezone.now() - timedelta(hours=1))
    client.force_login(carys)
    page = client.get("/contacts/").content.decode()
    assert page.index(offence.reference) < page.index(calm.reference)
    tasks.complete_task(offence.tasks.get(), by=carys, note="Told PC Jones.")
    page = client.get("/contacts/").content.decode()
    assert page.index(calm.reference) < page.index(offence.reference)


def test_a_task_named_with_braces_is_marked_done_through_its_page(client, make_contact, sam):
    from mash.routing import pathways

    contact = make_contact()
    pathways.record_cross_boundary(
        contact,
        by=sam,
        other_authority="Shire {North}",
        position="DISAGREED",
        note="They say we act.",
    )
    task = contact.tasks.get(kind="CROSS_BOUNDARY_ESCALATION")
    client.force_login(sam)
    response = client.post(
        f"/contacts/{contact.pk}/tasks/{task.pk}/",
        {"note": "Told the Head of Service by email at 09:30."},
        follow=True,
    )
    assert response.status_code == 200
    assert "Done: Refer the disagreement with Shire {North} to senior managers." in (
        response.content.decode()
    )
    task.refresh_from_db()
    assert not task.is_open


def test_a_manager_may_choose_a_route_for_a_contact_the_mash_would_screen(
    client, make_contact, sam, priya
):
    contact = make_contact()
    for person in contact.children():
        from mash.contacts import services

        services.confirm_new_person(person, by=sam)
    client.force_login(sam)
    assert "Choose a different route" not in client.get(f"/contacts/{contact.pk}/").content.decode()
    client.force_login(priya)
    page = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert "Choose a different route" in page
    assert "Pass it on as suggested" not in page  # the MASH keeps it: nowhere to pass it


@pytest.mark.profile("calderdale")
def test_pathway_reviews_show_in_words(client, make_contact, sam, profile):
    from mash.routing import pathways

    contact = make_contact(concern_categories=["disability"])
    pathways.record_dct_eligibility(contact, by=sam, criteria=["autism", "learning-disability"])
    client.force_login(sam)
    page = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert "Disabled Children&#39;s Team criteria (SC-8)" in page
    assert "Meets the criteria (criteria met: An autism diagnosis; A moderate or severe" in page
    assert "ELIGIBLE" not in page


def test_the_page_says_what_passing_on_waits_for_instead_of_offering_it(
    client, make_contact, sam, carys
):
    person = known_child(team="childrens-team", worker="Ann Worker", started=date(2026, 3, 2))
    contact = make_contact(possible_offence=True)
    link_children(contact, person, by=sam)
    client.force_login(carys)
    page = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert "Pass it on as suggested" not in page
    assert "Before it is passed on, these must be done now: Tell the police now" in page

    tasks.complete_task(contact.tasks.get(kind="POLICE_INFORMED"), by=carys, note="PC 9.")
    page = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert "Pass it on as suggested" in page


@pytest.mark.profile("rotherham")
def test_receipt_is_offered_only_when_nothing_is_owed(client, make_contact, sam, carys, profile):
    from mash.routing import pathways

    person = known_child(team="duty-assessment", worker="Ann Worker", started=date(2026, 3, 2))
    contact = make_contact(concern_categories=["domestic_abuse"])
    link_children(contact, person, by=sam)
    routing.accept_route(contact, by=carys)
    client.force_login(carys)
    page = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert f'href="/contacts/{contact.pk}/route/receipt/"' not in page
    assert "Confirm the team has it once this is done. Still to do: Review the domestic" in page
    pathways.record_domestic_abuse_review(contact, by=sam, risk="STANDARD", plan="")
    page = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert f'href="/contacts/{contact.pk}/route/receipt/"' in page


def test_the_api_says_when_the_mash_has_decided_or_passed_the_case_on(
    client, police_token, sam, priya, meera, profile
):
    from mash.contacts import services

    def route(contact) -> dict:
        return client.get(
            f"/api/v1/contacts/{contact.reference}",
            headers={"Authorization": f"Bearer {police_token}"},
        ).json()["route"]

    below = next(
        lvl for lvl in profile.threshold_model.levels if not lvl.meets_social_care_threshold
    )
    for outcome, team, expected in [
        ("NFA", "", ("MASH", "The MASH has decided what happens next")),
        ("EARLY_HELP", "early-help", ("TEAM", "Passed to the team that will act on it")),
    ]:
        contact = Contact.objects.get(reference=_submit(client, police_token).json()["reference"])
        for person in contact.children():
            services.confirm_new_person(person, by=sam)
        services.screen_contact(
            contact,
            by=priya,
            threshold_level=below.code,
            rag="GREEN",
            consent="GIVEN",
            rationale="Below the threshold.",
        )
        assert route(contact)["destination_text"] == "The MASH has it"
        services.recommend_outcome(contact, by=sam, outcome=outcome, rationale="Support.")
        services.decide(
            contact, by=meera, agrees=True, outcome=outcome, rationale="Agreed.", team=team
        )
        found = route(contact)
        assert (found["destination"], found["destination_text"]) == expected
        assert "Early Help" not in str(found)  # never which team (CO-4)
