"""The matching pages through the test client: search, history check, review, merge, undo."""

from __future__ import annotations

from datetime import date

import pytest

from mash.audit.models import AuditEvent
from mash.contacts import services as contacts
from mash.matching import services
from mash.matching.models import PersonMerge, PossibleDuplicate
from mash.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def jayden() -> Person:
    return Person.objects.create(
        given_names="Jayden",
        family_name="Smyth",
        date_of_birth=date(2018, 5, 4),
        postcode="LS1 4AB",
    )


@pytest.fixture
def pair(jayden) -> PossibleDuplicate:
    other = Person.objects.create(
        given_names="Jaden", family_name="Smith", date_of_birth=date(2018, 4, 5), postcode="LS1 4AB"
    )
    services.find_duplicates(engine="ours")
    found = PossibleDuplicate.objects.get()
    assert {found.first, found.second} == {jayden, other}
    return found


def test_find_a_child_explains_each_candidate(client, sam, jayden):
    client.force_login(sam)
    page = client.get(
        "/people/",
        {
            "given_names": "Jaden",
            "family_name": "Smith",
            "date_of_birth_day": "5",
            "date_of_birth_month": "4",
            "date_of_birth_year": "2018",
        },
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Very likely the same person" in text
    assert "Date of birth: day and month swapped (05/04/2018, 04/05/2018)" in text
    assert "What agrees" in text


def test_find_a_child_keeps_what_was_typed_when_it_is_wrong(client, sam):
    client.force_login(sam)
    page = client.get("/people/", {"given_names": "Jaden", "nhs_number": "12345"})
    text = page.content.decode()
    assert page.status_code == 400
    assert "NHS number must be 10 digits" in text
    assert 'value="Jaden"' in text


def test_history_check_ranks_and_explains(client, sam, received, jayden):
    client.force_login(sam)
    child = received.children().get()
    page = client.get(f"/contacts/{received.pk}/people/{child.pk}/history/")
    text = page.content.decode()
    assert str(jayden.pk) in text
    assert "Very likely the same person" in text
    assert "Given name: the same (Jayden, Jayden)" in text


def test_history_check_search_again_with_month_and_year(client, sam, received, jayden):
    client.force_login(sam)
    child = received.children().get()
    page = client.get(
        f"/contacts/{received.pk}/people/{child.pk}/history/",
        {
            "given_names": "Jay",
            "family_name": "Smyth",
            "date_of_birth_month": "5",
            "date_of_birth_year": "2018",
        },
    )
    assert page.status_code == 200
    assert "month and year agree; the day is not known" in page.content.decode()


def test_reviewer_merges_from_the_queue(client, priya, pair):
    client.force_login(priya)
    assert "Jayden Smyth" in client.get("/duplicates/").content.decode()
    listed = AuditEvent.objects.get(action="person.duplicates_listed", actor=priya)
    assert set(listed.data["person_ids"]) == {str(pair.first_id), str(pair.second_id)}
    response = client.post(
        f"/duplicates/{pair.pk}/", {"decision": "keep_first", "reason": "Same child: checked GP."}
    )
    merge = PersonMerge.objects.get()
    assert response.status_code == 302
    assert response.url == f"/people/{merge.kept_id}/"
    assert merge.kept == pair.first and merge.from_duplicate == pair
    merged_page = client.get(f"/people/{merge.merged_id}/").content.decode()
    assert "This record was merged into" in merged_page
    kept_page = client.get(f"/people/{merge.kept_id}/").content.decode()
    title = kept_page.split("<title>")[1].split("</title>")[0]
    assert "Merges" not in title and merge.kept.full_name in title
    assert "was merged into this one" in kept_page


def test_review_errors_keep_what_was_typed(client, priya, pair):
    client.force_login(priya)
    response = client.post(f"/duplicates/{pair.pk}/", {"reason": "Checked with the school"})
    text = response.content.decode()
    assert response.status_code == 400
    assert "Select whether these are the same person" in text
    assert "Checked with the school" in text
    assert not PersonMerge.objects.exists()


def test_a_social_worker_sees_the_pair_but_cannot_decide(client, sam, pair):
    client.force_login(sam)
    page = client.get(f"/duplicates/{pair.pk}/")
    assert page.status_code == 200
    assert "Save decision" not in page.content.decode()
    response = client.post(f"/duplicates/{pair.pk}/", {"decision": "keep_first", "reason": "x"})
    assert response.status_code == 403
    assert not PersonMerge.objects.exists()


def test_undo_from_the_kept_record(client, meera, priya, pair):
    merge = services.merge_people(
        kept=pair.first, merged=pair.second, by=priya, reason="Same child", duplicate=pair
    )
    client.force_login(meera)
    assert "Undo this merge" in client.get(f"/people/{pair.first_id}/").content.decode()
    assert client.post(f"/duplicates/merges/{merge.pk}/undo/", {"reason": ""}).status_code == 400
    response = client.post(f"/duplicates/merges/{merge.pk}/undo/", {"reason": "Two children."})
    assert response.status_code == 302
    merge.refresh_from_db()
    assert merge.is_undone and merge.undone_by == meera
    assert PossibleDuplicate.objects.get(pk=pair.pk).status == "WAITING"


def test_linking_to_a_merged_record_is_refused_in_words(client, sam, priya, received, pair):
    services.merge_people(kept=pair.first, merged=pair.second, by=priya, reason="Same child")
    client.force_login(sam)
    child = received.children().get()
    response = client.post(
        f"/contacts/{received.pk}/people/{child.pk}/history/",
        {"choice": "link", "person": str(pair.second_id)},
        follow=True,
    )
    assert "was merged into another" in response.content.decode()
    assert not contacts.ContactPerson.objects.get(pk=child.pk).person


def test_find_a_child_query_count_does_not_grow_with_candidates(client, sam):
    """Candidates' histories are read together, not one person at a time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(sam)
    search = {"given_names": "Ava", "family_name": "Reid"}

    def queries_for(people: int) -> int:
        Person.objects.filter(family_name="Reid").delete()
        for day in range(1, people + 1):
            Person.objects.create(
                given_names="Ava", family_name="Reid", date_of_birth=date(2015, 1, day)
            )
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/people/", search)
        assert page.content.decode().count("mash-candidate") == people
        return len(captured.captured_queries)

    assert queries_for(2) == queries_for(12)


def test_a_pair_made_moot_by_another_merge_leaves_the_queue(client, priya, jayden):
    third = Person.objects.create(
        given_names="Jaden", family_name="Smyth", date_of_birth=date(2018, 5, 4), postcode="LS1 4AB"
    )
    fourth = Person.objects.create(
        given_names="Jayden",
        family_name="Smith",
        date_of_birth=date(2018, 5, 4),
        postcode="LS1 4AB",
    )
    services.find_duplicates(engine="ours")
    assert PossibleDuplicate.objects.count() == 3  # every pair of the three records
    first = PossibleDuplicate.objects.get(first__in=[jayden, third], second__in=[jayden, third])
    services.merge_people(kept=jayden, merged=third, by=priya, reason="Same child", duplicate=first)
    client.force_login(priya)
    page = client.get("/duplicates/").content.decode()
    assert "1 pair waiting for review" in page
    assert fourth.full_name in page


def test_a_pair_already_decided_cannot_be_merged_by_posting(client, priya, meera, pair):
    services.mark_not_duplicate(pair, by=meera, reason="Twins: checked with the school.")
    client.force_login(priya)
    response = client.post(
        f"/duplicates/{pair.pk}/", {"decision": "keep_first", "reason": "Same child."}
    )
    assert response.status_code == 400
    assert "This pair has already been reviewed." in response.content.decode()
    assert not PersonMerge.objects.exists()
