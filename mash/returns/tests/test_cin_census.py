"""The CIN census export (issue 8 §4): fixtures built through the front door, XML by hand.

Each referral is recorded, its child's history checked, screened at the social care
threshold, checked with the police, recommended and decided as the real roles would, on the
day it happened (time-machine); strategy discussions through the meetings service; what
followed (assessments, plans) is the children's services record of the child (`Involvement`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - our own export  # nosec B405
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import pytest
import time_machine
import xmlschema
from django.core.management import CommandError, call_command
from django.utils import timezone

from conftest import child, contact_details, screen_at_threshold, share_checks
from mash.accounts.models import Agency, Membership
from mash.audit.models import AuditEvent
from mash.contacts import services
from mash.contacts.models import Contact
from mash.core.errors import ApplicationError
from mash.meetings import services as meetings
from mash.meetings.models import StrategyDiscussion
from mash.meetings.services import Attendee
from mash.people.models import Involvement, Person
from mash.returns import cin_census
from mash.returns.cin_census import _Writer, build_census, collection_period, schema_path
from mash.returns.episodes import add_census_working_days

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2026, 4, 2, 9, 0))  # the 2025-26 census is taken
Service = Involvement.Service


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@dataclass
class FrontDoor:
    """The personas, walking a referral through the product."""

    carys: Any
    sam: Any
    priya: Any
    meera: Any
    polly: Any

    def refer(
        self,
        day: date,
        *,
        outcome: str,
        person: Person | None = None,
        details: services.PersonDetails | None = None,
        concerns: tuple[str, ...] = (),
        source: str = "2A",
        decided: date | None = None,
        **census: Any,
    ) -> Contact:
        """A referral received on `day`, decided `outcome` on `decided` (default: `day`).

        `census` sets the child's census codes on the record (upn, ethnicity_code …).
        """
        with time_machine.travel(at(day, 11), tick=False):
            contact = services.record_contact(
                by=self.carys,
                people=[details or child()],
                **contact_details(
                    received_at=at(day),
                    referrer_source=source,
                    concern_categories=list(concerns),
                    child_protection_concern=False,
                ),
            )
            row = contact.children().get()
            if person is not None:
                services.link_person(row, person=person, by=self.sam)
            screen_at_threshold(contact, checked_by=self.sam, screened_by=self.priya)
            share_checks(contact, asked_by=self.sam, partner=self.polly)
        with time_machine.travel(at(decided or day, 15), tick=False):
            services.recommend_outcome(
                contact,
                by=self.sam,
                outcome=outcome,
                rationale="The needs are best met this way.",
                analysis="The police information, read with the history, shows the need.",
            )
            services.decide(
                contact,
                by=self.meera,
                agrees=True,
                outcome=outcome,
                rationale="Agreed.",
                team=services.suggested_team(contact, outcome),
            )
        contact.refresh_from_db()
        if census:
            Person.objects.filter(pk=contact.children().get().person_id).update(**census)
        return contact

    def strategy(self, contact: Contact, day: date) -> StrategyDiscussion:
        """A quorate strategy discussion on `day` that starts a section 47 enquiry (OU-2)."""
        with time_machine.travel(at(day, 16), tick=False):
            return meetings.record_strategy_discussion(
                contact,
                by=self.meera,
                kind=StrategyDiscussion.Kind.DISCUSSION,
                held_at=at(day, 14),
                chair=self.meera,
                attendees=[
                    Attendee(_agency("police"), "DS Hughes", "Detective sergeant"),
                    Attendee(_agency("health"), "Nurse Patel", "Safeguarding nurse"),
                ],
                outcome=StrategyDiscussion.Outcome.S47,
                rationale="Disclosure of harm.",
            )


def _agency(kind: str) -> str:
    return Agency.objects.filter(kind=kind).order_by("code").first().code


def person_of(contact: Contact) -> Person:
    return Person.objects.get(pk=contact.children().get().person_id)


def involve(contact: Contact, service: str, start: date, end: date | None = None, code=""):
    return Involvement.objects.create(
        person=person_of(contact),
        service=service,
        started_on=start,
        ended_on=end,
        closure_reason_code=code,
    )


@pytest.fixture
def front(carys, sam, priya, meera, polly) -> FrontDoor:
    # The staff were in post throughout the years the fixtures go back to.
    Membership.objects.update(starts_at=timezone.make_aware(datetime(2020, 1, 1)))
    return FrontDoor(carys, sam, priya, meera, polly)


def census(year: int = 2026, now: datetime = NOW) -> cin_census.Census:
    return build_census(year, now=now)


def children(result: cin_census.Census) -> dict[str, ET.Element]:
    root = ET.fromstring(result.xml)  # noqa: S314 - our own export  # nosec B314
    return {c.findtext("ChildIdentifiers/LAchildID"): c for c in root.iter("Child")}


def xsd_errors(xml: bytes, year: int = 2026) -> list[str]:
    schema = xmlschema.XMLSchema(str(schema_path(year)))
    return [f"{e.path}: {e.reason}" for e in schema.iter_errors(xml.decode())]


def flat(element: ET.Element) -> list[tuple[str, str]]:
    """(tag, text) for each element in document order: the order the XSD's sequence fixes."""
    return [(e.tag, (e.text or "").strip()) for e in element.iter()]


