"""Shared fixtures: the personas of the permission matrix and a contact at each step.

Personas (house style 6.6): Carys (customer advisor), Sam (MASH social worker), Priya
(practice manager), Meera (team manager), Sonia (service manager), Aled (auditor), Polly
(police partner officer) and an anonymous visitor.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from mash.accounts.models import Agency, Membership, Role, Team, User
from mash.accounts.services import sync_profile
from mash.contacts import services
from mash.contacts.models import Contact
from mash.policy.profiles import active_profile


@pytest.fixture
def profile(db):
    found = active_profile()
    sync_profile(found)
    return found


def _persona(username: str, role: str, agency: Agency) -> User:
    user = User.objects.create_user(
        username=username,
        password="a-long-test-password",
        first_name=username.title(),
        last_name="Tester",
    )
    Membership.objects.create(user=user, agency=agency, role=role, team=Team.objects.first())
    return user


@pytest.fixture
def csc(profile) -> Agency:
    return Agency.objects.get(is_childrens_social_care=True)


@pytest.fixture
def police(profile) -> Agency:
    return Agency.objects.filter(code__icontains="police").first()


@pytest.fixture
def carys(csc):
    return _persona("carys", Role.CUSTOMER_ADVISOR, csc)


@pytest.fixture
def sam(csc):
    return _persona("sam", Role.MASH_SOCIAL_WORKER, csc)


@pytest.fixture
def priya(csc):
    return _persona("priya", Role.PRACTICE_MANAGER, csc)


@pytest.fixture
def meera(csc):
    return _persona("meera", Role.TEAM_MANAGER, csc)


@pytest.fixture
def sonia(csc):
    return _persona("sonia", Role.SERVICE_MANAGER, csc)


@pytest.fixture
def aled(csc):
    return _persona("aled", Role.AUDITOR, csc)


@pytest.fixture
def polly(police):
    return _persona("polly", Role.PARTNER_OFFICER, police)


def child(**overrides) -> services.PersonDetails:
    values = {"given_names": "Jayden", "family_name": "Smyth", "date_of_birth": date(2018, 5, 4)}
    values.update(overrides)
    return services.PersonDetails(**values)


def contact_details(**overrides) -> dict:
    values = {
        "received_at": timezone.now() - timedelta(minutes=30),
        "channel": Contact.Channel.TELEPHONE,
        "purpose": Contact.Purpose.REQUEST_FOR_SERVICES,
        "referrer_source": "2A",
        "referrer_name": "Ms Teacher",
        "referrer_phone": "01632 960000",
        "concern_summary": "Bruising seen on the child's arm at school.",
    }
    values.update(overrides)
    return values


@pytest.fixture
def make_contact(carys):
    def make(people=None, **overrides) -> Contact:
        return services.record_contact(
            by=carys, people=people or [child()], **contact_details(**overrides)
        )

    return make


@pytest.fixture
def received(make_contact) -> Contact:
    return make_contact()


def screen_at_threshold(contact: Contact, *, checked_by, screened_by, rag: str = "RED", **extra):
    """Check every child's history (new unless already linked) and screen at a level that asks
    partner agencies, with `rag` (SC-4, SC-6); consent given unless `extra` says otherwise."""
    for person in contact.children():
        if not person.history_checked:
            services.confirm_new_person(person, by=checked_by)
    # A level whose screening asks partners: at the threshold (SC-6), or Rotherham's "MASH
    # information sharing" pathway, since its clearly met level asks no one (SC-7).
    levels = active_profile().threshold_model.levels
    level = max(
        (lvl for lvl in levels if lvl.leads_to_checks),
        key=lambda lvl: lvl.meets_social_care_threshold,
    )
    values = {"consent": "GIVEN", "rationale": "Meets the threshold."} | extra
    services.screen_contact(contact, by=screened_by, threshold_level=level.code, rag=rag, **values)
    contact.refresh_from_db()
    return contact


def share_checks(contact: Contact, *, asked_by, partner, heightens: bool = False) -> None:
    """Ask the partner's agency, record its answer and finish the MASH checks (MA-2, SC-6)."""
    from mash.sharing import services as sharing

    agency = partner.primary_agency()
    [request] = sharing.request_checks(
        contact,
        by=asked_by,
        agency_codes=[agency.code],
        concern_summary="Bruising seen at school.",
        question="What does your agency hold about this family?",
        legal_basis="CA1989_S47",
    )
    sharing.record_contribution(
        request,
        by=partner,
        answer=sharing.Answer(
            kind="INFORMATION",
            information="Two domestic call-outs in May.",
            analysis="Escalating pattern of violence at home.",
            heightens_concern=heightens,
            heightens_concern_reason="A weapon was seen." if heightens else "",
        ),
    )
    sharing.complete_checks(contact, by=asked_by)


# Issue 6 (ADR 0012): the narrower roles. Each works in its own team where the profile has one.
def _team_persona(username: str, role: str, agency: Agency, team_kind: str) -> User:
    user = _persona(username, role, agency)
    user.memberships.update(team=Team.objects.filter(kind=team_kind).first())
    return user


@pytest.fixture
def maya(csc):
    """A missing coordinator (SP-2)."""
    return _team_persona("maya", Role.MISSING_COORDINATOR, csc, "missing")


@pytest.fixture
def dara(csc):
    """A Disabled Children's Team worker (SC-8)."""
    return _team_persona("dara", Role.DCT_WORKER, csc, "dct")


@pytest.fixture
def simon(csc):
    """A system administrator: accounts and API tokens, no child's record."""
    return _team_persona("simon", Role.SYSTEM_ADMINISTRATOR, csc, "none")


# --------------------------------------------------------------------------- the audit trail

# The audit table refuses UPDATE/DELETE (SQLite, PostgreSQL) and TRUNCATE (PostgreSQL; audit/0004,
# ADR 0010), and a transactional test's flush is a DELETE or TRUNCATE: the triggers come off just
# before the flush and the flush's post_migrate signal puts them back.
NO_TRUNCATE = (
    "CREATE OR REPLACE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
)
SQLITE_APPEND_ONLY = [
    f"CREATE TRIGGER IF NOT EXISTS audit_event_no_{verb.lower()} BEFORE {verb} ON "
    "audit_auditevent BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
    for verb in ("UPDATE", "DELETE")
]


def _refuse_audit_truncate(sender, using="default", **kwargs) -> None:
    if getattr(sender, "label", "") != "audit":
        return
    from django.db import connections

    vendor = connections[using].vendor
    statements = {"postgresql": [NO_TRUNCATE], "sqlite": SQLITE_APPEND_ONLY}.get(vendor, [])
    with connections[using].cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _allow_audit_truncate() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent")
        elif connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")


@pytest.fixture(autouse=True)
def _flushable_audit_trail(request):
    """A flush emits post_migrate, which puts the triggers back (receiver below)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    _allow_audit_truncate()


def pytest_configure(config) -> None:
    from django.db.models.signals import post_migrate

    post_migrate.connect(_refuse_audit_truncate, dispatch_uid="mash-audit-no-truncate")
