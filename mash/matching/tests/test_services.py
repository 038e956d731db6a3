"""Matching against the database: the key index, candidates, merge and un-merge (issue 3)."""

from __future__ import annotations

import random
from datetime import date

import pytest

from conftest import child
from mash.audit.models import AuditEvent
from mash.contacts import services as contacts
from mash.core.errors import ApplicationError, NotPermitted
from mash.demo.synthetic import make_people, synthetic_nhs_number
from mash.matching import services
from mash.matching.models import MatchKey, PersonMerge, PossibleDuplicate
from mash.people.models import Involvement, Person

pytestmark = pytest.mark.django_db


def person(**fields) -> Person:
    values = {"given_names": "Jayden", "family_name": "Smyth", "date_of_birth": date(2015, 3, 4)}
    values.update(fields)
    return Person.objects.create(**values)


def query(**fields):
    return services.record_for_details(**fields)


class TestCandidates:
    def test_a_spelling_variation_and_a_swapped_date_find_the_child(self):
        known = person(postcode="LS1 4AB")
        for _ in range(30):  # other people the index must not confuse with him
            person(given_names="Tyler", family_name="Brown", date_of_birth=date(2014, 1, 1))
        found = services.candidates_for(
            query(given_names="Jaden", family_name="Smith", date_of_birth=date(2015, 4, 3))
        )
        assert found[0].person == known
        assert found[0].match.band == "likely"
        findings = {item.field: item.finding for item in found[0].match.evidence}
        assert findings["Date of birth"].startswith("day and month swapped")
        assert findings["Family name"].startswith("spelt slightly differently")

    def test_a_previous_surname_is_found_through_the_other_names(self):
        known = person(family_name="Brown", other_names="Jayden Smyth")
        found = services.candidates_for(
            query(given_names="Jayden", family_name="Smyth", date_of_birth=date(2015, 3, 4))
        )
        assert found[0].person == known
        assert any("recorded other name" in item.finding for item in found[0].match.evidence)

    def test_an_nhs_number_alone_finds_the_child(self):
        number = synthetic_nhs_number(random.Random(3))
        known = person(nhs_number=number)
        found = services.candidates_for(query(nhs_number=number))
        assert [candidate.person for candidate in found] == [known]

    def test_month_and_year_find_a_child_whose_day_is_not_known(self):
        known = person()
        found = services.candidates_for(
            query(given_names="Jayden", family_name="Smyth", birth_year=2015, birth_month=3)
        )
        assert found[0].person == known

    def test_a_twin_is_offered_but_not_as_the_same_child(self):
        person(given_names="Tyler", address="1 Mill Lane", postcode="LS1 4AB")
        found = services.candidates_for(
            query(
                given_names="Jayden",
                family_name="Smyth",
                date_of_birth=date(2015, 3, 4),
                address="1 Mill Lane",
                postcode="LS1 4AB",
            ),
            floor=-100,
        )
        assert found[0].match.band != "likely"
        assert any("twin" in item.finding for item in found[0].match.evidence)

    def test_an_edited_record_is_found_by_its_new_details(self):
        known = person()
        known.family_name = "Okafor"
        known.save()
        found = services.candidates_for(
            query(given_names="Jayden", family_name="Okafor", date_of_birth=date(2015, 3, 4))
        )
        assert found[0].person == known
        assert not MatchKey.objects.filter(person=known, key__contains=":SSM0").exists()

    def test_household_members_on_earlier_contacts_count_as_support(self, make_contact, sam):
        contact = make_contact(people=[child(), child(given_names="Amelia")])
        for each in contact.children():
            contacts.confirm_new_person(each, by=sam)
        found = services.candidates_for(
            query(given_names="Jayden", family_name="Smyth", household=("Amelia Smyth",))
        )
        household = [item for item in found[0].match.evidence if item.field == "Household"]
        assert household and household[0].weight > 0