def set_child_id(contact: Contact, child_id: str) -> None:
    Person.objects.filter(pk=contact.children().get().person_id).update(child_id=child_id)


# ----------------------------------------------------------------------- the §1.6 sample


def _sample(front: FrontDoor) -> None:
    """statutory-returns.md §1.6's four children, from front-door records."""
    # A child protection route: s47 on 2 June, strategy 3 June, conference 20 June, a plan.
    one = front.refer(
        date(2025, 6, 2),
        outcome="S47",
        details=child(given_names="Amelia", date_of_birth=date(2015, 6, 1), gender="F"),
        concerns=("domestic_abuse", "emotional_abuse"),
        source="2A",
        upn="P201200015123",
        ethnicity_code="WBRI",
        disabilities=["NONE"],
    )
    set_child_id(one, "DEMO0001")
    front.strategy(one, date(2025, 6, 3))
    involve(one, Service.ASSESSMENT, date(2025, 6, 2), date(2025, 7, 11))
    involve(one, Service.CHILD_PROTECTION, date(2025, 6, 20))
    # A referral with no further action.
    two = front.refer(
        date(2025, 9, 15),
        outcome="NFA",
        details=child(given_names="Arjun", date_of_birth=date(2012, 3, 10), gender="M"),
        source="6",
        ethnicity_code="AIND",
        disabilities=["NONE"],
    )
    set_child_id(two, "DEMO0002")
    # An assessment closed with early help (RC9).
    three = front.refer(
        date(2025, 10, 1),
        outcome="S17",
        details=child(given_names="Leo", date_of_birth=date(2022, 1, 15), gender="M"),
        concerns=("young_carer",),
        source="3B",
        ethnicity_code="MWBC",
        disabilities=["NONE"],
    )
    set_child_id(three, "DEMO0003")
    involve(three, Service.ASSESSMENT, date(2025, 10, 2), date(2025, 11, 14), "RC9")
    # An unborn child, referred on Friday 13 February and decided on Monday 16th.
    four = front.refer(
        date(2026, 2, 13),
        outcome="S17",
        details=child(given_names="", family_name="Baby Okafor", date_of_birth=None),
        concerns=("neglect",),
        source="3D",
        decided=date(2026, 2, 16),
        expected_date_of_birth=date(2026, 5, 20),
        ethnicity_code="NOBT",
        disabilities=["NONE"],
    )
    set_child_id(four, "DEMO0004")


