"""Matching against the database: filing people under keys, finding candidates, merging.

The scoring itself is `engine.score_pair`; this module turns people into `PersonRecord`s, asks
the key index for candidates, and keeps merges reversible with full provenance.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from mash.audit import services as audit
from mash.core.errors import ApplicationError, NotPermitted
from mash.matching.engine import POSSIBLE_THRESHOLD, Match, score_pair
from mash.matching.keys import query_keys, stored_keys
from mash.matching.models import DuplicateSearch, MatchKey, PersonMerge, PossibleDuplicate
from mash.matching.records import PersonRecord
from mash.people.models import Involvement, Person
from mash.people.normalise import lines_of

# How many people the key index may offer for scoring: those sharing the most keys come first.
CANDIDATE_LIMIT = 150
ARRIVAL_POOL = 40
# Fields a merge copies to the kept record when the kept record has none.
FILLABLE = (
    "date_of_birth",
    "nhs_number",
    "upn",
    "address",
    "postcode",
    "ethnicity",
    "ethnicity_code",
    "upn_unknown",
    "expected_date_of_birth",
    "first_language",
    "religion",
)
_DATES = frozenset({"date_of_birth", "expected_date_of_birth"})


@dataclass(frozen=True)
class Candidate:
    """A person the matcher offers for a query, with its verdict and reasons."""

    person: Person
    match: Match


# --------------------------------------------------------------------------- records


def record_for_person(person: Person, household: Sequence[str] = ()) -> PersonRecord:
    """The matcher's view of a person record."""
    return PersonRecord.with_birth_date(
        str(person.pk),
        person.date_of_birth,
        given_names=person.given_names,
        family_name=person.family_name,
        aliases=tuple(person.alias_names()),
        sex=_known_sex(person.gender),
        address=person.address,
        postcode=person.postcode,
        nhs_number=person.nhs_number,
        upn=person.upn,
        household=tuple(household),
    )


def _known_sex(gender: str) -> str:
    """ "F" or "M"; "" for other, not stated or not known (not compared)."""
    return gender if gender in {"F", "M"} else ""


def record_for_details(
    *,
    given_names: str = "",
    family_name: str = "",
    other_names: str = "",
    date_of_birth: date | None = None,
    birth_year: int | None = None,
    birth_month: int | None = None,
    gender: str = "",
    address: str = "",
    postcode: str = "",
    nhs_number: str = "",
    upn: str = "",
    household: Sequence[str] = (),
) -> PersonRecord:
    """A query record from what a referrer or searcher wrote (a date may be month and year)."""
    fields: dict[str, Any] = {
        "given_names": given_names,
        "family_name": family_name,
        "aliases": tuple(lines_of(other_names)),
        "sex": _known_sex(gender),
        "address": address,
        "postcode": postcode,
        "nhs_number": nhs_number,
        "upn": upn,
        "household": tuple(household),
    }
    if date_of_birth is None and birth_year:
        return PersonRecord("query", birth_year=birth_year, birth_month=birth_month, **fields)
    return PersonRecord.with_birth_date("query", date_of_birth, **fields)


def record_for_contact_person(contact_person: Any, household: Sequence[str] = ()) -> PersonRecord:
    """The matcher's view of a child or adult as the referrer described them."""
    return record_for_details(
        given_names=contact_person.given_names,
        family_name=contact_person.family_name,
        other_names=contact_person.other_names,
        date_of_birth=contact_person.date_of_birth,
        gender=contact_person.gender,
        address=contact_person.address,
        postcode=contact_person.postcode,
        nhs_number=contact_person.nhs_number,
        upn=contact_person.upn,
        household=household,
    )


def household_names(people: Iterable[Any], *, excluding: Any) -> tuple[str, ...]:
    """The names of the other people on a contact (unnamed people left out)."""
    return tuple(
        other.full_name
        for other in people
        if other.pk != excluding.pk and (other.given_names or other.family_name)
    )


