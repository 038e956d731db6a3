"""The data quality checks (issue 8 §6): each finds its bad record and none of the good ones.

Today is Friday 4 December 2026; the census year so far runs from 1 April 2026. The fixture:

- Gail (good): 11, a valid UPN, White British, no disability; a s17 referral on 4 May (neglect)
  with an assessment to 10 June and a child in need plan from then.
- Hal (good): 12, no UPN for reason UN2; a referral with no further action on 1 October.
- Una: 10, no UPN nor reason, no ethnicity, no disability recorded; a s17 referral on
  1 September with no typed concerns and no assessment end recorded (45 working days passed).
- Ugo: a UPN whose check letter is wrong, ethnicity NOBT, no date of birth at all; a referral
  with no further action on 1 October.
- Uma: 14, UPN "ABC", "no disability" and autism; a s47 referral on 5 October (strategy
  discussion that day, physical abuse), her assessment open, no conference recorded.
- Ulf: a s17 referral on 1 June with no typed concerns (assessment 1 June – 1 July, then a
  child in need plan still open) and another on 3 August while that plan was open.
- Fay (dated of birth next year) and Bea (both a date of birth and an expected one) were never
  referred.
- A contact received on 1 December and not yet decided (its TS-1 decision was due on
  2 December); another received this morning (not yet due).
"""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from conftest import contact_details
from mash.audit.models import AuditEvent
from mash.contacts import services
from mash.matching.identifiers import make_upn
from mash.people.models import Involvement, Person
from mash.returns import codes, quality
from mash.returns.tests.front_door import at, involvement, person_of

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 4)
GOOD_UPN = make_upn("201200015123")


def _child(given: str, born: date | None = None) -> services.PersonDetails:
    return services.PersonDetails(given_names=given, family_name="Jones", date_of_birth=born)


def _census(person: Person, **values) -> None:
    Person.objects.filter(pk=person.pk).update(**values)


def _gail(door):
    contact = door.contact(
        date(2026, 5, 4),
        child=_child("Gail", date(2015, 6, 1)),
        outcome="S17",
        concerns=["neglect"],
    )
    gail = person_of(contact)
    _census(gail, upn=GOOD_UPN, ethnicity_code="WBRI", disabilities=["NONE"])
    involvement(gail, Involvement.Service.ASSESSMENT, date(2026, 5, 4), date(2026, 6, 10))
    involvement(gail, Involvement.Service.CHILD_IN_NEED, date(2026, 6, 10))
    return contact


@pytest.fixture
def world(door):
    made = {"gail": _gail(door)}
    hal = door.contact(date(2026, 10, 1), child=_child("Hal", date(2014, 2, 2)), outcome="NFA")
    _census(person_of(hal), upn_unknown="UN2", ethnicity_code="WBRI")
    made["una"] = door.contact(
        date(2026, 9, 1), child=_child("Una", date(2016, 3, 3)), outcome="S17"
    )
    made["ugo"] = door.contact(date(2026, 10, 1), child=_child("Ugo"), outcome="NFA")
    _census(person_of(made["ugo"]), upn="A" + GOOD_UPN[1:], ethnicity_code="NOBT")
    made["uma"] = door.contact(
        date(2026, 10, 5),
        child=_child("Uma", date(2012, 1, 1)),
        outcome="S47",
        strategy=True,
        concerns=["physical_abuse"],
    )
    uma = person_of(made["uma"])
    _census(uma, upn="ABC", ethnicity_code="AIND", disabilities=["NONE", "AUT"])
    involvement(uma, Involvement.Service.ASSESSMENT, date(2026, 10, 5))
    made["ulf1"] = door.contact(
        date(2026, 6, 1), child=_child("Ulf", date(2018, 1, 1)), outcome="S17"
    )
    ulf = person_of(made["ulf1"])
    _census(ulf, upn=make_upn("201200015124"), ethnicity_code="WBRI", disabilities=["NONE"])
    involvement(ulf, Involvement.Service.ASSESSMENT, date(2026, 6, 1), date(2026, 7, 1))
    involvement(ulf, Involvement.Service.CHILD_IN_NEED, date(2026, 7, 1))
    made["ulf2"] = door.contact(
        date(2026, 8, 3), person=ulf, child=_child("Ulf", date(2018, 1, 1)), outcome="S17",
        concerns=["neglect"],
    )  # fmt: skip
    _census(person_of(made["ulf2"]), upn=make_upn("201200015124"))
    made["fay"] = Person.objects.create(
        given_names="Fay", family_name="Jones", date_of_birth=date(2027, 3, 1)
    )
    made["bea"] = Person.objects.create(
        given_names="Bea",
        family_name="Jones",
        date_of_birth=date(2026, 1, 1),
        expected_date_of_birth=date(2026, 1, 10),
    )
    made["late"] = door.contact(date(2026, 12, 1), child=_child("Lou", date(2017, 1, 1)))
    with time_machine.travel(at(TODAY, 8), tick=False):
        made["today"] = services.record_contact(
            by=door.carys,
            people=[_child("Tam", date(2017, 1, 1))],
            **contact_details(received_at=at(TODAY, 7)),
        )
    return made