# The §1.6 file's children, as this product writes them. Three differences from the note's
# hand-written file, each because the product records it so: no CP review dates (the front
# door does not hold them), DEMO0003's factor is its young-carer concern (7A; the note's 21
# "no factors" has no typed concern), and the unborn child says why there is no UPN (UN1).
SAMPLE_CHILDREN = """
<Children>
  <Child>
    <ChildIdentifiers><LAchildID>DEMO0001</LAchildID><UPN>P201200015123</UPN><PersonBirthDate>2015-06-01</PersonBirthDate><Sex>F</Sex></ChildIdentifiers>
    <ChildCharacteristics><Ethnicity>WBRI</Ethnicity><Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>
    <CINdetails>
      <CINreferralDate>2025-06-02</CINreferralDate><ReferralSource>2A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>
      <Assessments><AssessmentActualStartDate>2025-06-02</AssessmentActualStartDate><AssessmentAuthorisationDate>2025-07-11</AssessmentAuthorisationDate>
        <FactorsIdentifiedAtAssessment><AssessmentFactors>3A</AssessmentFactors><AssessmentFactors>17A</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>
      <Section47><S47ActualStartDate>2025-06-03</S47ActualStartDate><InitialCPCtarget>2025-06-24</InitialCPCtarget><DateOfInitialCPC>2025-06-20</DateOfInitialCPC><ICPCnotRequired>0</ICPCnotRequired></Section47>
      <ReferralNFA>0</ReferralNFA>
      <ChildProtectionPlans><CPPstartDate>2025-06-20</CPPstartDate><InitialCategoryOfAbuse>EMO</InitialCategoryOfAbuse><LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse><NumberOfPreviousCPP>0</NumberOfPreviousCPP></ChildProtectionPlans>
    </CINdetails>
  </Child>
  <Child>
    <ChildIdentifiers><LAchildID>DEMO0002</LAchildID><UPNunknown>UN7</UPNunknown><PersonBirthDate>2012-03-10</PersonBirthDate><Sex>M</Sex></ChildIdentifiers>
    <ChildCharacteristics><Ethnicity>AIND</Ethnicity><Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>
    <CINdetails><CINreferralDate>2025-09-15</CINreferralDate><ReferralSource>6</ReferralSource><ReferralNFA>1</ReferralNFA></CINdetails>
  </Child>
  <Child>
    <ChildIdentifiers><LAchildID>DEMO0003</LAchildID><UPNunknown>UN1</UPNunknown><PersonBirthDate>2022-01-15</PersonBirthDate><Sex>M</Sex></ChildIdentifiers>
    <ChildCharacteristics><Ethnicity>MWBC</Ethnicity><Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>
    <CINdetails>
      <CINreferralDate>2025-10-01</CINreferralDate><ReferralSource>3B</ReferralSource><PrimaryNeedCode>N4</PrimaryNeedCode>
      <CINclosureDate>2025-11-14</CINclosureDate><ReasonForClosure>RC9</ReasonForClosure>
      <Assessments><AssessmentActualStartDate>2025-10-02</AssessmentActualStartDate><AssessmentAuthorisationDate>2025-11-14</AssessmentAuthorisationDate>
        <FactorsIdentifiedAtAssessment><AssessmentFactors>7A</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>
      <ReferralNFA>0</ReferralNFA>
    </CINdetails>
  </Child>
  <Child>
    <ChildIdentifiers><LAchildID>DEMO0004</LAchildID><UPNunknown>UN1</UPNunknown><ExpectedPersonBirthDate>2026-05-20</ExpectedPersonBirthDate><Sex>U</Sex></ChildIdentifiers>
    <ChildCharacteristics><Ethnicity>NOBT</Ethnicity><Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>
    <CINdetails><CINreferralDate>2026-02-13</CINreferralDate><ReferralSource>3D</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>
      <Assessments><AssessmentActualStartDate>2026-02-16</AssessmentActualStartDate></Assessments><ReferralNFA>0</ReferralNFA></CINdetails>
  </Child>
</Children>
"""


@pytest.fixture
def sample(front) -> cin_census.Census:
    _sample(front)
    return census()


