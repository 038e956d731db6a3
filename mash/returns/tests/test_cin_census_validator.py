"""The census checked by others' tools and by our own checks for their gaps (§2.5).

- The external validator (D2I's csc-validator-be-cin, with the community XSD) runs through
  scripts/validate_cin_census.py in `.venv-cinval`, which `make validate-returns` creates
  (CI always has it); without it that test is skipped and says why.
- Our own checks cover what the validator misses on XML (statutory-returns.md §2.1,
  "Limitations"): factor 21 alone, no duplicate factors, no 18A/19A, the check letter of a
  temporary UPN, the conference target 15 working days after the strategy discussion
  (England's bank holidays), and no conference at a weekend.
"""

from __future__ import annotations

import json
import subprocess  # runs our own script in our own virtual environment  # nosec B404
import xml.etree.ElementTree as ET  # noqa: S405 - our own export  # nosec B405
from datetime import date
from pathlib import Path

import pytest

from conftest import child
from mash.matching.identifiers import make_upn, upn_is_valid
from mash.people.models import Involvement
from mash.returns.episodes import add_census_working_days
from mash.returns.tests.front_door import FrontDoor, involvement, person_of
from mash.returns.tests.test_cin_census import _sample, census, xsd_errors

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[3]
CINVAL = REPO / ".venv-cinval" / "bin" / "python"
SCRIPT = REPO / "scripts" / "validate_cin_census.py"
Service = Involvement.Service


def _broad(door: FrontDoor) -> None:
    """The §1.6 sample and more: a temporary UPN, a CIN plan, an enquiry that needed no
    conference, a conference target across a bank holiday, a second referral that led
    nowhere after an episode closed."""
    _sample(door)
    temporary = door.contact(
        date(2025, 4, 14),
        outcome="S17",
        child=child(given_names="Maya", date_of_birth=date(2016, 2, 2), gender="F"),
        concerns=("parent_mental_health",),
        source="3A",
        upn=make_upn("94012001501A"),
        ethnicity_code="WBRI",
        disabilities=["LD", "COMM"],
    )
    involvement(person_of(temporary), Service.ASSESSMENT, date(2025, 4, 14), date(2025, 5, 23))
    involvement(
        person_of(temporary),
        Service.CHILD_IN_NEED,
        date(2025, 5, 23),
        date(2025, 11, 28),
        code="RC7",
    )
    door.contact(
        date(2026, 1, 12),
        outcome="NFA",
        person=person_of(temporary),
        child=child(given_names="Maya", date_of_birth=date(2016, 2, 2), gender="F"),
        source="1A",
    )
    enquiry = door.contact(
        date(2025, 8, 18),
        outcome="S47",
        child=child(given_names="Noah", date_of_birth=date(2013, 9, 9), gender="M"),
        concerns=("physical_abuse",),
        source="6",
        upn=make_upn("941200001512"),
        ethnicity_code="BAFR",
        disabilities=["NONE"],
    )
    door.strategy(enquiry, date(2025, 8, 19))  # across the August bank holiday
    involvement(person_of(enquiry), Service.ASSESSMENT, date(2025, 8, 18), date(2025, 9, 26))
    involvement(person_of(enquiry), Service.CHILD_IN_NEED, date(2025, 9, 26))
    later = door.contact(
        date(2025, 11, 3),
        outcome="S17",
        child=child(given_names="Isla", date_of_birth=date(2011, 5, 5), gender="F", upn=""),
        concerns=("sexual_abuse", "self_harm"),
        source="2A",
        upn=make_upn("940300001823"),
        ethnicity_code="MWAS",
        disabilities=["BEH"],
    )
    involvement(
        person_of(later), Service.ASSESSMENT, date(2025, 11, 3), date(2025, 12, 19), code="RC8"
    )


@pytest.fixture
def broad(door):
    _broad(door)
    return census()


# ---------------------------------------------------------------------- our own checks