def match_on_arrival(contact: Any) -> None:
    """Match every child and adult on a new contact (IN-5, SC-4), whichever way it came in.

    Only the counts are kept, for the contact page; the practitioner's history check runs the
    match again, fresh, and shows the candidates.
    """
    people = list(contact.people.all())
    for contact_person in people:
        household = household_names(people, excluding=contact_person)
        # Only counts are kept, so a smaller pool: the practitioner's check scores the full one.
        found = candidates_for(
            record_for_contact_person(contact_person, household), limit=50, pool=ARRIVAL_POOL
        )
        contact_person.likely_matches = sum(1 for each in found if each.match.band == "likely")
        contact_person.possible_matches = len(found) - contact_person.likely_matches
        contact_person.save(update_fields=["likely_matches", "possible_matches", "updated_at"])


def households(person_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    """For each person, the names of the other people recorded on their contacts."""
    from mash.contacts.models import ContactPerson

    links = list(
        ContactPerson.objects.filter(person_id__in=list(person_ids)).values_list(
            "person_id", "contact_id"
        )
    )
    on_contact: dict[uuid.UUID, list[tuple[uuid.UUID | None, str]]] = defaultdict(list)
    rows = ContactPerson.objects.filter(contact_id__in={contact for _, contact in links})
    for contact_id, person_id, given, family in rows.values_list(
        "contact_id", "person_id", "given_names", "family_name"
    ):
        on_contact[contact_id].append((person_id, f"{given} {family}".strip()))
    found: dict[uuid.UUID, list[str]] = defaultdict(list)
    for person_id, contact_id in links:
        found[person_id].extend(
            name for other, name in on_contact[contact_id] if other != person_id and name
        )
    return found


# --------------------------------------------------------------------------- the key index


def index_people(people: Iterable[Person]) -> int:
    """File each person under their blocking keys (replacing old ones). Returns keys written.

    A merged record is filed under nothing, so it is never offered again.
    """
    people = list(people)
    MatchKey.objects.filter(person_id__in=[person.pk for person in people]).delete()
    rows = [
        MatchKey(person_id=person.pk, key=key)
        for person in people
        if person.merged_into_id is None
        for key in sorted(stored_keys(record_for_person(person)))
    ]
    MatchKey.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def reindex_saved_person(sender: Any, instance: Person, **kwargs: Any) -> None:
    """post_save receiver: keep a saved person's keys in step with their details."""
    if kwargs.get("raw"):  # loading fixtures: the keys are rebuilt by `mash reindex-people`
        return
    index_people([instance])


def candidates_for(
    record: PersonRecord,
    *,
    limit: int = 20,
    floor: float = POSSIBLE_THRESHOLD,
    pool: int = CANDIDATE_LIMIT,
) -> list[Candidate]:
    """The people who may be the one described, best first, scored and explained.

    Only candidates scoring at least `floor` are returned; pass a lower floor to see weaker ones.
    `pool` is how many of the people sharing the most keys are scored.
    """
    keys = sorted(query_keys(record))
    if not keys:
        return []
    ranked = (
        MatchKey.objects.filter(key__in=keys)
        .values("person_id")
        .annotate(shared=Count("id"))
        .order_by("-shared")[:pool]
    )
    ids = [row["person_id"] for row in ranked]
    people = Person.objects.filter(pk__in=ids, merged_into__isnull=True)
    known_with = households(ids) if record.household else {}
    scored = [
        Candidate(
            person, score_pair(record, record_for_person(person, known_with.get(person.pk, [])))
        )
        for person in people
    ]
    kept = [candidate for candidate in scored if candidate.match.score >= floor]
    kept.sort(key=lambda candidate: (-candidate.match.score, candidate.person.full_name))
    return kept[:limit]


# --------------------------------------------------------------------------- merge and un-merge


def can_review_duplicates(user: Any) -> bool:
    """Merging records is a Practice or Team Manager's decision (SC-4: the record must be right)."""
    from mash.accounts.models import Role

    return bool(getattr(user, "is_authenticated", False)) and user.has_role(
        Role.PRACTICE_MANAGER, Role.TEAM_MANAGER
    )


@transaction.atomic
def merge_people(
    *,
    kept: Person,
    merged: Person,
    by: Any,
    reason: str,
    duplicate: PossibleDuplicate | None = None,
) -> PersonMerge:
    """Merge `merged` into `kept`: every contact and involvement moves, nothing is deleted.

    The kept record gains the merged record's names as other names and any details it lacked;
    `PersonMerge` records exactly what moved and what changed, so `unmerge` can put it back.
    """
    _require_reviewer(by)
    reason = _reason(reason)
    kept, merged = _locked_pair(kept, merged)
    if kept.pk == merged.pk:
        raise ApplicationError("Choose two different records to merge.", field="kept")
    if kept.merged_into_id or merged.merged_into_id:
        raise ApplicationError("One of these records has already been merged into another.")
    if duplicate is not None:
        duplicate = PossibleDuplicate.objects.select_for_update().get(pk=duplicate.pk)
    if duplicate is not None and duplicate.status != PossibleDuplicate.Status.WAITING:
        raise ApplicationError("This pair has already been reviewed.")
    moved = _move_rows(from_person=merged, to_person=kept)
    kept_before = _absorb_details(kept, merged)
    merged.merged_into = kept
    # Saving re-files both under their keys (`reindex_saved_person`): the merged one under none.
    merged.save(update_fields=["merged_into", "updated_at"])
    merge = PersonMerge.objects.create(
        kept=kept,
        merged=merged,
        merged_by=by,
        merged_at=timezone.now(),
        reason=reason,
        moved=moved,
        kept_before=kept_before,
        from_duplicate=duplicate,
    )
    if duplicate is not None:
        _close_duplicate(duplicate, PossibleDuplicate.Status.MERGED, by, reason)
    _audit_both("person.merged", merge, by, {"reason": reason, "moved": moved})
    return merge


@transaction.atomic
def unmerge(merge: PersonMerge, *, by: Any, reason: str) -> PersonMerge:
    """Undo a merge: the rows that moved go back, the kept record's details are restored.

    Work recorded against the kept record after the merge stays with it: only the rows listed
    in the merge's provenance move back.
    """
    from mash.contacts.models import ContactPerson

    _require_reviewer(by)
    reason = _reason(reason)
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.is_undone:
        raise ApplicationError("This merge has already been undone.")
    kept, merged = _locked_pair(merge.kept, merge.merged)
    ContactPerson.objects.filter(pk__in=merge.moved.get("contact_people", []), person=kept).update(
        person=merged
    )
    Involvement.objects.filter(pk__in=merge.moved.get("involvements", []), person=kept).update(
        person=merged
    )
    _restore_details(kept, merge)
    merged.merged_into = None
    merged.save(update_fields=["merged_into", "updated_at"])
    merge.undone_by, merge.undone_at, merge.undo_reason = by, timezone.now(), reason
    merge.save(update_fields=["undone_by", "undone_at", "undo_reason", "updated_at"])
    if merge.from_duplicate is not None:
        _close_duplicate(merge.from_duplicate, PossibleDuplicate.Status.WAITING, by, reason)
    _audit_both("person.unmerged", merge, by, {"reason": reason})
    return merge


@transaction.atomic
def mark_not_duplicate(duplicate: PossibleDuplicate, *, by: Any, reason: str) -> PossibleDuplicate:
    """Record that two records are different people: the pair is not offered again."""
    _require_reviewer(by)
    reason = _reason(reason)
    duplicate = PossibleDuplicate.objects.select_for_update().get(pk=duplicate.pk)
    if duplicate.status != PossibleDuplicate.Status.WAITING:
        raise ApplicationError("This pair has already been reviewed.")
    _close_duplicate(duplicate, PossibleDuplicate.Status.NOT_DUPLICATE, by, reason)
    for person_id in (duplicate.first_id, duplicate.second_id):
        audit.record(
            actor=by,
            action="person.duplicate_rejected",
            person_id=person_id,
            subject=duplicate,
            rule_ids=["SC-4"],
            data={"reason": reason},
        )
    return duplicate


def _require_reviewer(user: Any) -> None:
    if not can_review_duplicates(user):
        raise NotPermitted("Only a Practice or Team Manager can merge or separate records.")


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ApplicationError(
            "Enter the reason, so the decision can be understood later", field="reason"
        )
    return text


def _locked_pair(one: Person, other: Person) -> tuple[Person, Person]:
    # Lock in a fixed order so two reviewers working on the same pair cannot deadlock.
    locked = {
        person.pk: person
        for person in Person.objects.select_for_update().filter(pk__in=sorted([one.pk, other.pk]))
    }
    return locked[one.pk], locked[other.pk]


def _move_rows(*, from_person: Person, to_person: Person) -> dict[str, list[str]]:
    from mash.contacts.models import ContactPerson

    contact_people = list(
        ContactPerson.objects.filter(person=from_person).values_list("pk", flat=True)
    )
    involvements = list(Involvement.objects.filter(person=from_person).values_list("pk", flat=True))
    ContactPerson.objects.filter(pk__in=contact_people).update(person=to_person)
    Involvement.objects.filter(pk__in=involvements).update(person=to_person)
    return {
        "contact_people": [str(pk) for pk in contact_people],
        "involvements": [str(pk) for pk in involvements],
    }


def _absorb_details(kept: Person, merged: Person) -> dict[str, Any]:
    """Give the kept record the merged one's names as other names and details it lacks."""
    filled: dict[str, str] = {}
    before: dict[str, Any] = {"other_names": kept.other_names, "filled": filled}
    aliases = kept.alias_names()
    for name in [merged.full_name, *merged.alias_names()]:
        if name != kept.full_name and name not in aliases and name != "Name not given":
            aliases.append(name)
    kept.other_names = "\n".join(aliases)
    for field in FILLABLE:
        if not getattr(kept, field) and getattr(merged, field):
            setattr(kept, field, getattr(merged, field))
            filled[field] = str(getattr(merged, field))
    kept.save()
    return before


def _restore_details(kept: Person, merge: PersonMerge) -> None:
    """Put back what the merge changed, unless someone has changed it again since."""
    kept.other_names = merge.kept_before.get("other_names", kept.other_names)
    for field, value in merge.kept_before.get("filled", {}).items():
        if str(getattr(kept, field)) == value:
            setattr(kept, field, None if field in _DATES else "")
    kept.save()


def _close_duplicate(duplicate: PossibleDuplicate, status: str, by: Any, reason: str) -> None:
    duplicate.status = status
    duplicate.reviewed_by = by
    duplicate.reviewed_at = timezone.now()
    duplicate.review_reason = reason
    duplicate.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "review_reason", "updated_at"]
    )


