"""Recording and working contacts through the web pages: bad input is explained and kept."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from mash.audit.models import AuditEvent
from mash.contacts import services
from mash.contacts.clocks import profile_of
from mash.contacts.models import Contact

pytestmark = pytest.mark.django_db


def staff_form(**overrides) -> dict[str, str]:
    now = timezone.localtime() - timezone.timedelta(minutes=10)
    data = {
        "received_date_day": str(now.day),
        "received_date_month": str(now.month),
        "received_date_year": str(now.year),
        "received_time": now.strftime("%H:%M"),
        "channel": "TELEPHONE",
        "purpose": "REQUEST_FOR_SERVICES",
        "referrer_source": "2A",
        "referrer_name": "Ms Patel",
        "referrer_role": "Designated safeguarding lead",
        "referrer_phone": "01632 960123",
        "concern_summary": "Child said her stepfather hit her.",
        "immediate_protection_needed": "UNKNOWN",
        "parents_aware": "YES",
        "parents_consent": "NO",
        "children-TOTAL_FORMS": "1",
        "children-INITIAL_FORMS": "0",
        "children-MIN_NUM_FORMS": "1",
        "children-MAX_NUM_FORMS": "20",
        "children-0-given_names": "Ellie",
        "children-0-family_name": "Jones",
        "children-0-date_of_birth_day": "3",
        "children-0-date_of_birth_month": "7",
        "children-0-date_of_birth_year": "2015",
        "adults-TOTAL_FORMS": "0",
        "adults-INITIAL_FORMS": "0",
        "adults-MIN_NUM_FORMS": "0",
        "adults-MAX_NUM_FORMS": "20",
    }
    data.update(overrides)
    return data


def errors(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    summary = soup.select_one(".govuk-error-summary")
    return [li.get_text(strip=True) for li in summary.select("li")] if summary else []


def test_customer_advisor_records_a_call_with_two_children_and_an_adult(client, carys):
    client.force_login(carys)
    added = client.post("/contacts/new/", staff_form(add_children="1"))
    assert added.status_code == 200 and not errors(added)
    assert b'name="children-1-given_names"' in added.content
    assert b'value="Ellie"' in added.content  # what was typed is still there
    data = staff_form(
        **{
            "children-TOTAL_FORMS": "2",
            "children-1-given_names": "Max",
            "children-1-family_name": "Jones",
            "adults-TOTAL_FORMS": "1",
            "adults-0-given_names": "Gary",
            "adults-0-family_name": "Hill",
            "adults-0-relationship_to_child": "Stepfather",
            "adults-0-is_alleged_perpetrator": "on",
            "adults-0-lives_in_household": "on",
        }
    )
    response = client.post("/contacts/new/", data)
    assert response.status_code == 302, errors(response)
    contact = Contact.objects.get()
    assert response["Location"] == f"/contacts/{contact.pk}/"
    assert [p.given_names for p in contact.children()] == ["Ellie", "Max"]
    gary = contact.adults().get()
    assert gary.is_alleged_perpetrator and not gary.has_parental_responsibility
    assert contact.recorded_by == carys and contact.channel == "TELEPHONE"


def test_bad_input_is_explained_in_plain_english_and_kept(client, carys):
    client.force_login(carys)
    data = staff_form(
        concern_summary="",
        **{
            "children-0-nhs_number": "12345",
            "children-0-date_of_birth_month": "13",
            "referrer_email": "not-an-email",
        },
    )
    response = client.post("/contacts/new/", data)
    assert response.status_code == 400
    messages = errors(response)
    assert "Enter what the concern is" in messages
    assert "NHS number must be 10 digits, like 999 123 4567" in messages
    assert any("real date" in m or "month" in m for m in messages)
    assert "Enter an email address in the correct format, like name@example.com" in messages
    html = response.content.decode()
    for typed in (
        'value="12345"',
        'value="13"',
        'value="not-an-email"',
        'value="Ms Patel"',
        'value="Ellie"',
    ):
        assert typed in html, typed
    assert Contact.objects.count() == 0


def test_service_rule_errors_land_on_the_field(client, carys):
    client.force_login(carys)
    response = client.post("/contacts/new/", staff_form(referrer_source="9"))
    assert response.status_code == 400
    assert any("anonymous" in m for m in errors(response))
    assert Contact.objects.count() == 0
    no_child = staff_form(
        **{
            "children-0-given_names": "",
            "children-0-family_name": "",
            "children-0-date_of_birth_day": "",
            "children-0-date_of_birth_month": "",
            "children-0-date_of_birth_year": "",
        }
    )
    response = client.post("/contacts/new/", no_child)
    assert response.status_code == 400
    assert "Enter at least one child: a name, date of birth or NHS number." in errors(response)


def test_public_form_needs_no_sign_in_and_gives_a_reference(client):
    data = staff_form(referrer_source="1B", referrer_name="A Neighbour")
    response = client.post("/request-help/form/", data)
    assert response.status_code == 302 and response["Location"] == "/request-help/sent/"
    page = client.get("/request-help/sent/")
    contact = Contact.objects.get()
    assert contact.reference in page.content.decode()
    assert contact.channel == Contact.Channel.ONLINE_FORM and contact.recorded_by is None
    assert contact.clocks.get(rule_id="TS-5").met_at is not None  # acknowledged on screen
    assert AuditEvent.objects.filter(
        contact_id=contact.pk, action="contact.recorded", actor_name="Online form"
    ).exists()


def test_sent_page_without_a_submission_goes_to_the_start(client):
    assert client.get("/request-help/sent/")["Location"] == "/request-help/"


def test_professional_form_is_a_written_referral(client):
    response = client.post("/request-help/professional/", staff_form(referrer_source="3B"))
    assert response.status_code == 302
    assert Contact.objects.get().channel == Contact.Channel.WRITTEN_REFERRAL


def test_public_form_errors_keep_input(client):
    response = client.post(
        "/request-help/form/", staff_form(concern_summary="", referrer_name="Jo Bloggs")
    )
    assert response.status_code == 400
    assert 'value="Jo Bloggs"' in response.content.decode()
    assert Contact.objects.count() == 0


def test_viewing_a_contact_is_audited(client, sam, received):
    client.force_login(sam)
    response = client.get(f"/contacts/{received.pk}/")
    assert response.status_code == 200
    assert received.reference in response.content.decode()
    assert (
        AuditEvent.objects.filter(
            contact_id=received.pk, action="contact.viewed", actor=sam
        ).count()
        == 1
    )


def test_detail_shows_every_clock_with_its_rule_and_explanation(client, sam, received):
    client.force_login(sam)
    html = client.get(f"/contacts/{received.pk}/").content.decode()
    for rule in ("TS-1", "TS-4", "TS-5"):
        assert f"Why is {rule} due then?" in html
    assert "Rule TS-1" in html


def test_screening_through_the_page(client, sam, priya, received, profile):
    for person in received.children():
        services.confirm_new_person(person, by=sam)
    client.force_login(priya)
    level = next(lvl for lvl in profile.threshold_model.levels if lvl.meets_social_care_threshold)
    bad = client.post(
        f"/contacts/{received.pk}/screen/",
        {
            "threshold_level": level.code,
            "rag": "GREEN",
            "consent": "GIVEN",
            "rationale": "Typed rationale",
        },
    )
    assert bad.status_code == 400
    assert any("red or amber" in m for m in errors(bad))
    assert "Typed rationale" in bad.content.decode()
    good = client.post(
        f"/contacts/{received.pk}/screen/",
        {"threshold_level": level.code, "rag": "RED", "consent": "GIVEN", "rationale": "Injury."},
    )
    assert good.status_code == 302
    received.refresh_from_db()
    assert received.status == Contact.Status.INFORMATION_SHARING


def test_history_check_links_the_child(client, sam, received):
    from mash.people.models import Person

    known = Person.objects.create(
        given_names="Jayden",
        family_name="Smyth",
        date_of_birth=received.children().get().date_of_birth,
    )
    child = received.children().get()
    client.force_login(sam)
    page = client.get(f"/contacts/{received.pk}/people/{child.pk}/history/")
    assert str(known.pk) in page.content.decode()
    response = client.post(
        f"/contacts/{received.pk}/people/{child.pk}/history/",
        {"choice": "link", "person": known.pk},
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.person == known


def test_queue_shows_overdue_items_first_and_unmistakably(client, sam, make_contact):
    old = make_contact(received_at=timezone.now() - timezone.timedelta(days=6))
    new = make_contact()
    client.force_login(sam)
    html = client.get("/contacts/").content.decode()
    assert html.index(old.reference) < html.index(new.reference)
    assert "Overdue" in html
    overdue_only = client.get("/contacts/?overdue=1").content.decode()
    assert old.reference in overdue_only and new.reference not in overdue_only


def test_queue_keeps_closed_contacts_while_confirmation_is_owed(
    client, sam, priya, meera, received
):
    for person in received.children():
        services.confirm_new_person(person, by=sam)
    level = next(
        lvl
        for lvl in profile_of(received).threshold_model.levels
        if not lvl.meets_social_care_threshold
    )
    services.screen_contact(
        received,
        by=priya,
        threshold_level=level.code,
        rag="GREEN",
        consent="GIVEN",
        rationale="Below.",
    )
    services.recommend_outcome(received, by=sam, outcome="NFA", rationale="None needed.")
    services.decide(received, by=meera, agrees=True, outcome="NFA", rationale="Agreed.")
    services.close_contact(received, by=sam)
    client.force_login(sam)
    assert received.reference in client.get("/contacts/").content.decode()
    services.record_written_confirmation(received, by=sam, note="Received")
    services.record_acknowledgement(received, by=sam, note="Sent")
    assert received.reference not in client.get("/contacts/").content.decode()


def test_sign_in_with_a_wrong_password_explains(client, carys):
    response = client.post("/sign-in/", {"username": "carys", "password": "wrong"})
    assert response.status_code == 400
    assert "Enter a correct username and password." in errors(response)
    assert 'value="carys"' in response.content.decode()
    ok = client.post("/sign-in/", {"username": "carys", "password": "a-long-test-password"})
    assert ok.status_code == 302
    assert AuditEvent.objects.filter(action="account.signed_in", actor=carys).exists()


def test_queue_query_count_does_not_grow_with_the_queue(
    client, sam, make_contact, django_assert_max_num_queries
):
    for _ in range(3):
        make_contact()
    client.force_login(sam)
    # 13: 12 for the queue page, and one for the open-alerts count in the header (issue 7).
    with django_assert_max_num_queries(13) as few:
        client.get("/contacts/")
    for _ in range(12):
        make_contact()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/contacts/")


def test_public_form_works_with_csrf_checks_on():
    """The browser found this: the public form's CSRF token must be in the page."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/request-help/form/")
    token = BeautifulSoup(page.content, "html.parser").select_one("input[name=csrfmiddlewaretoken]")
    assert token is not None
    data = staff_form(referrer_source="1B", csrfmiddlewaretoken=token["value"])
    assert browser.post("/request-help/form/", data).status_code == 302
    assert browser.post("/request-help/form/", staff_form()).status_code == 403  # no token


