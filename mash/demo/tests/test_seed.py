"""Synthetic data: every role can sign in, every step has a contact, nothing looks real."""

import random

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from mash.accounts.models import User
from mash.contacts.models import Contact
from mash.demo.seeding import PERSONAS
from mash.demo.synthetic import nhs_check_digit, synthetic_nhs_number
from mash.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("profile_name", ["northamptonshire", "rotherham", "calderdale"])
def test_the_demo_seed_makes_a_working_mash(client, settings, profile_name):
    """`make demo`'s own sizes, under every shipped profile: every route, task and pathway
    the demo meets must go through the real services."""
    settings.MASH_PROFILE = profile_name
    call_command("seed")
    assert set(User.objects.values_list("username", flat=True)) == {p.username for p in PERSONAS}
    statuses = set(Contact.objects.values_list("status", flat=True))
    assert {"RECEIVED", "AWAITING_DECISION", "CLOSED"} <= statuses
    assert client.login(username="meera", password="demo-password-2026")
    assert client.get("/contacts/").status_code == 200


def test_seed_twice_does_not_duplicate_users():
    call_command("seed", people=5, contacts=1)
    call_command("seed", people=5, contacts=1)
    assert User.objects.count() == len(PERSONAS)


def test_synthetic_nhs_numbers_are_valid_and_never_issued():
    call_command("seed", people=30, contacts=0)
    # The seed adds second records of a few children without their NHS number (issue 3's
    # duplicate search has something to find); every number given is from the test range.
    numbers = [n for n in Person.objects.values_list("nhs_number", flat=True) if n]
    assert len(numbers) >= 25
    for number in numbers:
        assert number.startswith("999") and len(number) == 10
        assert nhs_check_digit(number[:9]) == int(number[9])


def test_check_digit_matches_a_published_example():
    # 943 476 5919 is the NHS Data Dictionary's worked example of a valid NHS number.
    assert nhs_check_digit("943476591") == 9
    assert synthetic_nhs_number(random.Random(1)).startswith("999")


@override_settings(IS_PRODUCTION=True)
def test_seed_refuses_production():
    with pytest.raises(CommandError, match="production"):
        call_command("seed", people=1, contacts=0)
    assert not User.objects.exists()