def _audit_both(action: str, merge: PersonMerge, by: Any, data: dict[str, Any]) -> None:
    """One event on each record, so each person's trail shows the merge."""
    for person_id in (merge.kept_id, merge.merged_id):
        audit.record(
            actor=by,
            action=action,
            person_id=person_id,
            subject=merge,
            rule_ids=["SC-4"],
            data={**data, "kept": str(merge.kept_id), "merged": str(merge.merged_id)},
        )


# --------------------------------------------------------------------------- batch duplicate search


ENGINES = ("both", "splink", "ours")


def find_duplicates(
    *, engine: str = "both", backend: str = "duckdb", started_by: str = ""
) -> DuplicateSearch:
    """Search the whole database for records that may be one person, and queue them for review.

    Splink (the Ministry of Justice's probabilistic linkage library, on DuckDB here or Spark for
    a region) and the product's own matcher each propose pairs; every proposed pair is scored
    and explained by the product's matcher, so the reviewer sees the same plain-English reasons
    as on a history check. Pairs already queued or already decided are never queued again.
    """
    if engine not in ENGINES:
        raise ApplicationError(f"Choose an engine from {', '.join(ENGINES)}.", field="engine")
    search = DuplicateSearch.objects.create(
        engine=engine if engine != "splink" else f"splink-{backend}",
        started_at=timezone.now(),
        started_by=started_by,
    )
    records = _all_records()
    proposed, scored = _proposed_pairs(records, engine, backend)
    by_id = {record.record_id: record for record in records}
    queued, set_aside = _queue(search, proposed, by_id)
    search.people, search.pairs_scored = len(records), scored
    search.queued, search.set_aside = queued, set_aside
    search.finished_at = timezone.now()
    search.save()
    audit.record(
        actor=None,
        actor_name=started_by or "Duplicate search",
        action="person.duplicates_searched",
        subject=search,
        rule_ids=["SC-4"],
        data={
            "engine": search.engine,
            "people": len(records),
            "queued": queued,
            "set_aside": set_aside,
        },
    )
    return search