def own_check_problems(xml: bytes) -> list[str]:
    """The checks the validator cannot make on XML, over a whole census file."""
    root = ET.fromstring(xml)  # noqa: S314 - our own export  # nosec B314
    problems: list[str] = []
    for child_element in root.iter("Child"):
        child_id = child_element.findtext("ChildIdentifiers/LAchildID")
        upn = child_element.findtext("ChildIdentifiers/UPN")
        if upn is not None and not upn_is_valid(upn):
            problems.append(f"{child_id}: UPN {upn} has the wrong check letter")
        for assessment in child_element.iter("Assessments"):
            factors = [f.text for f in assessment.iter("AssessmentFactors")]
            if "21" in factors and len(factors) > 1:
                problems.append(f"{child_id}: factor 21 with others {factors}")
            if len(factors) != len(set(factors)):
                problems.append(f"{child_id}: duplicate factors {factors}")
            if {"18A", "19A"} & set(factors):
                problems.append(f"{child_id}: retired factor in {factors}")
        for s47 in child_element.iter("Section47"):
            start = date.fromisoformat(s47.findtext("S47ActualStartDate") or "")
            target = date.fromisoformat(s47.findtext("InitialCPCtarget") or "")
            if target != add_census_working_days(start, 15):
                problems.append(f"{child_id}: target {target} is not 15 working days on")
            if target.weekday() >= 5:
                problems.append(f"{child_id}: target {target} at a weekend (8870Q)")
        for icpc in child_element.iter("DateOfInitialCPC"):
            if date.fromisoformat(icpc.text or "").weekday() >= 5:
                problems.append(f"{child_id}: conference {icpc.text} at a weekend (8875)")
    return problems


def test_the_census_passes_our_own_checks_for_the_validator_s_gaps(broad):
    assert own_check_problems(broad.xml) == []
    assert xsd_errors(broad.xml) == []
    assert broad.problems == []
    assert (broad.children, broad.episodes) == (7, 8)  # Maya: a closed episode, then NFA
    xml = broad.xml.decode()
    assert "<UPN>" + make_upn("94012001501A") + "</UPN>" in xml  # temporary UPN, right letter
    # Strategy on 19 August 2025, the bank holiday on the 25th: target 10 September.
    assert "<InitialCPCtarget>2025-09-10</InitialCPCtarget>" in xml


def test_our_own_checks_catch_what_the_validator_misses():
    """A negative control: each check fires on a file that breaks it."""
    good = make_upn("94012001501A")
    bad = ("B" if good[0] != "B" else "C") + good[1:]
    xml = f"""<Message><Children><Child>
      <ChildIdentifiers><LAchildID>X1</LAchildID><UPN>{bad}</UPN></ChildIdentifiers>
      <CINdetails>
        <Assessments><FactorsIdentifiedAtAssessment><AssessmentFactors>21</AssessmentFactors>
          <AssessmentFactors>18A</AssessmentFactors><AssessmentFactors>18A</AssessmentFactors>
        </FactorsIdentifiedAtAssessment></Assessments>
        <Section47><S47ActualStartDate>2025-08-19</S47ActualStartDate>
          <InitialCPCtarget>2025-09-09</InitialCPCtarget>
          <DateOfInitialCPC>2025-09-06</DateOfInitialCPC></Section47>
      </CINdetails></Child></Children></Message>""".encode()
    found = own_check_problems(xml)
    assert len(found) == 6, found


# ---------------------------------------------------------------- the external validator


@pytest.mark.skipif(
    not CINVAL.exists(),
    reason="the external CIN validator is not installed: run `make validate-returns`, "
    "which creates .venv-cinval (csc-validator-be-cin needs pandas<2 and numpy<2)",
)
def test_the_census_passes_the_external_validator_and_the_xsd(broad, tmp_path):
    path = tmp_path / "cin-census-2026.xml"
    path.write_bytes(broad.xml)
    run = subprocess.run(  # noqa: S603 - our script, our file  # nosec B603
        [str(CINVAL), str(SCRIPT), str(path), "--allow", "2887Q"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert run.returncode == 0, run.stderr
    assert result["ok"] and result["children"] == 7
    assert (result["xsd_errors"], result["errors"], result["crashed_rules"]) == (0, 0, 0)
    assert result["return_level"] == ["2887Q"]  # fewer than 8 disability codes: a small file


@pytest.mark.skipif(not CINVAL.exists(), reason="the external CIN validator is not installed")
def test_the_external_validator_fails_a_broken_file(broad, tmp_path):
    """Its negative control: a conference at a weekend and a bad source are errors."""
    path = tmp_path / "broken.xml"
    path.write_bytes(
        broad.xml.replace(
            b"<ReferralSource>6</ReferralSource>", b"<ReferralSource>2C</ReferralSource>"
        ).replace(b"<DateOfInitialCPC>2025-06-20<", b"<DateOfInitialCPC>2025-06-21<")
    )
    run = subprocess.run(  # noqa: S603  # nosec B603
        [str(CINVAL), str(SCRIPT), str(path), "--allow", "2887Q"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert run.returncode == 1 and not result["ok"]
    assert result["xsd_errors"] >= 1 and result["errors"] >= 1
    assert "8875" in run.stderr and "8866" in run.stderr
