"""Benchmarks: print one JSON object per measurement (machine-readable; docs/benchmarks.md).

    make bench                                   # SQLite in memory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mash_bench make bench

Measures the clock arithmetic, recording a contact, the queue page, the people search,
information sharing (asking, answering, the partner workspace, the MAIS record) and the partner
API, each as the median and 95th percentile of repeated runs.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "20000"))
CONTACTS = int(os.environ.get("BENCH_CONTACTS", "2000"))


def measure(name: str, action: Callable[[], object], *, repeat: int, **context: object) -> None:
    """Run `action` `repeat` times and print the timings as one JSON line."""
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    result = {
        "benchmark": name,
        "unit": "ms",
        "runs": repeat,
        "median": round(statistics.median(timings), 3),
        "p95": round(timings[int(0.95 * (len(timings) - 1))], 3),
        "database": connection.vendor,
        **context,
    }
    print(json.dumps(result), flush=True)


def bench_clocks() -> None:
    from mash.policy.profiles import load_profile
    from mash.workdays.clocks import due_time

    london = ZoneInfo("Europe/London")
    received = datetime(2026, 12, 24, 14, 0, tzinfo=london)
    for profile_id, rule_id in [
        ("northamptonshire", "TS-2"),
        ("northamptonshire", "TS-5"),
        ("calderdale", "TS-1"),
        ("rotherham", "TS-6"),
    ]:
        profile = load_profile(profile_id)
        rule = profile.clock(rule_id)
        assert rule is not None
        measure(
            f"due_time {profile_id} {rule_id}",
            lambda rule=rule, profile=profile: due_time(rule, received, profile.calendar),
            repeat=2000,
        )


def setup_data() -> None:
    from mash.accounts.models import Team
    from mash.demo.seeding import PERSONAS, _user
    from mash.demo.synthetic import make_people

    call_command("migrate", verbosity=0, interactive=False)
    from mash.accounts.services import sync_profile
    from mash.policy.profiles import active_profile

    sync_profile(active_profile())
    for persona in PERSONAS:
        _user(persona)
    start = time.perf_counter()
    make_people(PEOPLE, seed=7, teams=list(Team.objects.all()))
    if connection.vendor == "postgresql":
        # Table statistics, as autovacuum would gather in production (it may be off on a
        # development server); without them the planner scans the key table in full.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        json.dumps(
            {
                "setup": "people",
                "count": PEOPLE,
                "seconds": round(time.perf_counter() - start, 1),
            }
        ),
        flush=True,
    )


def bench_intake_and_queue() -> None:
    from conftest import child, contact_details
    from mash.accounts.models import User
    from mash.contacts import services

    carys = User.objects.get(username="carys")

    def record() -> object:
        return services.record_contact(
            by=carys, people=[child(), child(given_names="Amelia")], **contact_details()
        )

    for _ in range(CONTACTS):
        record()
    measure(
        "record_contact (service, 2 children, 3 clocks, matching on arrival)", record, repeat=200
    )

    client = Client()
    client.force_login(User.objects.get(username="sam"))
    open_contacts = CONTACTS + 200
    measure(
        "queue page (GET /contacts/, first page of 50)",
        lambda: client.get("/contacts/"),
        repeat=30,
        open_contacts=open_contacts,
    )
    measure(
        "Find a child page (ranked, explained candidates)",
        lambda: client.get("/people/?family_name=Smith&given_names=Oliver"),
        repeat=50,
        people=PEOPLE,
    )
    from mash.contacts.models import Contact

    contact = Contact.objects.first()
    assert contact is not None
    measure(
        "contact record page (GET /contacts/<id>/)",
        lambda: client.get(f"/contacts/{contact.pk}/"),
        repeat=50,
    )


def bench_api() -> None:
    from mash.accounts.models import Agency
    from mash.api.models import PartnerApiClient

    agency = Agency.objects.order_by("name").first()
    _, token = PartnerApiClient.issue(name="Bench", agency=agency, referrer_source="6")
    client = Client()
    body = json.dumps(
        {
            "purpose": "PROVISION_OF_INFORMATION",
            "referrer": {"name": "PC Bench"},
            "children": [
                {"given_names": "Lily", "family_name": "Brown", "date_of_birth": "2016-02-29"}
            ],
            "concern_summary": "Benchmark contact.",
        }
    )

    def submit() -> object:
        response = client.post(
            "/api/v1/contacts",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex},
        )
        assert response.status_code == 201, response.content
        return response

    measure("partner API submit (POST /api/v1/contacts, matching on arrival)", submit, repeat=200)
    fixed = {"Authorization": f"Bearer {token}", "Idempotency-Key": "same-key-every-time"}
    client.post("/api/v1/contacts", body, content_type="application/json", headers=fixed)
    measure(
        "partner API idempotent replay",
        lambda: client.post(
            "/api/v1/contacts", body, content_type="application/json", headers=fixed
        ),
        repeat=200,
    )


SHARED_CONTACTS = int(os.environ.get("BENCH_SHARED_CONTACTS", "300"))


def bench_sharing() -> None:
    """Multi-agency information sharing (issue 4): asking, answering, the two workspaces."""
    from mash.accounts.models import Agency, User
    from mash.contacts import services
    from mash.contacts.models import Contact
    from mash.policy.profiles import active_profile
    from mash.sharing import services as sharing

    sam, priya, polly = (User.objects.get(username=u) for u in ("sam", "priya", "polly"))
    police, health = (
        Agency.objects.filter(kind=k).order_by("code").first() for k in ("police", "health")
    )
    level = next(
        lvl for lvl in active_profile().threshold_model.levels if lvl.meets_social_care_threshold
    )
    contacts = list(
        Contact.objects.filter(status="RECEIVED").order_by("received_at")[: SHARED_CONTACTS + 200]
    )
    for contact in contacts:
        for person in contact.children():
            services.confirm_new_person(person, by=sam)
        services.screen_contact(
            contact, by=priya, threshold_level=level.code, rag="RED", consent="GIVEN", rationale="r"
        )
    waiting = iter(contacts)

    def ask() -> object:
        return sharing.request_checks(
            next(waiting),
            by=sam,
            agency_codes=[police.code, health.code],
            concern_summary="Benchmark concern.",
            question="What do you hold?",
            legal_basis="CA1989_S47",
        )

    for _ in range(SHARED_CONTACTS):
        ask()
    measure("request_checks (service, police and health)", ask, repeat=200)
    answer = sharing.Answer(
        kind="INFORMATION", information="Two call-outs.", analysis="Escalating."
    )
    open_requests = iter(list(police.information_requests.filter(status="SENT")))
    measure(
        "record_contribution (service, information and analysis)",
        lambda: sharing.record_contribution(next(open_requests), by=polly, answer=answer),
        repeat=200,
    )
    client = Client()
    client.force_login(polly)
    request = police.information_requests.filter(status="SENT").first()
    assert request is not None
    context = {"open_requests": police.information_requests.filter(status="SENT").count()}
    measure(
        "partner workspace (GET /partner/, first page of 50)",
        lambda: client.get("/partner/"),
        repeat=30,
        **context,
    )
    measure(
        "partner request page (GET /partner/requests/<id>/)",
        lambda: client.get(f"/partner/requests/{request.pk}/"),
        repeat=50,
    )
    staff = Client()
    staff.force_login(sam)
    measure(
        "MAIS record (GET /contacts/<id>/information-sharing/)",
        lambda: staff.get(f"/contacts/{request.contact_id}/information-sharing/"),
        repeat=50,
    )
    from mash.api.models import PartnerApiClient

    _, token = PartnerApiClient.issue(name="Bench police", agency=police, referrer_source="6")
    api = Client()
    measure(
        "partner API list requests (GET /api/v1/information-requests, up to 200)",
        lambda: api.get(
            "/api/v1/information-requests", headers={"Authorization": f"Bearer {token}"}
        ),
        repeat=30,
        **context,
    )


def bench_routing() -> None:
    """The local procedures (issue 5): suggesting the route again after a history check, and
    a team inbox holding contacts passed on."""
    from datetime import date

    from conftest import child, contact_details
    from mash.accounts.models import Team, User
    from mash.contacts import services
    from mash.people.models import Involvement, Person
    from mash.routing import services as routing

    carys, sam = User.objects.get(username="carys"), User.objects.get(username="sam")
    team = Team.objects.filter(kind="duty_assessment").first()
    assert team is not None
    person = Person.objects.create(given_names="Open", family_name="Case", is_child=True)
    Involvement.objects.create(
        person=person,
        service="CIN",
        team=team,
        allocated_worker="A Worker",
        started_on=date(2026, 1, 5),
    )
    contacts = []
    for _ in range(200):
        contact = services.record_contact(by=carys, people=[child()], **contact_details())
        services.link_person(contact.children().get(), person=person, by=sam)
        contacts.append(contact)
    measure(
        "routing.refresh (facts, suggestion, tasks; open case, unchanged)",
        lambda: routing.refresh(contacts[0]),
        repeat=200,
    )
    for contact in contacts:
        routing.accept_route(contact, by=carys)
    client = Client()
    client.force_login(sam)
    measure(
        "team inbox page (GET /teams/<code>/, 200 contacts passed on)",
        lambda: client.get(f"/teams/{team.code}/"),
        repeat=30,
        held=len(contacts),
    )


def main() -> int:
    setup_test_environment()
    from django.test.utils import get_runner

    runner = get_runner(settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        bench_clocks()
        setup_data()
        bench_intake_and_queue()
        bench_sharing()
        bench_routing()
        bench_api()
        from benchmarks.audit import bench_audit

        bench_audit()
        from benchmarks.letters import bench_letters

        bench_letters()
    finally:
        runner.teardown_databases(old_config)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())
    raise SystemExit(main())
