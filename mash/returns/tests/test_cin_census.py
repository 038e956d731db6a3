"""The CIN census export (issue 8 §4): fixtures built through the front door, XML by hand.

Each referral is recorded, its child's history checked, screened at the social care
threshold, checked with the police, recommended and decided as the real roles would, on the
day it happened (time-machine); strategy discussions through the meetings service; what
followed (assessments, plans) is the children's services record of the child (`Involvement`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - our own export  # nosec B405
from datetime import date, datetime
from uuid import uuid4

import pytest
import time_machine
import xmlschema
from django.core.management import CommandError, call_command
from django.utils import timezone

from conftest import child
from mash.accounts.models import Membership
from mash.audit.models import AuditEvent
from mash.contacts.models import Contact
from mash.core.errors import ApplicationError
from mash.people.models import Involvement, Person
from mash.returns import cin_census
from mash.returns.cin_census import _Writer, build_census, collection_period, schema_path
from mash.returns.episodes import Episode, add_census_working_days
from mash.returns.tests.front_door import FrontDoor, at, involvement, person_of

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2026, 4, 2, 9, 0))  # the 2025-26 census is taken
Service = Involvement.Service


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


def _sample(door: FrontDoor) -> None:
    """statutory-returns.md §1.6's four children, from front-door records."""
    # A child protection route: s47 on 2 June, strategy 3 June, conference 20 June, a plan.
    one = door.contact(
        date(2025, 6, 2),
        outcome="S47",
        child=child(given_names="Amelia", date_of_birth=date(2015, 6, 1), gender="F"),
        concerns=("domestic_abuse", "emotional_abuse"),
        source="2A",
        upn="P201200015123",
        ethnicity_code="WBRI",
        disabilities=["NONE"],
    )
    set_child_id(one, "DEMO0001")
    door.strategy(one, date(2025, 6, 3))
    involvement(person_of(one), Service.ASSESSMENT, date(2025, 6, 2), date(2025, 7, 11))
    involvement(person_of(one), Service.CHILD_PROTECTION, date(2025, 6, 20))
    # A referral with no further action.
    two = door.contact(
        date(2025, 9, 15),
        outcome="NFA",
        child=child(given_names="Arjun", date_of_birth=date(2012, 3, 10), gender="M"),
        source="6",
        ethnicity_code="AIND",
        disabilities=["NONE"],
    )
    set_child_id(two, "DEMO0002")
    # An assessment closed with early help (RC9).
    three = door.contact(
        date(2025, 10, 1),
        outcome="S17",
        child=child(given_names="Leo", date_of_birth=date(2022, 1, 15), gender="M"),
        concerns=("young_carer",),
        source="3B",
        ethnicity_code="MWBC",
        disabilities=["NONE"],
    )
    set_child_id(three, "DEMO0003")
    involvement(
        person_of(three), Service.ASSESSMENT, date(2025, 10, 2), date(2025, 11, 14), code="RC9"
    )
    # An unborn child, referred on Friday 13 February and decided on Monday 16th.
    four = door.contact(
        date(2026, 2, 13),
        outcome="S17",
        child=child(given_names="", family_name="Baby Okafor", date_of_birth=None),
        concerns=("neglect",),
        source="3D",
        decided=date(2026, 2, 16),
        expected_date_of_birth=date(2026, 5, 20),
        ethnicity_code="NOBT",
        disabilities=["NONE"],
    )
    set_child_id(four, "DEMO0004")