def test_the_known_good_sample_rebuilt_from_front_door_records(sample):
    root = ET.fromstring(sample.xml)  # noqa: S314  # nosec B314
    expected = ET.fromstring(SAMPLE_CHILDREN)  # noqa: S314  # nosec B314
    assert flat(root.find("Children")) == flat(expected)
    assert (sample.children, sample.episodes) == (4, 4)
    assert sample.problems == []
    assert xsd_errors(sample.xml) == []


def test_the_header_names_the_collection_and_the_authority(sample):
    assert sample.xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Message>')
    header = ET.fromstring(sample.xml).find("Header")  # noqa: S314  # nosec B314
    assert flat(header) == [
        ("Header", ""),
        ("CollectionDetails", ""),
        ("Collection", "CIN"),
        ("Year", "2026"),
        ("ReferenceDate", "2026-03-31"),
        ("Source", ""),
        ("SourceLevel", "L"),
        ("LEA", "940"),  # the Northamptonshire profile's dfe_la_number
        ("SoftwareCode", "MASH front door"),
        ("Release", "0.1.0"),
        ("SerialNo", "001"),
        ("DateTime", "2026-04-02T09:00:00"),  # Europe/London wall time
    ]


def test_the_xsd_catches_a_bad_code(sample):
    bad = sample.xml.replace(
        b"<ReferralSource>6</ReferralSource>", b"<ReferralSource>2C</ReferralSource>"
    )
    errors = xsd_errors(bad)
    assert len(errors) == 1 and "ReferralSource" in errors[0]
    factor = sample.xml.replace(b"<AssessmentFactors>7A<", b"<AssessmentFactors>99Z<")
    assert len(xsd_errors(factor)) == 1


# ---------------------------------------------------------------------------- the period


def test_collection_period_names_the_year_by_its_end():
    assert collection_period(2026) == (date(2025, 4, 1), date(2026, 3, 31))
    assert cin_census.latest_complete_year(date(2026, 3, 31)) == 2025
    assert cin_census.latest_complete_year(date(2026, 4, 1)) == 2026
    assert schema_path(2027).name == "CIN_schema_2026.xsd"  # no 2026-27 schema yet
    assert schema_path(2025).name == "CIN_schema_2025.xsd"


def test_years_before_2024_25_are_refused_in_plain_english(db):
    with pytest.raises(ApplicationError) as error:
        build_census(2024, now=NOW)
    assert "from 2024 to 2025 onwards" in error.value.message
    with pytest.raises(ApplicationError) as error:
        build_census(2028, now=NOW)
    assert "its year starts on 1 April 2027" in error.value.message


def test_the_period_cut(front):
    # Open at 1 April 2025 (referred in March, a CIN plan running): in, still open.
    open_at_start = front.refer(date(2025, 3, 10), outcome="S17", concerns=("neglect",))
    involve(open_at_start, Service.ASSESSMENT, date(2025, 3, 10), date(2025, 3, 28))
    involve(open_at_start, Service.CHILD_IN_NEED, date(2025, 3, 28))
    set_child_id(open_at_start, "OPEN1")
    # Closed before 1 April 2025: out.
    closed = front.refer(date(2025, 1, 6), outcome="S17", concerns=("neglect",))
    involve(closed, Service.ASSESSMENT, date(2025, 1, 6), date(2025, 2, 14), "RC8")
    set_child_id(closed, "CLOSED1")
    # No further action: only in the year of its referral.
    nfa_before = front.refer(date(2025, 3, 24), outcome="NFA")
    set_child_id(nfa_before, "NFA1")
    nfa_in = front.refer(date(2025, 4, 1), outcome="NFA")
    set_child_id(nfa_in, "NFA2")
    # Referred after 31 March 2026: out.
    later = front.refer(date(2026, 4, 1), outcome="S17")
    set_child_id(later, "LATER1")
    with time_machine.travel(at(date(2026, 4, 2)), tick=False):
        found = children(census())
    assert sorted(found) == ["NFA2", "OPEN1"]
    details = found["OPEN1"].find("CINdetails")
    assert details.findtext("CINreferralDate") == "2025-03-10"
    assert details.find("CINclosureDate") is None
    # The assessment finished in 2024-25: that census held it, not this one.
    assert details.find("Assessments") is None
    assert flat(details.find("CINPlanDates")) == [
        ("CINPlanDates", ""),
        ("CINPlanStartDate", "2025-03-28"),
    ]
    assert found["NFA2"].find("CINdetails/ReferralNFA").text == "1"


