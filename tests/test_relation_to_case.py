"""Roles × relation to the case (ADR 0012): the missing coordinator sees the contacts with a
missing-child review (SP-2) and those the Missing Coordinators hold; the Disabled Children's
Team those where SC-8 applies; a team's inbox is its members' and the MASH managers'; the
system administrator manages accounts and reads no child's record. Queues, inbox lists and
their counts show only what the user may see."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from conftest import _persona, child, contact_details
from mash.accounts.models import Membership, Role, Team
from mash.accounts.services import sync_profile
from mash.audit.models import AuditEvent
from mash.contacts import services
from mash.contacts.models import Contact
from mash.policy.catalogue import explain
from mash.policy.profiles import active_profile
from mash.routing import tasks
from mash.routing.models import TaskKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def rotherham(db, settings):
    settings.MASH_PROFILE = "rotherham"
    sync_profile(active_profile())


@pytest.fixture
def calderdale(db, settings):
    settings.MASH_PROFILE = "calderdale"
    sync_profile(active_profile())


def _record(by, **overrides) -> Contact:
    return services.record_contact(by=by, people=[child()], **contact_details(**overrides))


def _queue_references(client) -> set[str]:
    page = client.get("/contacts/").content.decode()
    return set(re.findall(r"MASH-[0-9A-Z]{4}-[0-9A-Z]{4}", page))


def test_the_missing_coordinators_see_their_contacts_and_their_inbox(
    client, rotherham, carys, maya, sam
):
    """SP-2 in Rotherham: a missing child's contact goes to the Missing Coordinators first."""
    missing = _record(carys, concern_categories=["missing"])
    other = _record(carys, concern_summary="Neglect: no food at home.")
    for contact in (missing, other):
        services.confirm_new_person(contact.children().get(), by=sam)
    missing.refresh_from_db()
    assert missing.tasks.filter(kind=TaskKind.MISSING_REVIEW).exists()
    assert set(Contact.objects.visible_to(maya)) == {missing}
    client.force_login(maya)
    assert _queue_references(client) == {missing.reference}  # the queue counts only hers
    assert client.get(f"/contacts/{missing.pk}/").status_code == 200
    assert client.get(f"/contacts/{other.pk}/").status_code == 404
    assert AuditEvent.objects.filter(
        action="access.refused", actor=maya, contact_id=other.pk
    ).exists()
    inboxes = client.get("/teams/").content.decode()
    assert "Missing Coordinators" in inboxes and "Duty &amp; Assessment" not in inboxes
    assert missing.reference in client.get("/teams/missing/").content.decode()
    assert client.get("/teams/duty-assessment/").status_code == 403
    # She records the review herself (SP-2), and may not screen or open the MAIS record.
    response = client.post(
        f"/contacts/{missing.pk}/missing-review/",
        {"outcome": "VULNERABILITY", "note": "Third episode this month."},
    )
    assert response.status_code == 302, response.content.decode()
    assert missing.pathway_reviews.filter(kind="missing", recorded_by=maya).exists()
    assert client.get(f"/contacts/{missing.pk}/screen/").status_code == 403
    assert client.get(f"/contacts/{missing.pk}/information-sharing/").status_code == 403


def test_the_dct_sees_where_sc8_applies(client, calderdale, carys, sam, dara):
    contact = _record(carys)
    other = _record(carys)
    tasks.ensure_task(
        contact, TaskKind.DCT_ELIGIBILITY, "Check the criteria", None, explain("SC-8", "r")
    )
    assert set(Contact.objects.visible_to(dara)) == {contact}
    client.force_login(dara)
    assert client.get(f"/contacts/{other.pk}/").status_code == 404
    assert client.get(f"/contacts/{contact.pk}/dct-eligibility/").status_code == 200
    assert client.get(f"/contacts/{contact.pk}/missing-review/").status_code == 403
    assert client.get("/people/").status_code == 403


def test_inbox_lists_and_counts_follow_membership(client, profile, carys, priya, aled):
    """Carys's team is the Children's Team: she sees its inbox only; managers and the
    auditor see every team's."""
    mine = Team.objects.get(code="childrens-team")
    assert carys.memberships.get().team == mine
    client.force_login(carys)
    listed = client.get("/teams/").content.decode()
    assert mine.name.replace("'", "&#39;") in listed and "Early Help MASH" not in listed
    assert client.get("/teams/mash/").status_code == 403
    assert AuditEvent.objects.filter(action="access.refused", actor=carys).exists()
    for user in (priya, aled):
        client.force_login(user)
        assert "Early Help MASH" in client.get("/teams/").content.decode()
        assert client.get("/teams/mash/").status_code == 200