def _found(world) -> set[tuple[str, str, str]]:
    with time_machine.travel(at(TODAY, 12), tick=False):
        found = quality.findings(today=TODAY)
    return {(f.check, f.name, f.reference) for f in found}


def test_each_check_finds_its_record_and_not_the_good_ones(world):
    ref = {key: getattr(world[key], "reference", "") for key in world}
    found = _found(world)
    clocks = {f for f in found if f[0] == "clock-overdue"}
    assert clocks and {f[2] for f in clocks} == {ref["late"]}
    assert found - clocks == {
        ("upn-missing", "Una Jones", ""),
        ("upn-check-letter", "Ugo Jones", ""),
        ("upn-malformed", "Uma Jones", ""),
        ("ethnicity-unknown", "Una Jones", ""),
        ("ethnicity-unknown", "Ugo Jones", ""),
        ("disability-missing", "Una Jones", ""),
        ("disability-none-and-others", "Uma Jones", ""),
        ("no-primary-need", "Una Jones", ref["una"]),
        ("no-primary-need", "Ulf Jones", ref["ulf1"]),
        ("assessment-overdue", "Una Jones", ref["una"]),
        # Ulf's second referral came while his plan was open: part of that episode, not an
        # overlapping one (mash.returns.episodes), so nothing to fix about it.
        ("s47-no-conference", "Uma Jones", ref["uma"]),
        ("factors-missing", "Ulf Jones", ref["ulf1"]),
        ("birth-date", "Fay Jones", ""),
        ("birth-date", "Bea Jones", ""),
        ("birth-date", "Ugo Jones", ""),
    }
    assert "TS-1" in " ".join(
        f.detail for f in quality.findings(today=TODAY) if f.check == "clock-overdue"
    )


def test_every_check_has_its_rule_and_words():
    assert len({c.id for c in quality.CHECKS}) == len(quality.CHECKS)
    for check in quality.CHECKS:
        assert check.rule and check.title and check.wrong.endswith(".") and check.fix


def test_school_age_and_the_census_year():
    assert quality.census_year_start(date(2026, 12, 4)) == date(2026, 4, 1)
    assert quality.census_year_start(date(2027, 3, 31)) == date(2026, 4, 1)
    # One definition with the census (rule 8770Q): five or over on 31 August before the
    # reference date, no upper age. Today is in the 2026-27 census (2027).
    assert codes.census_year_of(TODAY) == 2027
    assert codes.census_year_of(date(2026, 3, 31)) == 2026
    assert not codes.of_school_age(date(2021, 9, 1), 2027)  # 4 on 31 August 2026
    assert codes.of_school_age(date(2021, 8, 31), 2027)  # 5 that day
    assert codes.of_school_age(date(2008, 1, 1), 2027)  # 18: no upper age
    assert not codes.of_school_age(None, 2027)


def test_a_school_age_child_with_un1_or_over_15_with_no_reason_is_found(door):
    # Ida is 10 with UN1 recorded (only for children not yet of school age); Olly is 17 with
    # no reason (6 to 15 was the page's old cut; the census has no upper age); Pip is 4.
    ida = door.contact(date(2026, 9, 1), child=_child("Ida", date(2016, 3, 3)), outcome="S17")
    _census(person_of(ida), upn_unknown="UN1")
    door.contact(date(2026, 9, 1), child=_child("Olly", date(2009, 3, 3)), outcome="S17")
    door.contact(date(2026, 9, 1), child=_child("Pip", date(2022, 3, 3)), outcome="S17")
    with time_machine.travel(at(TODAY, 12), tick=False):
        found = {
            (f.name, f.detail) for f in quality.findings(today=TODAY) if f.check == "upn-missing"
        }
    assert found == {("Ida Jones", "Aged 10, reason UN1"), ("Olly Jones", "Aged 17, no reason")}


