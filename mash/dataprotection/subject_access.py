"""What a subject access export holds about a person, and what it withholds (CO-6, CO-5, IN-9).

`build_export` reads the live record and returns the export as plain sections (a heading and
label/value rows) that the HTML page and the JSON bundle both render, with every withheld item
in a schedule. What is withheld, and why (ADR 0013):

- other people on a contact (parents, siblings, alleged perpetrators): Sch. 2 Part 3 para 16;
  their names are also taken out of the free text wherever they appear;
- a referrer who is a member of the public and did not agree to be named (IN-9): para 16;
- what a partner agency told the MASH, until the agency agrees to its disclosure: police
  information under Sch. 2 Part 1 para 2 (crime), health under Sch. 3 Part 2 para 5 (serious
  harm), others under para 16;
- that confidential information exists and who holds it (CO-5), by the same agency rule;
- a strategy discussion's reasoning where a possible offence was recorded (IN-12): crime;
- the MASH's own analysis (the recommendation's, a MASH meeting's analysis and actions, a
  strategy discussion's reasons) of a contact a partner agency answered with information: it
  draws on that agency's answers (CO-4; the MAIS page keeps it from partners for the same
  reason), so it is withheld under the agency's exemption until the agency agrees.

A dip-sample audit of the contact (DM-2) is included: the council's own opinion of how the
child's case was handled is information about the child, as the MASH's own reasons are, and
no exemption covers an internal quality record as such. It is treated as the MASH's analysis
is: other people's names taken out, and the auditor's words withheld where a partner agency
answered with information, since the audit reads and judges those answers.

A manager may release a withheld item with a reason; a released item is then shown.
Nothing here writes: `services.produce_export` records the schedule and the audit events.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from mash.contacts.models import Contact, ContactPerson
from mash.core.formatting import date_gb, datetime_gb
from mash.dataprotection.models import DisclosureRecord, SubjectAccessRequest, WithheldItem
from mash.people.census import disability_labels
from mash.people.models import Person
from mash.sharing.models import Contribution, InformationRequest

Exemption = WithheldItem.Exemption
REDACTED = "[another person]"


@dataclass(frozen=True)
class Withholding:
    """One item left out, before it is recorded as a `WithheldItem`."""

    key: str
    contact_id: uuid.UUID | None
    description: str
    reason: str
    exemption: str
    rule_ids: tuple[str, ...] = ()

    @property
    def exemption_label(self) -> str:
        return str(Exemption(self.exemption).label)


@dataclass
class Section:
    """A heading and its rows: (label, value) pairs; a value may point at a withheld item."""

    heading: str
    rows: list[tuple[str, str]] = field(default_factory=list)

    def add(self, label: str, value: object) -> None:
        text = "" if value is None else str(value)
        if text.strip():
            self.rows.append((label, text))


@dataclass
class Export:
    """The whole export: the person, each contact's sections, involvement, disclosures and
    the withheld schedule (numbered in the order the items appear)."""

    person: Section
    contacts: list[tuple[str, list[Section]]]
    involvements: Section
    disclosures: Section
    withheld: list[Withholding]
    released: set[str]

    def number_of(self, key: str) -> int:
        return [item.key for item in self.withheld].index(key) + 1

    def as_data(self, sar: SubjectAccessRequest) -> dict[str, Any]:
        """The JSON bundle."""

        def section(s: Section) -> dict[str, Any]:
            return {"heading": s.heading, "rows": [{"label": k, "value": v} for k, v in s.rows]}

        return {
            "subject_access_request": {
                "id": str(sar.pk),
                "received_on": sar.received_on.isoformat(),
                "due_on": sar.due_on.isoformat(),
                "requester": sar.requester_name,
            },
            "person": section(self.person),
            "contacts": [
                {"reference": ref, "sections": [section(s) for s in sections]}
                for ref, sections in self.contacts
            ],
            "involvement": section(self.involvements),
            "shared_with_partner_agencies": section(self.disclosures),
            # The same words whether or not anything was withheld: neither confirm nor deny.
            "what_may_be_left_out": WITHHOLDING_STATEMENT,
        }


WITHHOLDING_STATEMENT = (
    "The law lets us leave out some information: about other people, or where sharing it "
    "could prejudice the prevention or detection of crime or cause serious harm (Data "
    "Protection Act 2018, Schedules 2 and 3). Where we have done so it is not shown here. If "
    "you think something is missing, you can ask us, and you can complain to the Information "
    "Commissioner's Office."
)


def subject_ids(person: Person) -> list[uuid.UUID]:
    """The person and any records merged into them: the same person (mash.matching)."""
    return [person.pk, *person.merged_records.values_list("pk", flat=True)]


def agency_exemption(agency: Any) -> str:
    """The exemption that applies to an agency's information until it agrees to disclose it."""
    kind = (getattr(agency, "kind", "") or "").lower()
    if kind == "police":
        return Exemption.CRIME
    if kind == "health":
        return Exemption.HEALTH
    return Exemption.THIRD_PARTY


