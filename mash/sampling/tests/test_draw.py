"""The draw (DM-2): only closed contacts in the period and filters; reproducible by seed;
uniform enough; sizes and empty populations explained."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

import pytest
from django.utils import timezone

from mash.accounts.models import Team
from mash.audit.models import AuditEvent
from mash.core.errors import ApplicationError, InvalidInput, NotPermitted
from mash.routing import services as routing
from mash.routing.tests.conftest import known_child, link_children
from mash.sampling import services
from mash.sampling.models import DipSample
from mash.sampling.tests.conftest import LONDON

pytestmark = pytest.mark.django_db

JANUARY = services.Criteria(date(2025, 1, 1), date(2025, 1, 31))


def _at(day: int, hour: int = 11) -> datetime:
    return datetime(2025, 1, day, hour, 0, tzinfo=LONDON)


@pytest.fixture
def january(close_contact):
    """Six NFA contacts closed in January 2025 (working days), for drawing from."""
    return [close_contact(_at(day)) for day in (6, 7, 8, 9, 10, 13)]


def _refs(sample: DipSample) -> list[str]:
    return list(sample.items.order_by("position").values_list("contact__reference", flat=True))


def test_the_population_is_closed_contacts_in_the_period_ordered_by_reference(
    close_contact, make_contact, meera
):
    inside = [close_contact(_at(2, 9)), close_contact(_at(31, 16))]
    close_contact(datetime(2024, 12, 31, 16, 0, tzinfo=LONDON))  # the day before
    close_contact(datetime(2025, 2, 3, 10, 0, tzinfo=LONDON))  # after
    make_contact()  # open: never in a sample
    found = list(services.population(JANUARY).values_list("reference", flat=True))
    assert found == sorted(c.reference for c in inside)


def test_the_outcome_and_team_filters(close_contact):
    nfa = close_contact(_at(6))
    s17 = close_contact(_at(7), outcome="S17")
    by_outcome = services.Criteria(JANUARY.closed_from, JANUARY.closed_to, outcome="S17")
    assert list(services.population(by_outcome)) == [s17]
    nfa_only = services.Criteria(JANUARY.closed_from, JANUARY.closed_to, outcome="NFA")
    assert list(services.population(nfa_only)) == [nfa]
    team = s17.decision.passed_to
    assert team is not None
    by_team = services.Criteria(JANUARY.closed_from, JANUARY.closed_to, team=team)
    assert list(services.population(by_team)) == [s17]
    other = Team.objects.exclude(pk=team.pk).first()
    none_there = services.Criteria(JANUARY.closed_from, JANUARY.closed_to, team=other)
    assert not services.population(none_there).exists()
    passed_on = services.Criteria(JANUARY.closed_from, JANUARY.closed_to, outcome="PASSED_ON")
    assert not services.population(passed_on).exists()


def test_the_same_seed_draws_the_same_contacts_and_another_seed_others(january, meera):
    first = services.draw_sample(by=meera, title="A", criteria=JANUARY, size=3, seed=4242)
    again = services.draw_sample(by=meera, title="B", criteria=JANUARY, size=3, seed=4242)
    assert _refs(first) == _refs(again)
    assert first.population_size == 6 and first.population_digest == again.population_digest
    draws = {
        tuple(_refs(services.draw_sample(by=meera, title="C", criteria=JANUARY, size=3, seed=s)))
        for s in (1, 2, 3, 4, 5)
    }
    assert len(draws) > 1  # six contacts choose three in order: 120 draws, five seeds
    assert set(_refs(first)) <= {c.reference for c in january}


def test_the_draw_is_random_sample_over_the_population_in_reference_order(january, meera):
    """The documented algorithm, so a sample can be checked by hand outside the product."""
    import random

    sample = services.draw_sample(by=meera, title="A", criteria=JANUARY, size=4, seed=7)
    ordered = sorted(c.reference for c in january)
    assert _refs(sample) == random.Random(7).sample(ordered, 4)


def test_each_contact_is_drawn_about_equally_often():
    """2,000 seeds, 3 of 10: each is drawn 600 times on average (binomial sd about 20)."""
    population = [f"MASH-{n:04d}" for n in range(10)]
    counts = Counter(
        ref for seed in range(2000) for ref in services.draw_positions(population, 3, seed)
    )
    assert set(counts) == set(population)
    assert all(520 <= n <= 680 for n in counts.values()), counts


def test_a_seed_is_made_when_none_is_typed_and_the_draw_is_audited(january, meera):
    sample = services.draw_sample(by=meera, title="December", criteria=JANUARY, size=2)
    assert 1 <= sample.seed <= 999_999_999
    event = AuditEvent.objects.get(action="sampling.drawn")
    assert event.data["seed"] == sample.seed
    assert event.data["contacts"] == _refs(sample)
    assert event.data["population"] == 6


def test_sizes_and_periods_are_validated_in_plain_words(january, meera):
    with pytest.raises(InvalidInput) as caught:
        services.draw_sample(
            by=meera,
            title=" ",
            criteria=services.Criteria(date(2025, 2, 1), date(2025, 1, 1)),
            size=51,
            seed=-1,
        )
    messages = {p.field: p.message for p in caught.value.problems}
    assert messages == {
        "title": "Enter a title for the sample",
        "closed_to": "The end of the period must be the same as or after the start",
        "size": "Sample size must be between 1 and 50",
        "seed": "Seed must be a whole number from 0 to 999,999,999",
    }
    with pytest.raises(ApplicationError) as caught:
        services.draw_sample(by=meera, title="A", criteria=JANUARY, size=7)
    assert caught.value.field == "size"
    assert caught.value.message.startswith("Sample size must be 6 or fewer: only 6 contacts were")
    assert not DipSample.objects.exists()


def test_an_empty_population_explains_itself(meera):
    with pytest.raises(ApplicationError) as caught:
        services.draw_sample(by=meera, title="A", criteria=JANUARY, size=1)
    assert caught.value.message == (
        "No contacts were closed between 1 January 2025 and 31 January 2025, so there is "
        "nothing to sample. Choose a longer period or fewer filters"
    )


def test_a_social_worker_and_the_auditor_cannot_draw(january, sam, aled):
    for user in (sam, aled):
        with pytest.raises(NotPermitted):
            services.draw_sample(by=user, title="A", criteria=JANUARY, size=1)


def test_a_contact_passed_on_and_received_counts_for_its_team(make_contact, sam, carys, profile):
    """An open case goes to the allocated worker (IN-6) and closes when the team confirms
    receipt: no MASH decision, so its team is the one that holds it."""
    person = known_child(team="childrens-team", worker="Ann Worker", started=date(2026, 3, 2))
    contact = make_contact()
    link_children(contact, person, by=sam)
    routing.accept_route(contact, by=carys)
    routing.confirm_receipt(contact, by=carys, note="Ann Worker has it.")
    today = timezone.localdate()
    team = Team.objects.get(code="childrens-team")
    for criteria in (
        services.Criteria(today, today, outcome="PASSED_ON"),
        services.Criteria(today, today, team=team),
    ):
        assert list(services.population(criteria)) == [contact]
    assert not services.population(services.Criteria(today, today, outcome="NFA")).exists()


def test_the_period_runs_midnight_to_midnight_in_london_in_summer_time(close_contact):
    """Days are London days (BST is UTC+1 in June): closed at 23:30 on the last day counts,
    00:30 on the first day counts (23:30 UTC the day before), and 00:30 the day after the
    last does not (23:30 UTC on the last day)."""
    june = services.Criteria(date(2025, 6, 3), date(2025, 6, 5))
    last_evening = close_contact(datetime(2025, 6, 5, 23, 30, tzinfo=LONDON))
    first_night = close_contact(datetime(2025, 6, 3, 0, 30, tzinfo=LONDON))
    close_contact(datetime(2025, 6, 6, 0, 30, tzinfo=LONDON))  # the day after
    close_contact(datetime(2025, 6, 2, 23, 30, tzinfo=LONDON))  # the evening before
    found = set(services.population(june))
    assert found == {last_evening, first_night}