def test_work_open_since_before_the_year_that_the_dfe_refuses_is_left_out_and_reported(front):
    # A referral in March 2025 with an assessment and an enquiry never finished: rules 8736 and
    # 8740 refuse them in 2025-26; a second referral opens another episode (8815).
    first = front.refer(date(2025, 3, 10), outcome="S47", concerns=("neglect",))
    front.strategy(first, date(2025, 3, 11))
    front.refer(date(2025, 9, 1), outcome="S17", person=person_of(first))
    result = census()
    [found] = children(result).values()
    first_episode = found.find("CINdetails")
    assert first_episode.findtext("CINreferralDate") == "2025-03-10"
    assert first_episode.find("Assessments") is None
    assert first_episode.find("Section47") is None
    assert len(found.findall("CINdetails")) == 2
    assert {"8736", "8740", "8815"} <= {p.rule for p in result.problems}
    assert xsd_errors(result.xml) == []


# ---------------------------------------------------------------- section 47 and the ICPC


def test_the_conference_target_is_15_working_days_across_a_bank_holiday(front):
    # Strategy on Tuesday 19 August 2025; Monday 25 August is the summer bank holiday, so 15
    # working days later is Wednesday 10 September (not Tuesday 9th).
    contact = front.refer(date(2025, 8, 18), outcome="S47", concerns=("physical_abuse",))
    front.strategy(contact, date(2025, 8, 19))
    involve(contact, Service.CHILD_PROTECTION, date(2025, 9, 5))
    s47 = next(iter(children(census()).values())).find("CINdetails/Section47")
    assert flat(s47) == [
        ("Section47", ""),
        ("S47ActualStartDate", "2025-08-19"),
        ("InitialCPCtarget", "2025-09-10"),
        ("DateOfInitialCPC", "2025-09-05"),
        ("ICPCnotRequired", "0"),
    ]
    assert add_census_working_days(date(2025, 8, 19), 15) == date(2025, 9, 10)


def test_an_enquiry_that_needed_no_conference(front):
    contact = front.refer(date(2025, 5, 6), outcome="S47", concerns=("physical_abuse",))
    front.strategy(contact, date(2025, 5, 7))
    involve(contact, Service.ASSESSMENT, date(2025, 5, 6), date(2025, 6, 13))
    involve(contact, Service.CHILD_IN_NEED, date(2025, 6, 13), date(2025, 12, 12), "RC7")
    details = next(iter(children(census()).values())).find("CINdetails")
    assert details.findtext("Section47/ICPCnotRequired") == "1"
    assert details.find("Section47/DateOfInitialCPC") is None
    assert (details.findtext("CINclosureDate"), details.findtext("ReasonForClosure")) == (
        "2025-12-12",
        "RC7",
    )
    # 18C: physical abuse by an adult (no child is the alleged perpetrator).
    assert [f.text for f in details.iter("AssessmentFactors")] == ["18C"]


def test_an_enquiry_concluded_after_31_march_is_open_in_that_census_and_closed_in_the_next(
    front,
):
    """episodes.py fix: "no conference needed" is known only once the plan started; until
    then the enquiry is open, and the census of the year it concluded in holds it."""
    contact = front.refer(date(2026, 3, 2), outcome="S47", concerns=("neglect",))
    front.strategy(contact, date(2026, 3, 3))
    involve(contact, Service.ASSESSMENT, date(2026, 3, 2), date(2026, 4, 10))
    involve(contact, Service.CHILD_IN_NEED, date(2026, 4, 10))
    later = timezone.make_aware(datetime(2027, 4, 2, 9, 0))
    s47_2026 = next(iter(children(census(2026, later)).values())).find(".//Section47")
    s47_2027 = next(iter(children(census(2027, later)).values())).find(".//Section47")
    assert s47_2026.findtext("ICPCnotRequired") == "0"
    assert s47_2027.findtext("ICPCnotRequired") == "1"
    assert s47_2027.findtext("S47ActualStartDate") == "2026-03-03"