def test_what_the_census_had_to_correct_is_listed_with_what_to_fix(door):
    # An s47 whose assessment was closed RC8 ("closed after assessment"): the census reports
    # RC7, because an enquiry followed (rule 2990), and the page says so.
    ned = door.contact(
        date(2026, 5, 5), child=_child("Ned", date(2016, 3, 3)), outcome="S47", strategy=True
    )
    involvement(
        person_of(ned),
        Involvement.Service.ASSESSMENT,
        date(2026, 5, 5),
        date(2026, 6, 5),
        code="RC8",
    )
    with time_machine.travel(at(TODAY, 12), tick=False):
        [found] = [f for f in quality.findings(today=TODAY) if f.check == "census-correction"]
    assert (found.name, found.reference) == ("Ned Jones", ned.reference)
    assert found.detail.startswith("Closed as RC8") and found.detail.endswith("(rule 2990)")


def test_the_queries_do_not_grow_with_the_children(door, django_assert_max_num_queries):
    _gail(door)
    with django_assert_max_num_queries(8), time_machine.travel(at(TODAY, 12), tick=False):
        small = quality.findings(today=TODAY)
    for number in range(3):
        contact = door.contact(
            date(2026, 9, 1 + number), child=_child(f"Kid{number}", date(2016, 3, 3)), outcome="S17"
        )
        involvement(
            person_of(contact), Involvement.Service.CHILD_IN_NEED, date(2026, 9, 2 + number)
        )
    with django_assert_max_num_queries(8), time_machine.travel(at(TODAY, 12), tick=False):
        large = quality.findings(today=TODAY)
    assert len(large) > len(small)


# ------------------------------------------------------------------------------- the page


def test_the_page_lists_each_check_and_audits_the_view(client, sam, world):
    client.force_login(sam)
    with time_machine.travel(at(TODAY, 12)):
        response = client.get(reverse("returns:data_quality"))
    html = response.content.decode()
    assert response.status_code == 200
    for check in quality.CHECKS:
        assert escape(check.title) in html
    una = person_of(world["una"])
    assert reverse("people:detail", args=[una.pk]) in html
    assert reverse("contacts:detail", args=[world["uma"].pk]) in html
    event = AuditEvent.objects.get(action="returns.data_quality_viewed")
    assert str(una.pk) in event.data["person_ids"] and event.data["check"] == "all"


def test_the_page_filters_by_check(client, sam, world):
    client.force_login(sam)
    with time_machine.travel(at(TODAY, 12)):
        response = client.get(reverse("returns:data_quality"), {"check": "upn-check-letter"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ugo Jones" in html and "Una Jones" not in html
    assert "How to fix it" in html


def test_a_bad_filter_is_explained_not_a_500(client, sam, world):
    client.force_login(sam)
    response = client.get(reverse("returns:data_quality"), {"check": "nonsense", "page": "x"})
    assert response.status_code == 400
    assert "Choose a check from the list" in response.content.decode()


def test_partners_and_pathway_roles_are_refused(client, polly, maya):
    for user in (polly, maya):
        client.force_login(user)
        assert client.get(reverse("returns:data_quality")).status_code == 403
    assert AuditEvent.objects.filter(action="access.refused").count() == 2


def test_the_page_s_queries_do_not_grow_either(client, sam, door, django_assert_max_num_queries):
    _gail(door)
    client.force_login(sam)
    url = reverse("returns:data_quality")
    client.get(url)  # the session and the user's roles, read once per request
    with django_assert_max_num_queries(20), time_machine.travel(at(TODAY, 12), tick=False):
        assert client.get(url).status_code == 200
    for number in range(3):
        door.contact(date(2026, 9, 1 + number), child=_child(f"Kid{number}"), outcome="S17")
    with django_assert_max_num_queries(20), time_machine.travel(at(TODAY, 12), tick=False):
        assert "Kid2 Jones" in client.get(url).content.decode()