def _all_records() -> list[PersonRecord]:
    people = list(Person.objects.filter(merged_into__isnull=True))
    known_with = households(person.pk for person in people)
    return [record_for_person(person, known_with.get(person.pk, [])) for person in people]


def _proposed_pairs(
    records: list[PersonRecord], engine: str, backend: str
) -> tuple[dict[tuple[str, str], float | None], int]:
    """Pairs (smaller id first) with Splink's probability where Splink proposed them."""
    from mash.matching.batch import dedupe_records

    proposed: dict[tuple[str, str], float | None] = {}
    scored = 0
    if engine in {"both", "ours"}:
        ours = dedupe_records(records)
        scored += ours.pairs_scored
        for pair in ours.pairs:
            proposed[_ordered(pair.left_id, pair.right_id)] = None
    if engine in {"both", "splink"} and len(records) > 1:
        from mash.matching.splink_runner import splink_dedupe

        theirs = splink_dedupe(records, backend=backend)  # type: ignore[arg-type]
        scored += theirs.pairs_scored
        for found in theirs.pairs:
            proposed[_ordered(found.left_id, found.right_id)] = found.match.probability
    return proposed, scored


def _ordered(one: str, other: str) -> tuple[str, str]:
    first, second = sorted([uuid.UUID(one), uuid.UUID(other)])
    return str(first), str(second)