# ---------------------------------------------------------------- identifiers and UPNs


def test_a_upn_with_a_wrong_check_letter_is_left_out_and_reported(front):
    contact = front.refer(
        date(2025, 6, 2),
        outcome="S17",
        details=child(date_of_birth=date(2015, 6, 1)),
        upn="A201200015123",  # P is right
        upn_unknown="UN4",
    )
    [found] = children(census()).values()
    assert found.find("ChildIdentifiers/UPN") is None
    assert found.findtext("ChildIdentifiers/UPNunknown") == "UN4"
    [problem] = [p for p in census().problems if p.rule == "1510"]
    assert problem.person_id == person_of(contact).pk
    assert "A201200015123" in problem.message


def test_a_temporary_upn_is_checked_too(front):
    # A temporary UPN ends in a letter; the validator does not check its check letter
    # (statutory-returns.md §2.1, limitation 3), so the export does.
    from mash.matching.identifiers import make_upn

    good = make_upn("94012001501A")
    bad = ("B" if good[0] != "B" else "C") + good[1:]
    front.refer(date(2025, 6, 2), outcome="S17", upn=good)
    front.refer(date(2025, 6, 3), outcome="S17", upn=bad)
    upns = sorted(c.findtext("ChildIdentifiers/UPN") or "" for c in children(census()).values())
    assert upns == ["", good]
    assert [p.rule for p in census().problems if p.rule.startswith("15")] == ["1510"]


def test_a_upn_from_an_unknown_authority_is_left_out(front):
    from mash.matching.identifiers import make_upn

    front.refer(date(2025, 6, 2), outcome="S17", upn=make_upn("999200001512"))
    [found] = children(census()).values()
    assert found.find("ChildIdentifiers/UPN") is None
    assert "1530" in [p.rule for p in census().problems]


def test_un7_when_every_referral_was_no_further_action(front):
    front.refer(date(2025, 6, 2), outcome="NFA", details=child(date_of_birth=date(2010, 1, 1)))
    [found] = children(census()).values()
    assert found.findtext("ChildIdentifiers/UPNunknown") == "UN7"
    assert found.find("CINdetails/PrimaryNeedCode") is None


def test_un7_recorded_on_a_child_who_had_further_action_is_not_written(front):
    front.refer(
        date(2025, 6, 2),
        outcome="S17",
        details=child(date_of_birth=date(2021, 1, 1)),
        upn_unknown="UN7",
    )
    [found] = children(census()).values()
    # Not UN7 (rule 8772): under five, so UN1.
    assert found.findtext("ChildIdentifiers/UPNunknown") == "UN1"
    assert "8772" in [p.rule for p in census().problems]


@pytest.mark.parametrize(
    ("born", "reason", "rule"),
    [
        (date(2020, 9, 1), "UN1", None),  # four on 31 August 2025: not of school age
        (date(2020, 8, 31), None, "8770Q"),  # five that day: of school age, no reason
    ],
)
def test_un1_only_for_a_child_under_five_on_31_august(front, born, reason, rule):
    front.refer(date(2025, 6, 2), outcome="S17", details=child(date_of_birth=born))
    [found] = children(census()).values()
    assert found.findtext("ChildIdentifiers/UPNunknown") == reason
    assert ("8770Q" in [p.rule for p in census().problems]) == (rule is not None)


