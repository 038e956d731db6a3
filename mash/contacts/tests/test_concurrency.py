"""Two people acting on the same contact at once: one wins, the other is told who did what,
and nothing is silently overwritten (issue 4 quality bar; MA-6, MA-2)."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from conftest import _persona, screen_at_threshold, share_checks
from mash.accounts.models import Role
from mash.contacts import services
from mash.contacts.models import Contact, Decision
from mash.core import locking
from mash.core.errors import Conflict
from mash.routing import services as routing
from mash.sharing import services as sharing
from mash.sharing.models import Contribution


def _awaiting_decision(contact, sam, priya, polly):
    screen_at_threshold(contact, checked_by=sam, screened_by=priya)
    share_checks(contact, asked_by=sam, partner=polly)
    services.recommend_outcome(contact, by=sam, outcome="S17", rationale="r", analysis="a")
    return contact


@pytest.mark.django_db
def test_a_decision_posted_from_a_stale_page_is_refused_and_kept(
    client, received, sam, priya, meera, polly
):
    contact = _awaiting_decision(received, sam, priya, polly)
    url = f"/contacts/{contact.pk}/decide/"
    client.force_login(meera)
    assert client.get(url).status_code == 200  # Meera starts writing...
    services.decide(  # ...while Priya decides first
        contact,
        by=priya,
        agrees=True,
        outcome="S17",
        rationale="Priya's rationale.",
        team=services.suggested_team(contact, "S17"),
    )
    response = client.post(
        url,
        {
            "agrees": "no",
            "outcome": "S47",
            "rationale": "Meera's own careful rationale.",
            "team": services.suggested_team(contact, "S47"),
        },
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "Priya Tester recorded that" in page and "was not saved" in page
    assert "Meera&#39;s own careful rationale." in page  # what she typed is still there
    decision = Decision.objects.get(contact=contact)
    assert decision.decided_by == priya and decision.rationale == "Priya's rationale."


def _race(*calls):
    """Run the calls at the same moment, each on its own database connection."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the loser's error is the result under test
            results[index] = error
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_managers_deciding_at_once_one_wins(profile, carys, sam, priya, meera, polly):
    if connection.vendor == "sqlite":
        pytest.skip("concurrent writers need PostgreSQL (in-memory SQLite is one connection)")
    from conftest import child, contact_details

    contact = services.record_contact(by=carys, people=[child()], **contact_details())
    _awaiting_decision(contact, sam, priya, polly)
    team = services.suggested_team(contact, "S17")

    def decide(by, outcome):
        return lambda: services.decide(
            contact, by=by, agrees=outcome == "S17", outcome=outcome, rationale="r", team=team
        )

    results = _race(decide(priya, "S17"), decide(meera, "S47"))
    decisions = [r for r in results if isinstance(r, Decision)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(decisions) == 1 and len(conflicts) == 1
    winner = decisions[0].decided_by.display_name()
    assert f"{winner} recorded that" in conflicts[0].message
    assert Decision.objects.filter(contact=contact).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_officers_answering_at_once_one_wins(profile, carys, sam, priya, police, polly):
    if connection.vendor == "sqlite":
        pytest.skip("concurrent writers need PostgreSQL (in-memory SQLite is one connection)")
    from conftest import child, contact_details

    colleague = _persona("pete", Role.PARTNER_OFFICER, police)
    contact = services.record_contact(by=carys, people=[child()], **contact_details())
    screen_at_threshold(contact, checked_by=sam, screened_by=priya)
    [request] = sharing.request_checks(
        contact,
        by=sam,
        agency_codes=[police.code],
        concern_summary="c",
        question="q",
        legal_basis="CA1989_S47",
    )
    answer = sharing.Answer(kind="INFORMATION", information="i", analysis="a")

    def respond(by):
        return lambda: sharing.record_contribution(request, by=by, answer=answer, seen_latest="")

    results = _race(respond(polly), respond(colleague))
    assert sum(isinstance(r, Contribution) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 1
    assert Contribution.objects.filter(request=request).count() == 1


# --------------------------------------------------------------------------- optimistic locking
# Both writers had the same page (the same version) in front of them (ADR 0016).


def _from_page(contact, version, by, write):
    """`write` as sent from a page showing `version` of the contact."""

    def run():
        with locking.expecting(contact, version, by=by):
            return write()

    return run


@pytest.mark.django_db(transaction=True)
def test_two_managers_deciding_from_the_same_page_one_wins(
    profile, carys, sam, priya, meera, polly
):
    if connection.vendor == "sqlite":
        pytest.skip("concurrent writers need PostgreSQL (in-memory SQLite is one connection)")
    from conftest import child, contact_details

    contact = services.record_contact(by=carys, people=[child()], **contact_details())
    _awaiting_decision(contact, sam, priya, polly)
    contact.refresh_from_db()
    seen = contact.version
    team = services.suggested_team(contact, "S17")

    def decide(by, outcome):
        return _from_page(
            contact,
            seen,
            by,
            lambda: services.decide(
                contact,
                by=by,
                agrees=outcome == "S17",
                outcome=outcome,
                rationale=by.username,
                team=team,
            ),
        )

    results = _race(decide(priya, "S17"), decide(meera, "S47"))
    decisions = [r for r in results if isinstance(r, Decision)]
    stale = [r for r in results if isinstance(r, locking.StaleVersion)]
    assert len(decisions) == 1 and len(stale) == 1, results
    winner = decisions[0].decided_by
    assert stale[0].message.startswith(
        "Someone else changed this contact while you were working on it: "
        f"{winner.display_name()} recorded the decision on "
    )
    kept = Decision.objects.get(contact=contact)
    assert (kept.decided_by, kept.rationale) == (winner, winner.username)
    contact.refresh_from_db()
    assert contact.version > seen


@pytest.mark.django_db(transaction=True)
def test_two_edits_with_no_state_to_guard_them_one_wins(profile, carys, sam):
    """The kinds of concern have no workflow state: only the version stops the second save
    silently replacing the first."""
    if connection.vendor == "sqlite":
        pytest.skip("concurrent writers need PostgreSQL (in-memory SQLite is one connection)")
    from conftest import child, contact_details

    contact = services.record_contact(by=carys, people=[child()], **contact_details())
    contact.refresh_from_db()
    seen = contact.version

    def edit(by, categories):
        return _from_page(
            contact,
            seen,
            by,
            lambda: routing.set_concern_categories(contact, by=by, categories=categories),
        )

    results = _race(edit(carys, ["neglect"]), edit(sam, ["young_carer"]))
    saved = [r for r in results if isinstance(r, Contact)]
    stale = [r for r in results if isinstance(r, locking.StaleVersion)]
    assert len(saved) == 1 and len(stale) == 1, results
    contact.refresh_from_db()
    assert contact.concern_categories == saved[0].concern_categories
    assert contact.version == seen + 1


@pytest.mark.django_db(transaction=True)
def test_two_managers_settling_one_dispute_at_once_one_wins(
    profile, carys, sam, priya, meera, polly
):
    """A dispute has its own state guard (open, and the level seen); both steps lock the
    contact first, so the second waits, then finds the dispute resolved (DM-1)."""
    if connection.vendor == "sqlite":
        pytest.skip("concurrent writers need PostgreSQL (in-memory SQLite is one connection)")
    from conftest import child, contact_details
    from mash.disputes import services as disputes
    from mash.disputes.models import DisputeStep

    contact = services.record_contact(by=carys, people=[child()], **contact_details())
    _awaiting_decision(contact, sam, priya, polly)
    dispute = disputes.raise_dispute(
        contact, by=polly, reason="Higher risk.", proposed_outcome="S47"
    )
    colleague = _persona("tina", Role.TEAM_MANAGER, priya.primary_agency())

    def settle(by, outcome):
        return lambda: disputes.record_dispute_step(
            dispute,
            by=by,
            result="RESOLVED",
            outcome=outcome,
            note=f"Settled by {by.username}.",
            counterpart="DI Rees, police",
            seen_level=dispute.level,
        )

    results = _race(settle(meera, "S47"), settle(colleague, "S17"))
    steps = [r for r in results if isinstance(r, DisputeStep)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(steps) == 1 and len(conflicts) == 1, results
    assert "This dispute was resolved on" in conflicts[0].message
    assert DisputeStep.objects.filter(dispute=dispute).count() == 1
    dispute.refresh_from_db()
    assert dispute.steps.get().outcome == steps[0].outcome