def test_queue_pages_keep_the_filters(client, sam, make_contact, monkeypatch):
    from mash.contacts import views

    for _ in range(3):
        make_contact(child_protection_concern=True)
    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 2)
    client.force_login(sam)
    first = client.get("/contacts/?status=RECEIVED").content.decode()
    assert "page 1 of 2" in first
    assert "?status=RECEIVED&amp;page=2" in first
    second = client.get("/contacts/?status=RECEIVED&page=2").content.decode()
    assert "page 2 of 2" in second


def test_public_form_flood_is_refused_plainly_and_keeps_input(client, settings):
    from django.core.cache import cache

    cache.clear()
    settings.PUBLIC_FORM_LIMIT_PER_HOUR = 2
    for _ in range(2):
        assert (
            client.post("/request-help/form/", staff_form(referrer_source="1B")).status_code == 302
        )
    refused = client.post(
        "/request-help/form/", staff_form(referrer_source="1B", referrer_name="Kim")
    )
    assert refused.status_code == 429
    assert any("Nothing you typed has been lost" in m for m in errors(refused))
    assert 'value="Kim"' in refused.content.decode()
    assert Contact.objects.count() == 2
    cache.clear()


def test_routing_scenario_anonymous_referrer_stays_anonymous(client, sam, make_contact):
    """docs/domain/scenarios/routing.yaml `anonymous-referrer-stays-anonymous` (IN-9), as far
    as this issue goes: no identity is stored, and the record says so. Letters (issue 7) and
    partner views (issue 4) build on this."""
    import yaml

    from mash.contacts.tests.test_workflow import REPO

    scenarios = yaml.safe_load((REPO / "docs/domain/scenarios/routing.yaml").read_text())
    scenario = next(s for s in scenarios if s["id"] == "anonymous-referrer-stays-anonymous")
    assert scenario["expect"]["rule"] == "IN-9"
    contact = make_contact(referrer_source="9", referrer_name="", referrer_phone="")
    assert (contact.referrer_name, contact.referrer_phone, contact.referrer_email) == ("", "", "")
    client.force_login(sam)
    html = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert "Anonymous (IN-9)" in html


