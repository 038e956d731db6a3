"""The DfE Children in Need census as the XML file the DfE collects (issue 8 §4, ADR 0020).

The children and their episodes of need come from `mash.returns.episodes.children_in`, the one
reading the returns share; this module only writes them in the DfE's message structure, in the
exact element order of the 2025-26 schema (statutory-returns.md §1.2), and checks each value
against the census code sets first.

What cannot be written correctly is left out of the file and reported as a `CensusProblem`
(the census rule it would break, the child, and what to fix, in plain English), so a manager
can put the record right before the file goes to the DfE. A few facts are written anyway and
reported, where leaving them out would only break another rule: an ethnicity that was never
recorded is written NOBT ("information not yet obtained"), a primary need that no concern
points to N0 ("not stated"), and a conference held at a weekend keeps its date (the plan
starts that day, rule 2885).

Decisions the DfE's guidance leaves to the exporter (and the tests pin down):

- A UPN is written only when its check letter is right and characters 2-4 are an LA code
  in rule 1530's list; otherwise the reason there is none (UPNunknown) is written instead.
- The reason is UN7 whenever every episode in the return is a referral with no further
  action (rule 8772 allows UN7 only then); else the reason recorded on the child (not UN7);
  else UN1 for an unborn child or one under 5 on 31 August before the reference date (not of
  school age: the same cut as rule 8770Q); else none, which is reported.
- Factors identified at assessment: only census codes, each once (8898); never the retired
  18A and 19A (8945Q, 8950Q); 21 ("no factors") only on its own (8869).
- Disabilities only when recorded; NONE with another code is left out (8790).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # we write XML; nothing here parses any  # nosec B405
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from django.utils import timezone

from mash.audit import services as audit
from mash.core.errors import ApplicationError
from mash.matching.identifiers import UPN_LETTERS, upn_is_valid
from mash.people.census import ClosureReason, Disability, Ethnicity, UpnUnknown
from mash.policy.profiles import active_profile
from mash.returns.episodes import (
    Assessment,
    Child,
    ChildRecord,
    Episode,
    children_in,
)

__all__ = [
    "FIRST_YEAR",
    "Census",
    "CensusProblem",
    "build_census",
    "census_problems",
    "collection_period",
    "latest_complete_year",
    "record_export",
    "schema_path",
    "schema_year",
]

FIRST_YEAR = 2025  # 2024-25: the first census with <Sex>, and the oldest schema shipped here
SCHEMA_DIR = Path(__file__).resolve().parent / "xsd"
SOFTWARE_CODE = "MASH front door"
RELEASE = "0.1.0"  # pyproject.toml's version


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


REFERRAL_SOURCES = _codes(
    "1A 1B 1C 1D 2A 2B 3A 3B 3C 3D 3E 3F 4 5A 5B 5C 5D 6 7 8 9 10"
)  # N00152, rule 8866
PRIMARY_NEEDS = frozenset(f"N{n}" for n in range(10))  # N00101, rule 8650
CATEGORIES_OF_ABUSE = frozenset({"NEG", "PHY", "SAB", "EMO", "MUL"})  # rules 8905, 8910
ASSESSMENT_FACTORS = _codes(
    "1A 1B 1C 2A 2B 2C 3A 3B 3C 4A 4B 4C 5A 5B 5C 6A 6B 6C 7A 8B 8C 8D 8E 8F 9A 10A 11A "
    "12A 13A 14A 15A 16A 17A 18B 18C 19B 19C 20 21 22A 23A 24A"
)  # N00181, statutory-returns.md §1.4 (18A and 19A retired: queries 8945Q, 8950Q)
RETIRED_FACTORS = {"18A": ("8945Q", "18B or 18C"), "19A": ("8950Q", "19B or 19C")}
NO_FACTORS = "21"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _la_codes() -> frozenset[str]:
    """Rule 1530: the LA codes a UPN's characters 2-4 may be (statutory-returns.md §5)."""
    spans = (
        "001-005 201-213 301-320 330-336 340-344 350-359 370-373 380-384 390-394 420 "
        "660-681 701-708 800-803 805-808 810-813 815 816 820-823 825 826 830 831 835-839 840 "
        "841 845 846 850-852 855-857 860 861 865-896 908 909 916 919 921 925 926 928 929 "
        "931 933 935-938 940-943"
    )
    codes: set[str] = set()
    for span in spans.split():
        first, _, last = span.partition("-")
        codes.update(f"{n:03d}" for n in range(int(first), int(last or first) + 1))
    return frozenset(codes)


UPN_LA_CODES = _la_codes()
_LA_CHILD_ID = re.compile(r"^[A-Za-z0-9]{1,20}$")  # rules 1570, 1580