def test_an_unborn_child(front):
    front.refer(
        date(2026, 1, 12),
        outcome="S17",
        details=child(given_names="", family_name="Unborn Reid", date_of_birth=None),
        expected_date_of_birth=date(2026, 6, 1),
        gender="F",  # recorded from a scan: still U in the census (rule 8750)
    )
    [found] = children(census()).values()
    assert flat(found.find("ChildIdentifiers"))[1:] == [
        ("LAchildID", found.findtext("ChildIdentifiers/LAchildID")),
        ("UPNunknown", "UN1"),
        ("ExpectedPersonBirthDate", "2026-06-01"),
        ("Sex", "U"),
    ]


def test_merged_records_are_not_in_the_census_but_the_record_kept_is(front):
    kept = front.refer(date(2025, 6, 2), outcome="S17")
    duplicate = front.refer(date(2025, 7, 1), outcome="NFA")
    Person.objects.filter(pk=person_of(duplicate).pk).update(merged_into=person_of(kept))
    found = children(census())
    assert list(found) == [person_of(kept).child_id]


# ---------------------------------------------------------------- codes and what is left out


def test_ethnicity_and_disability_not_recorded_are_reported(front):
    front.refer(
        date(2025, 6, 2), outcome="S17", details=child(date_of_birth=date(2021, 1, 1), gender="M")
    )
    result = census()
    [found] = children(result).values()
    assert found.findtext("ChildCharacteristics/Ethnicity") == "NOBT"
    assert found.find("ChildCharacteristics/Disabilities") is None
    assert {p.rule for p in result.problems} == {"4220", "8540", "8610"}
    assert xsd_errors(result.xml) == []


def test_disabilities_written_once_and_never_none_with_another(front):
    front.refer(date(2025, 6, 2), outcome="S17", disabilities=["AUT", "AUT", "HEAR"])
    front.refer(date(2025, 6, 3), outcome="S17", disabilities=["NONE", "VIS"])
    written = sorted([d.text for d in c.iter("Disability")] for c in children(census()).values())
    assert written == [[], ["AUT", "HEAR"]]
    assert {"8794", "8790"} <= {p.rule for p in census().problems}


def test_assessment_factors_are_census_codes_once_each():
    writer = _Writer(2026, *collection_period(2026))
    assert writer.factors(["18A", "3A", "3A", "21", "99Z", "19A", "24A"]) == ["3A", "24A"]
    assert [p.rule for p in writer.problems] == ["8945Q", "8898", "XSD", "8950Q", "8869"]
    assert writer.factors(["21"]) == ["21"]  # on its own it stands


def test_the_export_never_writes_a_factor_the_rules_forbid(front):
    # Physical and sexual abuse by a child: 18B and 19B, never the retired 18A/19A.
    front.refer(
        date(2025, 6, 2),
        outcome="S17",
        details=child(is_alleged_perpetrator=True),
        concerns=("physical_abuse", "sexual_abuse", "neglect", "neglect"),
    )
    contact = Contact.objects.get()
    involve(contact, Service.ASSESSMENT, date(2025, 6, 2), date(2025, 7, 1), "RC8")
    result = census()
    factors = [f.text for f in ET.fromstring(result.xml).iter("AssessmentFactors")]  # noqa: S314
    assert factors == ["18B", "19B", "16A"]
    assert not {"18A", "19A"} & set(factors)
    assert len(factors) == len(set(factors))
    assert "21" not in factors or factors == ["21"]


def test_no_conference_is_written_at_a_weekend_without_a_problem(front):
    contact = front.refer(date(2025, 6, 2), outcome="S47", concerns=("neglect",))
    front.strategy(contact, date(2025, 6, 3))
    involve(contact, Service.CHILD_PROTECTION, date(2025, 6, 21))  # a Saturday
    result = census()
    assert [p.rule for p in result.problems if p.rule == "8875"] == ["8875"]
    for day in ET.fromstring(result.xml).iter("DateOfInitialCPC"):  # noqa: S314
        assert date.fromisoformat(day.text).weekday() >= 5  # reported above, so allowed
    target = ET.fromstring(result.xml).find(".//InitialCPCtarget")  # noqa: S314
    assert date.fromisoformat(target.text).weekday() < 5  # 8870Q never