def test_the_system_administrator_manages_accounts_and_reads_no_child(
    client, profile, simon, received
):
    client.force_login(simon)
    assert client.get("/").url == "/system-admin/"
    for url in ("/contacts/", "/people/", "/duplicates/", "/teams/", "/meetings/", "/partner/"):
        assert client.get(url).status_code == 403, url
    assert client.get(f"/contacts/{received.pk}/").status_code == 404
    refused = AuditEvent.objects.filter(action="access.refused", actor=simon)
    assert refused.count() == 7
    assert refused.filter(contact_id=received.pk).exists()
    # The admin: accounts, agencies, teams and API clients, not the audit trail.
    assert client.get("/system-admin/accounts/user/").status_code == 200
    assert client.get("/system-admin/accounts/user/add/").status_code == 200
    assert client.get("/system-admin/audit/auditevent/").status_code == 403
    page = client.get(f"/system-admin/accounts/user/{simon.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page  # only a superuser grants superuser
    assert 'name="memberships-0-role"' not in page  # nor their own roles (ADR 0012)
    page = client.get(f"/system-admin/accounts/user/{received.recorded_by_id}/change/")
    page = page.content.decode()
    assert 'name="memberships-0-role"' in page  # a colleague's roles they manage


def test_which_roles_belong_to_children_s_social_care(profile, csc, police):
    """ADR 0012: the missing coordinator and the DCT are children's social care roles (held in
    its membership, or they grant nothing); a system administrator may sit in any agency."""
    for role in (Role.MISSING_COORDINATOR, Role.DCT_WORKER):
        with pytest.raises(ValidationError, match="children's social care"):
            Membership(
                user=_persona(f"p-{role}", Role.PARTNER_OFFICER, police), agency=police, role=role
            ).full_clean()
        elsewhere = _persona(f"x-{role}", role, police)
        assert not elsewhere.sees_case_records()
    it = _persona("it", Role.SYSTEM_ADMINISTRATOR, police)
    it.memberships.get().full_clean()
    assert it.is_system_administrator() and not it.sees_case_records()
    assert not Contact.objects.visible_to(it).exists()


def test_a_role_granted_in_the_admin_is_audited(client, profile, simon, carys, csc):
    """ADR 0012: who gave whom which role is in the audit trail, not only the admin's log."""
    existing = carys.memberships.get()
    when = {"_0": "2026-01-05", "_1": "09:00:00"}
    data = {
        "username": "carys",
        "first_name": "Carys",
        "last_name": "Tester",
        "email": "",
        "is_active": "on",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "09:00:00",
        "memberships-TOTAL_FORMS": "2",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": str(existing.pk),
        "memberships-0-user": str(carys.pk),
        "memberships-0-agency": str(existing.agency_id),
        "memberships-0-team": str(existing.team_id or ""),
        "memberships-0-role": existing.role,
        "memberships-1-user": str(carys.pk),
        "memberships-1-agency": str(csc.pk),
        "memberships-1-role": Role.MISSING_COORDINATOR,
    }
    for row in ("0", "1"):
        for part, value in when.items():
            data[f"memberships-{row}-starts_at{part}"] = value
    client.force_login(simon)
    response = client.post(f"/system-admin/accounts/user/{carys.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert carys.memberships.filter(role=Role.MISSING_COORDINATOR).exists()
    events = AuditEvent.objects.filter(action="account.role_changed", actor=simon)
    granted = {"change": "granted", "user": "carys", "role": "MISSING_COORDINATOR"}
    assert [e for e in events if granted.items() <= e.data.items()]


def test_every_refusal_is_audited_once_whatever_request_id_the_browser_sends(
    client, profile, carys
):
    """The 403 handler records a refusal its view did not: once per request, and a reused
    X-Request-ID (anyone may send one) cannot make it skip the second."""
    client.force_login(carys)
    same_id = {"X-Request-ID": "11111111-1111-4111-8111-111111111111"}
    for _ in range(2):
        assert client.get("/teams/mash/", headers=same_id).status_code == 403
    refusals = AuditEvent.objects.filter(action="access.refused", actor=carys)
    assert refusals.count() == 2