@dataclass(frozen=True)
class CensusProblem:
    """Something the census could not say correctly: the rule, whose record, what to fix."""

    rule: str  # the DfE validation rule it would break, e.g. "1510" or "8770Q"
    child_id: str  # LAchildID
    person_id: UUID | None
    message: str  # what to fix, in plain English
    reference: str = ""  # the contact (referral) it is about, when it is about one


@dataclass
class Census:
    """One census file and what went into it."""

    year: int
    start: date
    end: date
    xml: bytes
    children: int
    episodes: int
    problems: list[CensusProblem] = field(default_factory=list)
    person_ids: list[str] = field(default_factory=list)  # whose records it holds (the audit)
    references: list[str] = field(default_factory=list)  # the referrals (contacts) it holds

    @property
    def filename(self) -> str:
        return f"cin-census-{self.year}.xml"

    def summary(self) -> str:
        """One line: what the file holds and how many problems there are."""
        return (
            f"CIN census {self.year - 1}-{self.year % 100:02d} ({self.start:%-d %B %Y} to "
            f"{self.end:%-d %B %Y}): {_count(self.children, 'child', 'children')}, "
            f"{_count(self.episodes, 'episode')}, {_count(len(self.problems), 'problem')}"
        )


def _count(number: int, one: str, many: str = "") -> str:
    return f"{number} {one if number == 1 else (many or one + 's')}"


# ----------------------------------------------------------------------------- the period


def collection_period(year: int) -> tuple[date, date]:
    """The census named by its end year: 2026 is 1 April 2025 to 31 March 2026."""
    return date(year - 1, 4, 1), date(year, 3, 31)


def latest_complete_year(today: date) -> int:
    """The latest census whose year has ended by `today` (2026 from 1 April 2026)."""
    return today.year if today >= date(today.year, 4, 1) else today.year - 1


def schema_year(year: int) -> int:
    """The schema a census is checked against: its own, or 2026's for later years (there is
    none published for 2026-27 yet, and its only change is a module we do not hold)."""
    return min(year, 2026)


def schema_path(year: int) -> Path:
    """The community XSD for the census `year` (mash/returns/xsd/README.md)."""
    return SCHEMA_DIR / f"CIN_schema_{schema_year(year)}.xsd"


def _check_year(year: int, today: date) -> None:
    if year < FIRST_YEAR:
        raise ApplicationError(
            f"The CIN census for {year - 1} to {year} cannot be exported: this service writes "
            f"the census from {FIRST_YEAR - 1} to {FIRST_YEAR} onwards (the DfE changed the "
            "file then, recording sex instead of gender).",
            field="year",
        )
    start, _ = collection_period(year)
    if start > today:
        raise ApplicationError(
            f"The CIN census for {year - 1} to {year} cannot be exported yet: its year starts "
            f"on {start:%-d %B %Y}.",
            field="year",
        )


def _la_number() -> str:
    number = active_profile().dfe_la_number
    if not re.fullmatch(r"\d{3}", number or ""):
        raise ApplicationError(
            "The policy profile gives no DfE local authority number (dfe_la_number, three "
            "digits), which the census names as its source. Add it to the profile."
        )
    return number


# ---------------------------------------------------------------------------- the export


def build_census(year: int, *, now: datetime | None = None, serial_no: int = 1) -> Census:
    """The census file for the collection ending in `year`, with what it could not say.

    Raises ApplicationError (plain English) for a year before 2024-25 or not yet started,
    or when the profile has no DfE LA number.
    """
    now = now or timezone.now()
    today = timezone.localtime(now).date() if timezone.is_aware(now) else now.date()
    _check_year(year, today)
    lea = _la_number()
    start, end = collection_period(year)
    records = children_in(start, end)
    writer = _Writer(year, start, end)
    message = ET.Element("Message")
    message.append(_header(year, end, lea, now, serial_no))
    children = ET.SubElement(message, "Children")
    census = Census(year, start, end, b"", 0, 0, writer.problems)
    for record in records:
        child = writer.child(record)
        if child is not None:
            children.append(child)
            census.children += 1
            census.episodes += len(child.findall("CINdetails"))
            census.person_ids.append(str(record.child.person_id))
    census.references = sorted(writer.written)
    ET.indent(message)
    census.xml = (XML_DECLARATION + ET.tostring(message, encoding="unicode") + "\n").encode()
    return census