def test_every_problem_is_shown_in_one_round(client, carys):
    """Field errors and domain rules together, so nobody fixes a form twice."""
    client.force_login(carys)
    data = staff_form(
        concern_summary="",
        referrer_source="9",
        parents_aware="NO",
        **{
            "children-0-given_names": "",
            "children-0-family_name": "",
            "children-0-date_of_birth_day": "",
            "children-0-date_of_birth_month": "",
            "children-0-date_of_birth_year": "",
        },
    )
    response = client.post("/contacts/new/", data)
    assert response.status_code == 400
    messages = errors(response)
    assert "Enter what the concern is" in messages
    assert "Enter at least one child: a name, date of birth or NHS number." in messages
    assert any("anonymous" in m for m in messages)
    assert "Enter why the parents have not been told about this referral." in messages
    assert Contact.objects.count() == 0


def test_child_protection_concerns_are_drawn_to_managers_attention(
    client, priya, sam, make_contact
):
    """IN-10: managers see a banner and a filter; other roles see the tag only."""
    concern = make_contact(child_protection_concern=True)
    other = make_contact()
    client.force_login(priya)
    html = client.get("/contacts/").content.decode()
    assert "1 contact with a child protection concern is awaiting screening (IN-10)." in html
    filtered = client.get("/contacts/?status=RECEIVED&cp=1").content.decode()
    assert concern.reference in filtered and other.reference not in filtered
    client.force_login(sam)
    assert "awaiting screening (IN-10)" not in client.get("/contacts/").content.decode()


def test_repeated_failed_sign_ins_are_refused_for_a_while(client, carys, settings):
    from django.core.cache import cache

    cache.clear()
    settings.SIGN_IN_FAILURE_LIMIT = 3
    for _ in range(3):
        assert (
            client.post("/sign-in/", {"username": "carys", "password": "wrong"}).status_code == 400
        )
    locked = client.post("/sign-in/", {"username": "carys", "password": "a-long-test-password"})
    assert locked.status_code == 429
    assert any("too many failed sign-ins" in m for m in errors(locked))
    assert 'value="carys"' in locked.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()
    ok = client.post("/sign-in/", {"username": "carys", "password": "a-long-test-password"})
    assert ok.status_code == 302


def test_people_search_audits_who_was_shown(client, sam):
    from mash.people.models import Person

    shown = Person.objects.create(given_names="Ellie", family_name="Jones")
    client.force_login(sam)
    client.get("/people/?family_name=Jones")
    event = AuditEvent.objects.get(action="person.searched", actor=sam)
    assert event.data["person_ids"] == [str(shown.pk)]