class TestMerge:
    @pytest.fixture
    def pair(self, make_contact, sam):
        """Jayden's history split over two records, each with a contact; the second has an
        involvement and an NHS number the first lacks."""
        first_contact = make_contact()
        contacts.confirm_new_person(first_contact.children().get(), by=sam)
        first = first_contact.children().get().person
        second_contact = make_contact(people=[child(given_names="Jaden", family_name="Smith")])
        contacts.confirm_new_person(second_contact.children().get(), by=sam)
        second = second_contact.children().get().person
        second.nhs_number = synthetic_nhs_number(random.Random(5))
        second.save()
        Involvement.objects.create(person=second, service="CIN", started_on=date(2024, 1, 1))
        return first, second

    def test_merge_moves_every_contact_and_involvement(self, pair, priya):
        first, second = pair
        merge = services.merge_people(kept=first, merged=second, by=priya, reason="Same NHS no.")
        assert first.contact_links.count() == 2
        assert first.involvements.count() == 1
        second.refresh_from_db()
        first.refresh_from_db()
        assert second.merged_into == first
        assert first.nhs_number == second.nhs_number
        assert "Jaden Smith" in first.alias_names()
        assert len(merge.moved["contact_people"]) == 1
        assert not MatchKey.objects.filter(person=second).exists()

    def test_merge_is_audited_on_both_records(self, pair, priya):
        first, second = pair
        services.merge_people(kept=first, merged=second, by=priya, reason="Same NHS no.")
        events = AuditEvent.objects.filter(action="person.merged")
        assert {event.person_id for event in events} == {first.pk, second.pk}
        assert all(event.data["reason"] == "Same NHS no." for event in events)

    def test_unmerge_puts_back_exactly_what_moved(self, pair, priya, meera, make_contact, sam):
        first, second = pair
        merge = services.merge_people(kept=first, merged=second, by=priya, reason="Same NHS no.")
        later = make_contact()  # recorded after the merge and linked to the kept record
        contacts.link_person(later.children().get(), person=first, by=sam)
        services.unmerge(merge, by=meera, reason="The GP says they are two children.")
        first.refresh_from_db()
        second.refresh_from_db()
        assert second.merged_into is None
        assert second.contact_links.count() == 1 and second.involvements.count() == 1
        assert first.contact_links.count() == 2  # its own, and the one recorded after
        assert first.nhs_number == "" and first.alias_names() == []
        assert AuditEvent.objects.filter(action="person.unmerged").count() == 2
        found = services.candidates_for(query(given_names="Jaden", family_name="Smith"))
        assert second in [candidate.person for candidate in found]

    def test_only_practice_and_team_managers_merge(self, pair, sam, aled):
        first, second = pair
        for user in (sam, aled):
            with pytest.raises(NotPermitted):
                services.merge_people(kept=first, merged=second, by=user, reason="x")
        assert not PersonMerge.objects.exists()

    def test_a_merge_needs_a_reason(self, pair, priya):
        first, second = pair
        with pytest.raises(ApplicationError) as raised:
            services.merge_people(kept=first, merged=second, by=priya, reason="  ")
        assert raised.value.field == "reason"

    def test_a_merged_record_cannot_be_merged_or_linked_again(self, pair, priya, make_contact, sam):
        first, second = pair
        merge = services.merge_people(kept=first, merged=second, by=priya, reason="Same")
        with pytest.raises(ApplicationError):
            services.merge_people(kept=first, merged=second, by=priya, reason="Again")
        with pytest.raises(ApplicationError):
            contacts.link_person(make_contact().children().get(), person=second, by=sam)
        services.unmerge(merge, by=priya, reason="Wrong")
        with pytest.raises(ApplicationError):
            services.unmerge(merge, by=priya, reason="Twice")


class TestDuplicateSearch:
    @pytest.fixture
    def population(self):
        """Synthetic households; the last 1 in 30 records are second records of the first ones."""
        people = make_people(300, seed=11)
        copies = len(people) // 30
        return people, list(zip(people[:copies], people[-copies:], strict=True))

    @pytest.mark.parametrize("engine", ["ours", "both"])
    def test_every_second_record_is_queued_and_brothers_and_sisters_are_not(
        self, population, engine
    ):
        people, copies = population
        search = services.find_duplicates(engine=engine)
        queued = {
            frozenset((pair.first_id, pair.second_id)) for pair in PossibleDuplicate.objects.all()
        }
        assert {frozenset((one.pk, other.pk)) for one, other in copies} <= queued
        assert search.queued == len(queued)
        for pair in PossibleDuplicate.objects.select_related("first", "second"):
            # Whatever is queued is a true second record: same address, similar names.
            assert pair.first.postcode == pair.second.postcode
            assert pair.evidence and pair.score >= services.POSSIBLE_THRESHOLD

    def test_a_pair_decided_as_different_people_is_not_queued_again(self, population, priya):
        services.find_duplicates(engine="ours")
        pair = PossibleDuplicate.objects.first()
        services.mark_not_duplicate(pair, by=priya, reason="Checked with the school: twins.")
        again = services.find_duplicates(engine="ours")
        assert again.queued == 0
        assert PossibleDuplicate.objects.get(pk=pair.pk).status == "NOT_DUPLICATE"