def record_export(census: Census, *, by: Any, how: str, actor_name: str = "") -> None:
    """Audit the export (ADR 0010): who took the census, and whose records it held."""
    audit.record(
        actor=by,
        actor_name=actor_name,
        action="returns.exported",
        data={
            "return": "cin-census",
            "year": census.year,
            "how": how,
            "children": census.children,
            "episodes": census.episodes,
            "problems": len(census.problems),
            "person_ids": census.person_ids,
            "contacts": census.references,
        },
    )


def census_problems(year: int, *, now: datetime | None = None) -> list[CensusProblem]:
    """What the census for `year` cannot say correctly (for the data quality page)."""
    return build_census(year, now=now).problems


def _text(parent: ET.Element, tag: str, value: object) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if isinstance(value, bool):
        element.text = "1" if value else "0"
    elif isinstance(value, date):
        element.text = value.isoformat()
    else:
        element.text = str(value)
    return element


def _header(year: int, end: date, lea: str, now: datetime, serial_no: int) -> ET.Element:
    header = ET.Element("Header")
    details = ET.SubElement(header, "CollectionDetails")
    _text(details, "Collection", "CIN")
    _text(details, "Year", year)
    _text(details, "ReferenceDate", end)  # 31 March of the year (rule 100)
    source = ET.SubElement(header, "Source")
    _text(source, "SourceLevel", "L")
    _text(source, "LEA", lea)
    _text(source, "SoftwareCode", SOFTWARE_CODE)
    _text(source, "Release", RELEASE)
    _text(source, "SerialNo", f"{serial_no:03d}")
    moment = timezone.localtime(now) if timezone.is_aware(now) else now
    _text(source, "DateTime", moment.replace(microsecond=0, tzinfo=None).isoformat())
    return header