def _queue(
    search: DuplicateSearch,
    proposed: dict[tuple[str, str], float | None],
    by_id: dict[str, PersonRecord],
) -> tuple[int, int]:
    """Queue the new pairs the product's matcher rates at least "possibly the same person".

    Returns (queued, set aside). Splink, like any model that treats fields as independent,
    rates brothers and sisters at one address as likely duplicates; those pairs are counted
    but not put in front of a reviewer.
    """
    known = {
        (str(first), str(second))
        for first, second in PossibleDuplicate.objects.values_list("first_id", "second_id")
    }
    rows, set_aside = [], 0
    for (first, second), probability in proposed.items():
        if (first, second) in known:
            continue
        match = score_pair(by_id[first], by_id[second])
        if match.score < POSSIBLE_THRESHOLD:
            set_aside += 1
            continue
        rows.append(
            PossibleDuplicate(
                first_id=first,
                second_id=second,
                score=match.score,
                engine_probability=probability,
                evidence=evidence_rows(match),
                found_by=search,
            )
        )
    PossibleDuplicate.objects.bulk_create(rows, batch_size=1000)
    return len(rows), set_aside


def evidence_rows(match: Match) -> list[dict[str, Any]]:
    """The evidence as stored with a queued pair (what the matcher saw when it queued it)."""
    return [
        {"field": item.field, "finding": item.finding, "weight": item.weight}
        for item in match.evidence
    ]


def compare(first: Person, second: Person) -> Match:
    """Score two person records against each other as they stand now."""
    known_with = households([first.pk, second.pk])
    return score_pair(
        record_for_person(first, known_with.get(first.pk, [])),
        record_for_person(second, known_with.get(second.pk, [])),
    )
