"""Audited matching reads: every list of candidates shown to a user is in the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from mash.audit import services as audit
from mash.matching.engine import POSSIBLE_THRESHOLD
from mash.matching.models import PersonMerge
from mash.matching.records import PersonRecord
from mash.matching.services import Candidate, candidates_for
from mash.people.selectors import PersonHistory, person_histories


@dataclass(frozen=True)
class CandidateView:
    """A candidate as a practitioner sees it: verdict, reasons and involvement summary."""

    candidate: Candidate
    history: PersonHistory

    @property
    def person(self) -> Any:
        return self.candidate.person

    @property
    def match(self) -> Any:
        return self.candidate.match

    @property
    def last_contact(self) -> Any:
        contacts = self.history.previous_contacts
        return contacts[0] if contacts else None


def match_people(
    user: Any,
    record: PersonRecord,
    *,
    purpose: str,
    contact_id: Any = None,
    include_weak: bool = False,
) -> list[CandidateView]:
    """Ranked candidates for what `record` describes; MASH staff only (CO-4); audited (SC-4).

    `include_weak` also returns candidates below "possibly the same person" (down to any
    positive score), for a practitioner who wants to look wider.
    """
    if not (getattr(user, "is_authenticated", False) and user.is_mash_staff()):
        return []
    found = candidates_for(record, floor=0.0 if include_weak else POSSIBLE_THRESHOLD)
    histories = person_histories(
        [candidate.person for candidate in found], excluding_contact=contact_id
    )
    views = [
        CandidateView(candidate, history)
        for candidate, history in zip(found, histories, strict=True)
    ]
    audit.record(
        actor=user,
        action="person.searched",
        contact_id=contact_id,
        rule_ids=["SC-4", "IN-5"],
        data={
            "purpose": purpose,
            "query": _query_summary(record),
            "results": len(views),
            # Who was shown, and how strongly: a search reveals records (CO-6).
            "person_ids": [str(view.person.pk) for view in views],
            "scores": [view.match.score for view in views],
        },
    )
    return views


def _query_summary(record: PersonRecord) -> dict[str, Any]:
    return {
        "given_names": record.given_names,
        "family_name": record.family_name,
        "born": [record.birth_year, record.birth_month, record.birth_day],
        "postcode": record.postcode,
        "nhs_number": record.nhs_number,
        "upn": record.upn,
    }


def merges_of(person: Any) -> list[PersonMerge]:
    """Merges this record took part in, newest first: kept or merged away (provenance, SC-4)."""
    return list(
        PersonMerge.objects.filter(Q(kept=person) | Q(merged=person)).select_related(
            "kept", "merged", "merged_by", "undone_by"
        )
    )