class _Writer:
    """Writes each child, collecting the problems as it goes."""

    def __init__(self, year: int, start: date, end: date) -> None:
        self.year, self.start, self.end = year, start, end
        self.problems: list[CensusProblem] = []
        self._child: Child | None = None
        self._episode: Episode | None = None
        self.written: set[str] = set()

    def problem(self, rule: str, message: str) -> None:
        child = self._child
        self.problems.append(
            CensusProblem(
                rule=rule,
                child_id=child.child_id if child else "",
                person_id=child.person_id if child else None,
                message=message,
                reference=self._episode.reference if self._episode else "",
            )
        )

    # ------------------------------------------------------------------------ the child

    def child(self, record: ChildRecord) -> ET.Element | None:
        self._child, self._episode = record.child, None
        child = record.child
        if not _LA_CHILD_ID.fullmatch(child.child_id or ""):
            self.problem(
                "1580",
                f"The child's LA identifier {child.child_id!r} is not 1 to 20 letters and "
                "digits, so the child is left out of the census. Correct the identifier.",
            )
            return None
        details = [d for e in record.episodes if (d := self.episode(e)) is not None]
        self._episode = None
        open_episodes = [e for e in record.episodes if e.is_open]
        if len(open_episodes) > 1:
            self.problem(
                "8815",
                f"{len(open_episodes)} episodes are open at once (referrals "
                f"{', '.join(e.reference for e in open_episodes)}); only the latest may be. "
                "Record the end of the earlier work on the child's record.",
            )
        if not details:
            return None  # every episode was left out, each reported (rule 8590)
        self.written.update(e.reference for e in record.episodes if e.source in REFERRAL_SOURCES)
        element = ET.Element("Child")
        element.append(self.identifiers(child, record.episodes))
        element.append(self.characteristics(child, record.episodes))
        element.extend(details)
        return element

    def identifiers(self, child: Child, episodes: list[Episode]) -> ET.Element:
        element = ET.Element("ChildIdentifiers")
        _text(element, "LAchildID", child.child_id)
        upn = self.upn(child)
        if upn:
            _text(element, "UPN", upn)
        else:
            reason = self.upn_unknown(child, episodes)
            if reason:
                _text(element, "UPNunknown", reason)
        born = child.date_of_birth
        if born is not None and born > self.end:
            self.problem(
                "8520",
                f"The date of birth {born:%-d %B %Y} is after the census year; it is left out. "
                "Correct the date of birth.",
            )
            born = None
        if born is not None:
            _text(element, "PersonBirthDate", born)
        elif child.expected_date_of_birth is not None:
            _text(element, "ExpectedPersonBirthDate", child.expected_date_of_birth)
        else:
            self.problem(
                "8525Q",
                "Neither a date of birth nor an expected date of birth is recorded. Record one.",
            )
        sex = child.sex if child.sex in ("M", "F", "U") else "U"
        if sex == "U" and born is not None:
            self.problem(
                "2886Q",
                "The child's sex is not recorded (written U). Record it if it is known.",
            )
        _text(element, "Sex", sex)
        return element

    def upn(self, child: Child) -> str:
        """The UPN if it is a valid one (rules 1510-1550), else "" and the problem reported."""
        upn = (child.upn or "").strip().upper()
        if not upn:
            return ""
        if not upn_is_valid(upn) or upn[0] not in UPN_LETTERS:
            self.problem(
                "1510",
                f"The UPN {upn} is not valid (13 characters whose first, the check letter, "
                "matches the rest); it is left out and the reason for no UPN is given instead. "
                "Correct the UPN.",
            )
            return ""
        if upn[1:4] not in UPN_LA_CODES:
            self.problem(
                "1530",
                f"The UPN {upn} does not start with a recognised local authority code "
                f"({upn[1:4]}); it is left out. Correct the UPN.",
            )
            return ""
        return upn

    def upn_unknown(self, child: Child, episodes: list[Episode]) -> str:
        """Why there is no UPN (N00135): see the module docstring for the order."""
        if episodes and all(e.nfa for e in episodes):
            return UpnUnknown.UN7
        recorded = child.upn_unknown
        if recorded == UpnUnknown.UN7:
            self.problem(
                "8772",
                "The record says there is no UPN because the referral led to no further "
                "action (UN7), but a referral in this census led to further action; the reason "
                "is left out. Record the UPN or another reason.",
            )
            recorded = ""
        if recorded in UpnUnknown.values:
            return recorded
        if not self.of_school_age(child):
            return UpnUnknown.UN1
        self.problem(
            "8770Q",
            "The child is of school age and has no UPN and no reason why. Record the UPN or "
            "the reason there is none.",
        )
        return ""

    def of_school_age(self, child: Child) -> bool:
        """Five or over on 31 August before the reference date (rule 8770Q's cut)."""
        born = child.date_of_birth
        return born is not None and born <= date(self.year - 6, 8, 31)

    def characteristics(self, child: Child, episodes: list[Episode]) -> ET.Element:
        element = ET.Element("ChildCharacteristics")
        ethnicity = child.ethnicity_code
        if ethnicity not in Ethnicity.values:
            self.problem(
                "4220",
                "The child's ethnicity is not recorded as a census code; the file says "
                "NOBT (information not yet obtained). Record the ethnicity.",
            )
            ethnicity = Ethnicity.NOBT
        _text(element, "Ethnicity", ethnicity)
        codes = self.disabilities(child.disabilities)
        if codes:
            disabilities = ET.SubElement(element, "Disabilities")
            for code in codes:
                _text(disabilities, "Disability", code)
        elif child.date_of_birth is not None and any(not e.nfa for e in episodes):
            self.problem(
                "8540",
                "No disability is recorded for a child who received services (record NONE "
                "if the child has none).",
            )
        return element

    def disabilities(self, recorded: Iterable[str]) -> list[str]:
        codes: list[str] = []
        for code in recorded:
            if code not in Disability.values:
                self.problem("8540", f"{code!r} is not a census disability code; left out.")
            elif code in codes:
                self.problem("8794", f"The disability {code} is recorded twice; written once.")
            else:
                codes.append(code)
        if Disability.NONE in codes and len(codes) > 1:
            self.problem(
                "8790",
                "The record says both no disability (NONE) and a disability; disabilities are "
                "left out. Correct the record.",
            )
            return []
        return codes

    # ---------------------------------------------------------------------- an episode

    def episode(self, episode: Episode) -> ET.Element | None:
        self._episode = episode
        if episode.source not in REFERRAL_SOURCES:
            self.problem(
                "8866",
                f"The referral's source {episode.source!r} is not a census code, so the "
                "referral is left out. Correct the referrer's source on the contact.",
            )
            return None
        element = ET.Element("CINdetails")
        _text(element, "CINreferralDate", episode.referral_date)
        _text(element, "ReferralSource", episode.source)
        if not episode.nfa:
            need = episode.primary_need or "N0"
            if need not in PRIMARY_NEEDS:
                need = "N0"
            if need == "N0":
                self.problem(
                    "8610",
                    "No primary need is recorded for a referral that led to further action "
                    "(written N0, not stated). Record the kind of concern.",
                )
            _text(element, "PrimaryNeedCode", need)
        self.closure(element, episode)
        if episode.initial_cpc is not None:
            self.weekend(episode.initial_cpc, "8875", "initial child protection conference")
            _text(element, "DateOfInitialCPC", episode.initial_cpc)
        for assessment in episode.assessments:
            if assessment.authorised is None and assessment.start < self.start:
                self.problem(
                    "8736",
                    f"An assessment started on {assessment.start:%-d %B %Y}, before the census "
                    "year, and has no end recorded; it is left out. Record when it was "
                    "authorised.",
                )
                continue
            element.append(self.assessment(assessment))
        for cin_plan in episode.cin_plans:
            dates = ET.SubElement(element, "CINPlanDates")
            _text(dates, "CINPlanStartDate", cin_plan.start)
            if cin_plan.end is not None:
                _text(dates, "CINPlanEndDate", cin_plan.end)
        for enquiry in episode.section47s:
            if (
                enquiry.icpc is None
                and not enquiry.icpc_not_required
                and enquiry.start < self.start
            ):
                self.problem(
                    "8740",
                    f"A section 47 enquiry started on {enquiry.start:%-d %B %Y}, before the census "
                    "year, with no conference and no record that none was needed; it is left "
                    "out. Record the conference or the plan that followed.",
                )
                continue
            s47 = ET.SubElement(element, "Section47")
            _text(s47, "S47ActualStartDate", enquiry.start)
            _text(s47, "InitialCPCtarget", enquiry.icpc_target)
            if enquiry.icpc is not None:
                self.weekend(enquiry.icpc, "8875", "initial child protection conference")
                _text(s47, "DateOfInitialCPC", enquiry.icpc)
            _text(s47, "ICPCnotRequired", enquiry.icpc_not_required)
        _text(element, "ReferralNFA", episode.nfa)
        for cpp in episode.protection_plans:
            plan = ET.SubElement(element, "ChildProtectionPlans")
            _text(plan, "CPPstartDate", cpp.start)
            if cpp.end is not None:
                _text(plan, "CPPendDate", cpp.end)
            for tag, category in (
                ("InitialCategoryOfAbuse", cpp.initial_category),
                ("LatestCategoryOfAbuse", cpp.latest_category),
            ):
                _text(plan, tag, category if category in CATEGORIES_OF_ABUSE else "MUL")
            _text(plan, "NumberOfPreviousCPP", max(cpp.previous_plans, 0))
        return element

    def closure(self, element: ET.Element, episode: Episode) -> None:
        if episode.closure_date is None:
            return
        reason = episode.closure_reason
        if reason not in ClosureReason.values:
            self.problem(
                "8640",
                f"The episode closed on {episode.closure_date:%-d %B %Y} with no census reason "
                "for closure; the closure is left out. Record the reason on the involvement.",
            )
            return
        _text(element, "CINclosureDate", episode.closure_date)
        _text(element, "ReasonForClosure", reason)
        if reason == ClosureReason.RC2:
            self.problem(
                "8585Q",
                "The episode closed because the child died (RC2), but the census file has no "
                "date of death: give it to the DfE with the return.",
            )

    def assessment(self, assessment: Assessment) -> ET.Element:
        element = ET.Element("Assessments")
        _text(element, "AssessmentActualStartDate", assessment.start)
        if assessment.authorised is None:
            return element  # factors only on a completed assessment (8614)
        _text(element, "AssessmentAuthorisationDate", assessment.authorised)
        factors = self.factors(assessment.factors)
        if factors:
            listed = ET.SubElement(element, "FactorsIdentifiedAtAssessment")
            for code in factors:
                _text(listed, "AssessmentFactors", code)
        else:
            self.problem(
                "8897Q",
                f"The assessment completed on {assessment.authorised:%-d %B %Y} has no factors "
                "identified. Record the kinds of concern, or that there were none.",
            )
        return element

    def factors(self, recorded: Iterable[str]) -> list[str]:
        """The census factors: valid codes once each, never 18A/19A, 21 only on its own."""
        codes: list[str] = []
        for code in recorded:
            if code in RETIRED_FACTORS:
                rule, instead = RETIRED_FACTORS[code]
                self.problem(
                    rule, f"Factor {code} is no longer used ({instead} instead); left out."
                )
            elif code not in ASSESSMENT_FACTORS:
                # No validator rule checks the code list (statutory-returns.md §2.1); the XSD does.
                self.problem("XSD", f"{code!r} is not a census assessment factor; left out.")
            elif code in codes:
                self.problem("8898", f"Factor {code} is recorded twice; written once.")
            else:
                codes.append(code)
        if NO_FACTORS in codes and len(codes) > 1:
            self.problem(
                "8869",
                "Factor 21 (no factors identified) was recorded with other factors; 21 is left "
                "out.",
            )
            codes.remove(NO_FACTORS)
        return codes

    def weekend(self, day: date, rule: str, what: str) -> None:
        if day.weekday() >= 5:
            self.problem(
                rule,
                f"The {what} is recorded on {day:%A %-d %B %Y}, a weekend. Check the date.",
            )