class _Builder:
    def __init__(self, sar: SubjectAccessRequest, released: Iterable[str]) -> None:
        self.sar = sar
        self.person = sar.person
        self.ids = subject_ids(self.person)
        self.released = set(released)
        self.withheld: list[Withholding] = []
        self._placeholders: dict[uuid.UUID, str] = {}
        self._answered: dict[uuid.UUID, list[Any]] = {}

    # ------------------------------------------------------------------ withholding helpers

    def withhold(self, item: Withholding) -> str:
        """Withhold `item` unless released; the text to show in its place (or '')."""
        # Left out of the requester's copy without a marker: a row saying "withheld" next to
        # an agency's name would itself tell them that the agency holds something (CO-5). The
        # schedule is for the MASH (the request's page and the audit trail), not the family.
        self.withheld.append(item)  # listed in the schedule, released or not
        return ""

    def _patterns(self, others: list[ContactPerson], referrer: str) -> list[re.Pattern[str]]:
        own = {
            word.lower() for word in f"{self.person.given_names} {self.person.family_name}".split()
        }
        # The referrer's whole name and each word of it, as for everyone else.
        names: list[str] = [referrer, *referrer.split()] if referrer else []
        for other in others:
            names.append(other.full_name if other.full_name != "Name not given" else "")
            names += f"{other.given_names} {other.family_name}".split()
        words = {n.strip() for n in names if len(n.strip()) >= 2 and n.lower() not in own}
        # Longest first, so "Dean Smyth" goes before "Dean".
        return [
            re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)
            for name in sorted(words, key=len, reverse=True)
        ]

    # ------------------------------------------------------------------------- the export

    def build(self) -> Export:
        contacts = (
            Contact.objects.filter(people__person_id__in=self.ids)
            .distinct()
            .order_by("received_at")
        )
        per_contact = [(c.reference, self.contact_sections(c)) for c in contacts]
        return Export(
            person=self.person_section(),
            contacts=per_contact,
            involvements=self.involvement_section(),
            disclosures=self.disclosure_section(list(contacts)),
            withheld=self.withheld,
            released=self.released,
        )

    def person_section(self) -> Section:
        p = self.person
        s = Section("Your details on the social care record")
        s.add("Name", p.full_name)
        s.add("Other names", ", ".join(p.alias_names()))
        s.add("Date of birth", date_gb(p.date_of_birth))
        s.add("Gender", p.get_gender_display())
        s.add("NHS number", p.nhs_number)
        s.add("Unique pupil number", p.upn)
        s.add("Address", f"{p.address} {p.postcode}".strip())
        s.add("Ethnicity", p.ethnicity)
        s.add("Ethnicity (census category)", p.get_ethnicity_code_display())
        s.add("Disability (census categories)", ", ".join(disability_labels(p.disabilities)))
        s.add("Why there is no unique pupil number", p.get_upn_unknown_display())
        s.add("Expected date of birth", date_gb(p.expected_date_of_birth))
        s.add("First language", p.first_language)
        s.add("Religion", p.religion)
        return s

    def involvement_section(self) -> Section:
        s = Section("Involvement with children's services")
        for inv in self.person.involvements.select_related("team").order_by("started_on"):
            ended = date_gb(inv.ended_on) if inv.ended_on else "still open"
            team = f", {inv.team.name}" if inv.team else ""
            worker = f"; worker {inv.allocated_worker}" if inv.allocated_worker else ""
            closed = f"; closed: {inv.closure_reason}" if inv.closure_reason else ""
            s.add(
                inv.get_service_display(),
                f"{date_gb(inv.started_on)} to {ended}{team}{worker}{closed}",
            )
        return s

    def disclosure_section(self, contacts: list[Contact]) -> Section:
        """Who the information was shared with (UK GDPR Art. 15(1)(c)), from the register."""
        s = Section("Who your information was shared with")
        records = DisclosureRecord.objects.filter(contact__in=contacts).select_related(
            "agency", "contact"
        )
        for record in records.order_by("shared_at"):
            s.add(
                f"{datetime_gb(record.shared_at)}, {record.agency.name}",
                f"{record.get_kind_display()} on {record.contact.reference}. Legal basis: "
                f"{record.get_legal_basis_display()}",
            )
        return s

    def contact_sections(self, contact: Contact) -> list[Section]:
        links = list(contact.people.all())
        others = [link for link in links if link.person_id not in self.ids]
        mine = [link for link in links if link.person_id in self.ids]
        referrer, referrer_hidden = self.referrer_section(contact)
        shown_others = self.other_people(contact, others)
        patterns = self._patterns(
            [o for o in others if o.pk not in shown_others],
            contact.referrer_name if referrer_hidden else "",
        )
        text = _Redactor(patterns)
        sections = [self.contact_summary(contact, text)]
        for link in mine:
            sections.append(self.as_recorded(link))
        sections.append(referrer)
        if others:
            people = Section("Other people named on this contact")
            for other in others:
                if other.pk in shown_others:
                    people.add(
                        other.full_name, ", ".join(other.roles()) or other.get_kind_display()
                    )
                else:
                    people.add(other.get_kind_display(), self._placeholders.get(other.pk, ""))
            sections.append(people)
        sections += self.decisions(contact, text)
        sections += self.partner_checks(contact, text)
        sections += self.meetings(contact, text)
        sections += self.disputes(contact, text)
        sections += self.audits(contact, text)
        return [s for s in sections if s.rows]

    def contact_summary(self, contact: Contact, t: _Redactor) -> Section:
        s = Section(f"Contact {contact.reference}")
        s.add("Received", datetime_gb(contact.received_at))
        s.add("How it came in", contact.get_channel_display())
        s.add("Purpose", contact.get_purpose_display())
        s.add("Where it is now", contact.get_status_display())
        s.add("The concern", t(contact.concern_summary))
        s.add("How the concern came to light and when", t(contact.concern_source_and_timing))
        s.add("Significant events", t(contact.significant_events))
        s.add("Where the child is and how they are", t(contact.child_location_and_condition))
        s.add("The child's views", t(contact.child_views))
        s.add("Other agencies involved", t(contact.other_agencies_involved))
        s.add("Existing assessment", t(contact.existing_assessment))
        s.add("Child protection concern", "Yes" if contact.child_protection_concern else "No")
        s.add("Parents aware of the contact", contact.get_parents_aware_display())
        s.add("Parents consent", contact.get_parents_consent_display())
        s.add("Why the parents were not told", t(contact.parents_not_informed_reason))
        return s

    def as_recorded(self, link: ContactPerson) -> Section:
        s = Section("Your details as the contact recorded them")
        s.add("Name", link.full_name)
        s.add("Date of birth", date_gb(link.date_of_birth))
        s.add("Address", f"{link.address} {link.postcode}".strip())
        s.add("School or nursery", link.school_or_nursery)
        s.add("Special needs", link.special_needs)
        s.add("Relationship to the child", link.relationship_to_child)
        s.add("Recorded as", ", ".join(link.roles()))
        return s

    def referrer_section(self, contact: Contact) -> tuple[Section, bool]:
        """The referrer, unless a member of the public who did not agree to be named (IN-9)."""
        s = Section("Who made the contact")
        if contact.is_anonymous:
            s.add("Referrer", "Anonymous")
            return s, False
        if contact.referrer_details_disclosable:
            s.add("Referrer", contact.get_referrer_source_display())
            s.add("Name", contact.referrer_name)
            s.add("Role", contact.referrer_role)
            s.add("Organisation", contact.referrer_organisation)
            return s, False
        key = f"contact:{contact.pk}:referrer"
        shown = self.withhold(
            Withholding(
                key=key,
                contact_id=contact.pk,
                description=f"Who made contact {contact.reference}, and how they know the family",
                reason="A member of the public made the contact and did not agree to their "
                "details being shared (IN-9).",
                exemption=Exemption.THIRD_PARTY,
                rule_ids=("IN-9", "CO-6"),
            )
        )
        if key in self.released:
            s.add("Referrer", contact.get_referrer_source_display())
            s.add("Name", contact.referrer_name)
            s.add("Relationship", contact.referrer_relationship)
            return s, False
        s.add("Referrer", shown)
        return s, True

    def other_people(self, contact: Contact, others: list[ContactPerson]) -> set[uuid.UUID]:
        """Withhold each other person; the ids of those a manager released."""
        released = set()
        for other in others:
            perpetrator = " named as an alleged perpetrator" if other.is_alleged_perpetrator else ""
            item = Withholding(
                key=f"contact:{contact.pk}:person:{other.pk}",
                contact_id=contact.pk,
                description=f"{other.get_kind_display()}{perpetrator} on contact "
                f"{contact.reference}: their details, and their name wherever it appears",
                reason="Information about another person, who has not consented to its "
                "disclosure."
                + (" Information about an alleged perpetrator." if perpetrator else ""),
                exemption=Exemption.THIRD_PARTY,
                rule_ids=("CO-6",),
            )
            self._placeholders[other.pk] = self.withhold(item)
            if item.key in self.released:
                released.add(other.pk)
        return released

    def decisions(self, contact: Contact, t: _Redactor) -> list[Section]:
        sections = []
        screening = getattr(contact, "screening", None)
        if screening is not None:
            s = Section("Screening")
            s.add("Screened", datetime_gb(screening.screened_at))
            s.add("Level of need", screening.threshold_level_label)
            s.add("Urgency", screening.get_rag_display())
            s.add("Consent", screening.get_consent_display())
            s.add("Why checks went ahead without consent", t(screening.consent_override_reason))
            s.add("Reasons", t(screening.rationale))
            sections.append(s)
        for rec in contact.recommendations.all():
            s = Section("Recommendation")
            s.add("Recommended", datetime_gb(rec.recommended_at))
            s.add("Outcome", rec.outcome)
            s.add(
                "Analysis",
                self.partner_drawn(
                    contact,
                    f"recommendation:{rec.pk}:analysis",
                    f"The MASH's analysis for the recommendation of {date_gb(rec.recommended_at)}",
                    rec.analysis,
                    t,
                ),
            )
            s.add("Reasons", t(rec.rationale))
            sections.append(s)
        decision = getattr(contact, "decision", None)
        if decision is not None:
            s = Section("Decision")
            s.add("Decided", datetime_gb(decision.decided_at))
            s.add("Outcome", decision.get_outcome_display())
            s.add("Reasons", t(decision.rationale))
            s.add("Information, advice or signposting", t(decision.signposting))
            s.add("Passed to", decision.passed_to.name if decision.passed_to else "")
            sections.append(s)
        return sections

    def partner_checks(self, contact: Contact, t: _Redactor) -> list[Section]:
        requests = InformationRequest.objects.filter(contact=contact).select_related("agency")
        sections = []
        for request in requests.order_by("requested_at"):
            s = Section(f"Checks with {request.agency.name}")
            s.add("Asked", datetime_gb(request.requested_at))
            s.add("Legal basis", request.get_legal_basis_display())
            s.add("What they were told", t(request.concern_summary))
            s.add("Question", t(request.question))
            s.add("Where it is", request.get_status_display())
            for answer in request.contributions.order_by("recorded_at"):
                s.add(f"Answer of {datetime_gb(answer.recorded_at)}", self.answer(answer, t))
                if answer.has_confidential_information:
                    s.add("Confidential information", self.confidential(answer))
            sections.append(s)
        return sections

    def answer(self, answer: Contribution, t: _Redactor) -> str:
        if answer.kind == Contribution.Kind.NIL_RETURN:
            return "No relevant information held"
        if answer.kind == Contribution.Kind.AWAITING:
            return "The agency was waiting for information from within its organisation"
        agency = answer.request.agency
        return self._unless_released(
            Withholding(
                key=f"contribution:{answer.pk}",
                contact_id=answer.request.contact_id,
                description=f"What {agency.name} told the MASH on "
                f"{date_gb(answer.recorded_at)} (contact {answer.request.contact.reference})",
                reason=f"Information {agency.name} provided: withheld unless the agency agrees "
                "to its disclosure (record the agreement as the reason for releasing it).",
                exemption=agency_exemption(agency),
                rule_ids=("CO-4", "CO-6"),
            ),
            f"{answer.information}\n{answer.analysis}".strip(),
            t,
        )

    def confidential(self, answer: Contribution) -> str:
        agency = answer.request.agency
        key = f"contribution:{answer.pk}:confidential"
        shown = self.withhold(
            Withholding(
                key=key,
                contact_id=answer.request.contact_id,
                description=f"Whether {agency.name} holds confidential information, and who "
                f"holds it (contact {answer.request.contact.reference})",
                reason="Confidential information (CO-5): only that it exists and who holds it "
                "is recorded, and even that is not disclosed without the agency's agreement.",
                exemption=agency_exemption(agency),
                rule_ids=("CO-5", "CO-6"),
            )
        )
        if key in self.released:
            return f"Held by: {answer.confidential_holder}"
        return shown

    def meetings(self, contact: Contact, t: _Redactor) -> list[Section]:
        sections = []
        for case in contact.meeting_discussions.select_related("meeting").order_by("recorded_at"):
            s = Section(f"MASH meeting of {datetime_gb(case.meeting.held_at)}")
            when = date_gb(case.meeting.held_at)
            s.add(
                "Analysis",
                self.partner_drawn(
                    contact,
                    f"meeting-case:{case.pk}:analysis",
                    f"The analysis at the MASH meeting of {when}",
                    case.analysis,
                    t,
                ),
            )
            s.add("Recommendation", case.recommendation)
            s.add(
                "Actions",
                self.partner_drawn(
                    contact,
                    f"meeting-case:{case.pk}:actions",
                    f"The actions agreed at the MASH meeting of {when}",
                    case.actions,
                    t,
                ),
            )
            sections.append(s)
        for talk in contact.strategy_discussions.order_by("held_at"):
            s = Section(f"{talk.get_kind_display()} of {datetime_gb(talk.held_at)}")
            s.add("Outcome", talk.get_outcome_display())
            if contact.possible_offence:
                s.add("Reasons", self.strategy_reasons(contact, talk, t))
            else:
                s.add(
                    "Reasons",
                    self.partner_drawn(
                        contact,
                        f"strategy:{talk.pk}:rationale",
                        f"The reasons recorded at the {talk.get_kind_display().lower()} of "
                        f"{date_gb(talk.held_at)}",
                        talk.rationale,
                        t,
                    ),
                )
            sections.append(s)
        return sections

    def disputes(self, contact: Contact, t: _Redactor) -> list[Section]:
        """Disagreements about the recommendation (DM-1): a partner agency's reasons are its
        information, withheld like its answers; the MASH's own are shown."""
        sections = []
        for dispute in contact.disputes.select_related("raised_by_agency").order_by("raised_at"):
            agency = dispute.raised_by_agency
            s = Section(f"Disagreement raised {datetime_gb(dispute.raised_at)}")
            s.add("About", dispute.get_about_display())
            s.add("Raised by", agency.name)
            if agency.is_childrens_social_care:
                s.add("Reasons", t(dispute.reason))
            else:
                s.add("Reasons", self.dispute_reasons(contact, dispute, t))
            s.add("Where it is", dispute.get_status_display())
            s.add("Outcome agreed", dispute.resolved_outcome)
            sections.append(s)
        return sections

    def audits(self, contact: Contact, t: _Redactor) -> list[Section]:
        """Each dip-sample audit of the contact (DM-2): the grade and the auditor's words,
        each as the MASH's own analysis is shown (`partner_drawn`)."""
        from mash.sampling.models import AuditFinding

        findings = (
            AuditFinding.objects.filter(item__contact=contact)
            .prefetch_related("answers")
            .order_by("recorded_at")
        )
        sections = []
        for finding in findings:
            when = date_gb(finding.recorded_at)
            s = Section(f"Quality audit of {datetime_gb(finding.recorded_at)}")
            s.add("Overall grade", finding.get_grade_display())
            for name, label, text in (
                ("summary", "Summary of the findings", finding.summary),
                ("learning", "Learning points", finding.learning_points),
            ):
                s.add(
                    label,
                    self.partner_drawn(
                        contact,
                        f"audit-finding:{finding.pk}:{name}",
                        f"The {label.lower()} of the quality audit of {when}",
                        text,
                        t,
                    ),
                )
            for answer in finding.answers.all():
                note = (
                    self.partner_drawn(
                        contact,
                        f"audit-answer:{answer.pk}:note",
                        f"The auditor's note on '{answer.question_text[:150]}' ({when})",
                        answer.note,
                        t,
                    )
                    if answer.note
                    else ""
                )
                shown = answer.get_answer_display()
                s.add(answer.question_text, f"{shown}: {note}" if note else shown)
            sections.append(s)
        return sections

    def dispute_reasons(self, contact: Contact, dispute: Any, t: _Redactor) -> str:
        agency = dispute.raised_by_agency
        return self._unless_released(
            Withholding(
                key=f"dispute:{dispute.pk}:reason",
                contact_id=contact.pk,
                description=f"Why {agency.name} disagreed, on {date_gb(dispute.raised_at)} "
                f"(contact {contact.reference})",
                reason=f"Information {agency.name} provided: withheld unless the agency agrees "
                "to its disclosure.",
                exemption=agency_exemption(agency),
                rule_ids=("DM-1", "CO-6"),
            ),
            dispute.reason,
            t,
        )

    def strategy_reasons(self, contact: Contact, talk: Any, t: _Redactor) -> str:
        return self._unless_released(
            Withholding(
                key=f"strategy:{talk.pk}:rationale",
                contact_id=contact.pk,
                description=f"The reasons recorded at the {talk.get_kind_display().lower()} "
                f"of {date_gb(talk.held_at)} (contact {contact.reference})",
                reason="A possible offence was recorded (IN-12): the police may be "
                "investigating, and the reasons draw on what they shared.",
                exemption=Exemption.CRIME,
                rule_ids=("IN-12", "CO-6"),
            ),
            talk.rationale,
            t,
        )

    def partner_drawn(self, contact: Contact, key: str, what: str, text: str, t: _Redactor) -> str:
        """The MASH's own analysis of `contact`: shown, unless a partner agency answered its
        checks with information, which the analysis draws on (CO-4)."""
        agencies = self._answering_agencies(contact)
        if not text.strip() or not agencies:
            return t(text)
        police = [a for a in agencies if (a.kind or "").lower() == "police"]
        names = " and ".join(a.name for a in agencies)
        return self._unless_released(
            Withholding(
                key=key,
                contact_id=contact.pk,
                description=f"{what} (contact {contact.reference})",
                reason=f"It draws on what {names} told the MASH: withheld unless they agree "
                "to its disclosure.",
                exemption=agency_exemption((police or agencies)[0]),
                rule_ids=("CO-4", "CO-6"),
            ),
            text,
            t,
        )

    def _answering_agencies(self, contact: Contact) -> list[Any]:
        if contact.pk not in self._answered:
            answered = Contribution.objects.filter(
                request__contact=contact, kind=Contribution.Kind.INFORMATION
            ).select_related("request__agency")
            self._answered[contact.pk] = list(
                {c.request.agency_id: c.request.agency for c in answered}.values()
            )
        return self._answered[contact.pk]

    def _unless_released(self, item: Withholding, text: str, t: _Redactor) -> str:
        """`text` (other people's names taken out) once `item` is released; until then
        nothing: the item is withheld and listed in the MASH's schedule."""
        self.withhold(item)
        return t(text) if item.key in self.released else ""


class _Redactor:
    """Takes other people's names out of free text (they are third-party data)."""

    def __init__(self, patterns: list[re.Pattern[str]]) -> None:
        self.patterns = patterns

    def __call__(self, text: str) -> str:
        for pattern in self.patterns:
            text = pattern.sub(REDACTED, text)
        return text


def build_export(sar: SubjectAccessRequest, released: Iterable[str] = ()) -> Export:
    """Everything held about the request's person, with the withholding applied."""
    return _Builder(sar, released).build()