# The §1.6 file's children, as this product writes them. Four differences from the note's
# hand-written file, each because the product records it so: no CP review dates (the front
# door does not hold them), DEMO0003's factor is its young-carer concern (7A; the note's 21
# "no factors" has no typed concern), the unborn child says why there is no UPN (UN1), and
# domestic abuse is the parents' or carers' (3B, mash.returns.episodes), not the child's (3A).
SAMPLE_CHILDREN = """
<Children>
  <Child>
    <ChildIdentifiers><LAchildID>DEMO0001</LAchildID><UPN>P201200015123</UPN><PersonBirthDate>2015-06-01</PersonBirthDate><Sex>F</Sex></ChildIdentifiers>
    <ChildCharacteristics><Ethnicity>WBRI</Ethnicity><Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>
    <CINdetails>
      <CINreferralDate>2025-06-02</CINreferralDate><ReferralSource>2A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>
      <Assessments><AssessmentActualStartDate>2025-06-02</AssessmentActualStartDate><AssessmentAuthorisationDate>2025-07-11</AssessmentAuthorisationDate>
        <FactorsIdentifiedAtAssessment><AssessmentFactors>3B</AssessmentFactors><AssessmentFactors>17A</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>
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
def sample(door) -> cin_census.Census:
    _sample(door)
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


def test_the_period_cut(door):
    # Open at 1 April 2025 (referred in March, a CIN plan running): in, still open.
    open_at_start = door.contact(date(2025, 3, 10), outcome="S17", concerns=("neglect",))
    involvement(person_of(open_at_start), Service.ASSESSMENT, date(2025, 3, 10), date(2025, 3, 28))
    involvement(person_of(open_at_start), Service.CHILD_IN_NEED, date(2025, 3, 28))
    set_child_id(open_at_start, "OPEN1")
    # Closed before 1 April 2025: out.
    closed = door.contact(date(2025, 1, 6), outcome="S17", concerns=("neglect",))
    involvement(
        person_of(closed), Service.ASSESSMENT, date(2025, 1, 6), date(2025, 2, 14), code="RC8"
    )
    set_child_id(closed, "CLOSED1")
    # No further action: only in the year of its referral.
    nfa_before = door.contact(date(2025, 3, 24), outcome="NFA")
    set_child_id(nfa_before, "NFA1")
    nfa_in = door.contact(date(2025, 4, 1), outcome="NFA")
    set_child_id(nfa_in, "NFA2")
    # Referred after 31 March 2026: out.
    later = door.contact(date(2026, 4, 1), outcome="S17")
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


def test_work_open_since_before_the_year_that_the_dfe_refuses_is_left_out_and_reported(door):
    # A referral in March 2025 with an assessment and an enquiry never finished: rules 8736 and
    # 8740 refuse them in 2025-26; a second referral while it is open joins that episode.
    first = door.contact(date(2025, 3, 10), outcome="S47", concerns=("neglect",))
    door.strategy(first, date(2025, 3, 11))
    door.contact(date(2025, 9, 1), outcome="S17", person=person_of(first))
    result = census()
    [found] = children(result).values()
    first_episode = found.find("CINdetails")
    assert first_episode.findtext("CINreferralDate") == "2025-03-10"
    assert first_episode.find("Assessments") is None
    assert first_episode.find("Section47") is None
    assert len(found.findall("CINdetails")) == 1
    rules = {p.rule for p in result.problems}
    assert {"8736", "8740"} <= rules and "8815" not in rules
    assert xsd_errors(result.xml) == []


# ---------------------------------------------------------------- section 47 and the ICPC


def test_the_conference_target_is_15_working_days_across_a_bank_holiday(door):
    # Strategy on Tuesday 19 August 2025; Monday 25 August is the summer bank holiday, so 15
    # working days later is Wednesday 10 September (not Tuesday 9th).
    contact = door.contact(date(2025, 8, 18), outcome="S47", concerns=("physical_abuse",))
    door.strategy(contact, date(2025, 8, 19))
    involvement(person_of(contact), Service.CHILD_PROTECTION, date(2025, 9, 5))
    s47 = next(iter(children(census()).values())).find("CINdetails/Section47")
    assert flat(s47) == [
        ("Section47", ""),
        ("S47ActualStartDate", "2025-08-19"),
        ("InitialCPCtarget", "2025-09-10"),
        ("DateOfInitialCPC", "2025-09-05"),
        ("ICPCnotRequired", "0"),
    ]
    assert add_census_working_days(date(2025, 8, 19), 15) == date(2025, 9, 10)


def test_an_enquiry_that_needed_no_conference(door):
    contact = door.contact(date(2025, 5, 6), outcome="S47", concerns=("physical_abuse",))
    door.strategy(contact, date(2025, 5, 7))
    involvement(person_of(contact), Service.ASSESSMENT, date(2025, 5, 6), date(2025, 6, 13))
    involvement(
        person_of(contact), Service.CHILD_IN_NEED, date(2025, 6, 13), date(2025, 12, 12), code="RC7"
    )
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
    door,
):
    """episodes.py fix: "no conference needed" is known only once the plan started; until
    then the enquiry is open, and the census of the year it concluded in holds it."""
    contact = door.contact(date(2026, 3, 2), outcome="S47", concerns=("neglect",))
    door.strategy(contact, date(2026, 3, 3))
    involvement(person_of(contact), Service.ASSESSMENT, date(2026, 3, 2), date(2026, 4, 10))
    involvement(person_of(contact), Service.CHILD_IN_NEED, date(2026, 4, 10))
    later = timezone.make_aware(datetime(2027, 4, 2, 9, 0))
    s47_2026 = next(iter(children(census(2026, later)).values())).find(".//Section47")
    s47_2027 = next(iter(children(census(2027, later)).values())).find(".//Section47")
    assert s47_2026.findtext("ICPCnotRequired") == "0"
    assert s47_2027.findtext("ICPCnotRequired") == "1"
    assert s47_2027.findtext("S47ActualStartDate") == "2026-03-03"


# ---------------------------------------------------------------- identifiers and UPNs


def test_a_upn_with_a_wrong_check_letter_is_left_out_and_reported(door):
    contact = door.contact(
        date(2025, 6, 2),
        outcome="S17",
        child=child(date_of_birth=date(2015, 6, 1)),
        upn="A201200015123",  # P is right
        upn_unknown="UN4",
    )
    [found] = children(census()).values()
    assert found.find("ChildIdentifiers/UPN") is None
    assert found.findtext("ChildIdentifiers/UPNunknown") == "UN4"
    [problem] = [p for p in census().problems if p.rule == "1510"]
    assert problem.person_id == person_of(contact).pk
    assert "A201200015123" in problem.message


def test_a_temporary_upn_is_checked_too(door):
    # A temporary UPN ends in a letter; the validator does not check its check letter
    # (statutory-returns.md §2.1, limitation 3), so the export does.
    from mash.matching.identifiers import make_upn

    good = make_upn("94012001501A")
    bad = ("B" if good[0] != "B" else "C") + good[1:]
    door.contact(date(2025, 6, 2), outcome="S17", upn=good)
    door.contact(date(2025, 6, 3), outcome="S17", upn=bad)
    upns = sorted(c.findtext("ChildIdentifiers/UPN") or "" for c in children(census()).values())
    assert upns == ["", good]
    assert [p.rule for p in census().problems if p.rule.startswith("15")] == ["1510"]


def test_a_upn_from_an_unknown_authority_is_left_out(door):
    from mash.matching.identifiers import make_upn

    door.contact(date(2025, 6, 2), outcome="S17", upn=make_upn("999200001512"))
    [found] = children(census()).values()
    assert found.find("ChildIdentifiers/UPN") is None
    assert "1530" in [p.rule for p in census().problems]


def test_un7_when_every_referral_was_no_further_action(door):
    door.contact(date(2025, 6, 2), outcome="NFA", child=child(date_of_birth=date(2010, 1, 1)))
    [found] = children(census()).values()
    assert found.findtext("ChildIdentifiers/UPNunknown") == "UN7"
    assert found.find("CINdetails/PrimaryNeedCode") is None


def test_un7_recorded_on_a_child_who_had_further_action_is_not_written(door):
    door.contact(
        date(2025, 6, 2),
        outcome="S17",
        child=child(date_of_birth=date(2021, 1, 1)),
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
def test_un1_only_for_a_child_under_five_on_31_august(door, born, reason, rule):
    door.contact(date(2025, 6, 2), outcome="S17", child=child(date_of_birth=born))
    [found] = children(census()).values()
    assert found.findtext("ChildIdentifiers/UPNunknown") == reason
    assert ("8770Q" in [p.rule for p in census().problems]) == (rule is not None)


def test_un1_recorded_on_a_school_age_child_is_written_and_reported(door):
    door.contact(
        date(2025, 6, 2),
        outcome="S17",
        child=child(date_of_birth=date(2008, 1, 1)),  # 17: no upper age (rule 8770Q)
        upn_unknown="UN1",
    )
    result = census()
    [found] = children(result).values()
    assert found.findtext("ChildIdentifiers/UPNunknown") == "UN1"
    assert [p.rule for p in result.problems if p.rule == "8770Q"] == ["8770Q"]
    assert "(UN1)" in next(p.message for p in result.problems if p.rule == "8770Q")


def test_an_unborn_child(door):
    door.contact(
        date(2026, 1, 12),
        outcome="S17",
        child=child(given_names="", family_name="Unborn Reid", date_of_birth=None),
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


@pytest.mark.parametrize(
    ("expected", "reported"),
    [
        (date(2026, 3, 10), True),  # 40 weeks and a day after the referral
        (date(2026, 3, 9), False),  # exactly 40 weeks
    ],
)
def test_a_referral_more_than_40_weeks_before_the_expected_birth_is_reported(
    door, expected, reported
):
    door.contact(
        date(2025, 6, 2),
        outcome="S17",
        child=child(given_names="", family_name="Unborn Reid", date_of_birth=None),
        expected_date_of_birth=expected,
    )
    problems = [p for p in census().problems if p.rule == "8606"]
    assert bool(problems) == reported
    if reported:
        assert "more than 40 weeks before the expected date of birth" in problems[0].message


def test_merged_records_are_not_in_the_census_but_the_record_kept_is(door):
    kept = door.contact(date(2025, 6, 2), outcome="S17")
    duplicate = door.contact(date(2025, 7, 1), outcome="NFA")
    Person.objects.filter(pk=person_of(duplicate).pk).update(merged_into=person_of(kept))
    found = children(census())
    assert list(found) == [person_of(kept).child_id]


# ---------------------------------------------------------------- codes and what is left out


def test_ethnicity_and_disability_not_recorded_are_reported(door):
    door.contact(
        date(2025, 6, 2), outcome="S17", child=child(date_of_birth=date(2021, 1, 1), gender="M")
    )
    result = census()
    [found] = children(result).values()
    assert found.findtext("ChildCharacteristics/Ethnicity") == "NOBT"
    assert found.find("ChildCharacteristics/Disabilities") is None
    assert {p.rule for p in result.problems} == {"4220", "8540", "8610"}
    assert xsd_errors(result.xml) == []


def test_disabilities_written_once_and_never_none_with_another(door):
    door.contact(date(2025, 6, 2), outcome="S17", disabilities=["AUT", "AUT", "HEAR"])
    door.contact(date(2025, 6, 3), outcome="S17", disabilities=["NONE", "VIS"])
    written = sorted([d.text for d in c.iter("Disability")] for c in children(census()).values())
    assert written == [[], ["AUT", "HEAR"]]
    assert {"8794", "8790"} <= {p.rule for p in census().problems}


def test_assessment_factors_are_census_codes_once_each():
    writer = _Writer(2026, *collection_period(2026))
    assert writer.factors(["18A", "3A", "3A", "21", "99Z", "19A", "24A"]) == ["3A", "24A"]
    assert [p.rule for p in writer.problems] == ["8945Q", "8898", "XSD", "8950Q", "8869"]
    assert writer.factors(["21"]) == ["21"]  # on its own it stands


def test_what_the_episode_reading_corrected_is_a_census_problem():
    # A hand-made episode: `Episode.corrections` is the episode reading's list of
    # (rule, message) for what it had to correct; the writer reports each one.
    episode = Episode(
        contact_id=uuid4(),
        reference="MASH-1",
        referral_date=date(2025, 6, 2),
        source="2A",
        outcome="S47",
        decided_on=date(2025, 6, 2),
        nfa=False,
        concerns=("neglect",),
        team="",
        worker="",
        primary_need="N1",
    )
    episode.corrections = [("8840", "The child in need plan was ended the day before.")]
    writer = _Writer(2026, *collection_period(2026))
    assert writer.episode(episode) is not None
    assert [(p.rule, p.message, p.reference) for p in writer.problems] == [
        ("8840", "The child in need plan was ended the day before.", "MASH-1")
    ]


def test_the_export_never_writes_a_factor_the_rules_forbid(door):
    # Physical and sexual abuse by a child: 18B and 19B, never the retired 18A/19A.
    door.contact(
        date(2025, 6, 2),
        outcome="S17",
        child=child(is_alleged_perpetrator=True),
        concerns=("physical_abuse", "sexual_abuse", "neglect", "neglect"),
    )
    contact = Contact.objects.get()
    involvement(
        person_of(contact), Service.ASSESSMENT, date(2025, 6, 2), date(2025, 7, 1), code="RC8"
    )
    result = census()
    factors = [f.text for f in ET.fromstring(result.xml).iter("AssessmentFactors")]  # noqa: S314
    assert factors == ["18B", "19B", "16A"]
    assert not {"18A", "19A"} & set(factors)
    assert len(factors) == len(set(factors))
    assert "21" not in factors or factors == ["21"]


def test_no_conference_is_written_at_a_weekend_without_a_problem(door):
    contact = door.contact(date(2025, 6, 2), outcome="S47", concerns=("neglect",))
    door.strategy(contact, date(2025, 6, 3))
    involvement(person_of(contact), Service.CHILD_PROTECTION, date(2025, 6, 21))  # a Saturday
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


@pytest.mark.parametrize(
    ("year", "words"),
    [("2028", "cannot be exported yet"), ("10000", "a year of four digits")],
)
def test_the_command_refuses_a_year_after_the_one_in_progress_in_words(db, tmp_path, year, words):
    with time_machine.travel(NOW, tick=False), pytest.raises(CommandError, match=words):
        call_command("export", "cin-census", "--year", year, "--out", str(tmp_path / "x"))
    assert not (tmp_path / "x").exists()
    assert not AuditEvent.objects.filter(action="returns.exported").exists()


@pytest.mark.parametrize("serial", ["-1", "0", "1000", "two"])
def test_the_command_refuses_a_serial_number_that_is_not_1_to_999(db, tmp_path, serial):
    with pytest.raises(CommandError, match="give a whole number from 1 to 999"):
        call_command(
            "export", "cin-census", "--year", "2026", "--serial", serial,
            "--out", str(tmp_path / "x"),
        )  # fmt: skip
    assert not (tmp_path / "x").exists()


# ---------------------------------------------------------------------------- the pages


def sign_in(client, user) -> None:
    """Signed in, in post since before the census years (the pages run on 2 April 2026)."""
    Membership.objects.update(starts_at=timezone.make_aware(datetime(2020, 1, 1)))
    client.force_login(user)


def test_the_page_defaults_to_the_latest_complete_year_and_lists_what_to_fix(door, client, priya):
    contact = door.contact(date(2025, 6, 2), outcome="S17", child=child(gender="M"))
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


@pytest.mark.parametrize("year", ["10000", "2028"])
def test_a_download_for_a_year_after_the_one_in_progress_says_why(db, client, priya, year):
    sign_in(client, priya)  # 2 April 2026: 2026-27 (2027) is in progress
    with time_machine.travel(NOW, tick=False):
        response = client.get(f"/returns/cin-census/{year}.xml")
    assert response.status_code == 400
    assert "cannot be exported yet" in response.content.decode()
    assert not AuditEvent.objects.filter(action="returns.exported").exists()


def test_the_year_in_progress_is_the_latest_year_offered():
    assert cin_census.year_in_progress(date(2026, 3, 31)) == 2026
    assert cin_census.year_in_progress(date(2026, 4, 1)) == 2027


def test_a_social_worker_is_refused_and_the_refusal_audited(db, client, sam):
    sign_in(client, sam)
    assert client.get("/returns/cin-census/2026.xml").status_code == 403
    assert AuditEvent.objects.filter(action="access.refused").exists()
    assert not AuditEvent.objects.filter(action="returns.exported").exists()