# ---------------------------------------------------------------------------- the command


def test_the_command_writes_the_file_audits_and_says_what_it_holds(sample, tmp_path, capsys):
    out = tmp_path / "census.xml"
    with time_machine.travel(NOW, tick=False):
        call_command("export", "cin-census", "--year", "2026", "--out", str(out))
    line = capsys.readouterr().out.strip()
    assert line == (
        "CIN census 2025-26 (1 April 2025 to 31 March 2026): 4 children, 4 episodes, "
        f"0 problems; written to {out}"
    )
    assert out.read_bytes() == sample.xml
    event = AuditEvent.objects.get(action="returns.exported")
    assert event.data["year"] == 2026 and event.data["children"] == 4
    assert len(event.data["person_ids"]) == 4
    assert [p.name for p in tmp_path.iterdir()] == ["census.xml"]  # no temporary left


def test_the_command_refuses_an_old_year_in_words(db, tmp_path):
    with pytest.raises(CommandError, match="from 2024 to 2025 onwards"):
        call_command("export", "cin-census", "--year", "2023", "--out", str(tmp_path / "x"))
    assert not (tmp_path / "x").exists()
    assert not AuditEvent.objects.filter(action="returns.exported").exists()


# ---------------------------------------------------------------------------- the pages


def sign_in(client, user) -> None:
    """Signed in, in post since before the census years (the pages run on 2 April 2026)."""
    Membership.objects.update(starts_at=timezone.make_aware(datetime(2020, 1, 1)))
    client.force_login(user)


def test_the_page_defaults_to_the_latest_complete_year_and_lists_what_to_fix(front, client, priya):
    contact = front.refer(date(2025, 6, 2), outcome="S17", details=child(gender="M"))
    sign_in(client, priya)
    with time_machine.travel(NOW, tick=False):
        response = client.get("/returns/cin-census/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "2025 to 2026" in page and "1 April 2025 to 31 March 2026" in page
    assert 'href="/returns/cin-census/2026.xml"' in page
    assert person_of(contact).child_id in page and contact.reference in page
    assert "Record the ethnicity." in page
    event = AuditEvent.objects.get(action="returns.viewed")
    assert event.data["year"] == 2026 and str(person_of(contact).pk) in event.data["person_ids"]


@pytest.mark.parametrize("year", ["2023", "twenty", "2031"])
def test_a_year_not_on_the_list_is_explained_not_a_crash(db, client, priya, year):
    sign_in(client, priya)
    with time_machine.travel(NOW, tick=False):
        response = client.get("/returns/cin-census/", {"year": year})
    assert response.status_code == 400
    assert "Choose a census year from the list" in response.content.decode()


def test_the_download_is_the_census_file_and_is_audited(sample, client, aled):
    sign_in(client, aled)  # the auditor reads management information
    with time_machine.travel(NOW, tick=False):
        response = client.get("/returns/cin-census/2026.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="cin-census-2026.xml"'
    assert response.content == sample.xml
    event = AuditEvent.objects.get(action="returns.exported")
    assert (event.actor, event.data["how"], event.data["children"]) == (aled, "download", 4)


def test_a_download_for_a_year_before_2024_25_says_why(db, client, priya):
    sign_in(client, priya)
    with time_machine.travel(NOW, tick=False):
        response = client.get("/returns/cin-census/2024.xml")
    assert response.status_code == 400
    assert "from 2024 to 2025 onwards" in response.content.decode()
    assert not AuditEvent.objects.filter(action="returns.exported").exists()


def test_a_social_worker_is_refused_and_the_refusal_audited(db, client, sam):
    sign_in(client, sam)
    assert client.get("/returns/cin-census/2026.xml").status_code == 403
    assert AuditEvent.objects.filter(action="access.refused").exists()
    assert not AuditEvent.objects.filter(action="returns.exported").exists()
