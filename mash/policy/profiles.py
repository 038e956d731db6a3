"""Policy profiles: one authority's front-door procedures as data (RULES.md, "policy profile").

The product ships one YAML profile per authority in ``mash/policy/profiles/``; a deployment picks
one with ``settings.MASH_PROFILE`` and may add folders in ``settings.MASH_PROFILE_DIRS``, so a
fourth authority is a file, not code. Profiles are read into frozen dataclasses: the working
calendar, threshold model (SC-2), outcomes (OU-1), timescales (TS-1 to TS-12), written
confirmation (IN-7), recent-closure routing (TS-10), agencies (MA-1, CO-3), teams, special
pathways (SP-1 to SP-4) and the contact details for letters (OU-4, DM-3).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from mash.policy.catalogue import Quote
from mash.policy.validation import (
    Data,
    Problem,
    ProfileError,
    clock_rule,
    read_profile_data,
    validate_profile_data,
)
from mash.workdays.calendar import WorkingCalendar
from mash.workdays.clocks import ClockRule

__all__ = [
    "SHIPPED_PROFILES_DIR",
    "Agency",
    "AgencyKind",
    "ContactDetail",
    "ContactDetails",
    "Outcome",
    "OutcomeCode",
    "Problem",
    "Profile",
    "ProfileError",
    "DctCriteria",
    "Pathway",
    "RecentClosure",
    "Routing",
    "Team",
    "TeamKind",
    "ThresholdLevel",
    "ThresholdModel",
    "UnknownCodeError",
    "UnknownProfileError",
    "WrittenConfirmation",
    "active_profile",
    "available_profiles",
    "clear_profile_cache",
    "load_profile",
    "load_profile_file",
    "profile_dirs",
]

SHIPPED_PROFILES_DIR = Path(__file__).resolve().parent / "profiles"
PROFILE_SUFFIXES = (".yaml", ".yml")
WEEKDAY_NUMBERS = {
    name: number
    for number, name in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
}
# IN-2 channels that are not already in writing; only these can need written confirmation (IN-7).
SPOKEN_CHANNELS = frozenset({"telephone", "phone"})


class OutcomeCode(StrEnum):
    """The five outcomes of a contact (OU-1), the same codes in every profile."""

    NFA = "NFA"
    UNIVERSAL = "UNIVERSAL"
    EARLY_HELP = "EARLY_HELP"
    S17 = "S17"
    S47 = "S47"


class TeamKind(StrEnum):
    """What a team does, so that routing rules can name a kind rather than a local team."""

    MASH = "mash"
    DUTY_ASSESSMENT = "duty_assessment"
    LOCALITY = "locality"
    EARLY_HELP = "early_help"
    DCT = "dct"
    EDT = "edt"
    MISSING = "missing"
    DOMESTIC_ABUSE = "domestic_abuse"


# The teams whose social workers act on a case: an allocated worker's, or a s17 / s47 team's.
SOCIAL_WORK_TEAM_KINDS = frozenset(
    {TeamKind.DUTY_ASSESSMENT, TeamKind.LOCALITY, TeamKind.DCT, TeamKind.EDT}
)


class WrittenConfirmation(StrEnum):
    """Which telephone referrals must be confirmed in writing within TS-4 (IN-7)."""

    PROFESSIONAL_TELEPHONE = "professional_telephone"
    CHILD_PROTECTION_TELEPHONE = "child_protection_telephone"
    NONE = "none"


class UnknownCodeError(KeyError):
    """A code that the profile does not define; the message lists the codes it does."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class UnknownProfileError(ProfileError):
    """No profile of that name in the shipped folder or MASH_PROFILE_DIRS."""

    def __init__(self, name: str, available: Iterable[str]):
        self.name = name
        self.available = tuple(sorted(available))
        choices = ", ".join(self.available) or "(none found)"
        super().__init__(f"There is no policy profile called {name!r}. Choose one of: {choices}.")


@dataclass(frozen=True)
class ThresholdLevel:
    """One level of the local threshold model (SC-2), e.g. Northamptonshire level 4."""

    code: str
    label: str
    description: str
    meets_social_care_threshold: bool
    # Whether screening at this level asks partner agencies. None: as the threshold says
    # (SC-6: at the threshold, MASH checks). Rotherham sets it both ways (SC-7): its "MASH
    # information sharing" pathway is below the threshold and asks partners; its clearly met
    # "Duty & Assessment" goes straight to the duty team with no information sharing.
    information_sharing: bool | None = None

    @property
    def leads_to_checks(self) -> bool:
        """Whether screening at this level asks partner agencies (red or amber, SC-6, SC-7)."""
        if self.information_sharing is None:
            return self.meets_social_care_threshold
        return self.information_sharing


@dataclass(frozen=True)
class ThresholdModel:
    """The local threshold model (SC-2): its name, source and levels, lowest first."""

    name: str
    source: str
    levels: tuple[ThresholdLevel, ...]


@dataclass(frozen=True)
class Outcome:
    """An outcome (OU-1) with the local label and the plain sentence used in family letters."""

    code: OutcomeCode
    label: str
    family_sentence: str


class AgencyKind(StrEnum):
    """What an agency is (MA-1), so rules can name a kind: OU-2 needs police and health."""

    CHILDRENS_SOCIAL_CARE = "childrens_social_care"
    POLICE = "police"
    HEALTH = "health"
    AMBULANCE = "ambulance"
    EDUCATION = "education"
    EARLY_YEARS = "early_years"
    EARLY_HELP = "early_help"
    PROBATION = "probation"
    YOUTH_OFFENDING = "youth_offending"
    CAFCASS = "cafcass"
    HOUSING = "housing"
    ADULT_SOCIAL_CARE = "adult_social_care"
    FIRE = "fire"
    DOMESTIC_ABUSE = "domestic_abuse"
    SUBSTANCE_MISUSE = "substance_misuse"
    VOLUNTARY = "voluntary"
    PRIVATE_PROVIDER = "private_provider"
    OTHER_LOCAL_AUTHORITY = "other_local_authority"


@dataclass(frozen=True)
class Agency:
    """A partner agency (MA-1); checks of a co-located agency need no consent (CO-3)."""

    code: str
    kind: AgencyKind
    name: str
    co_located: bool
    childrens_social_care: bool = False


@dataclass(frozen=True)
class Team:
    """A team a contact can be passed to."""

    code: str
    name: str
    kind: TeamKind


@dataclass(frozen=True)
class RecentClosure:
    """TS-10 routing: a new concern within the window goes back to a team of these kinds.

    ``measured_from`` is "allocation" (Rotherham: allocated within the last 12 weeks) or
    "closure" (Calderdale: closed to the Locality or DCT within 3 months).
    """

    measured_from: str
    team_kinds: frozenset[TeamKind]
    source: str
    quote: Quote | None = None


@dataclass(frozen=True)
class Routing:
    """Where a contact about an open case goes on arrival (IN-6, SC-7).

    ``open_to_social_care`` is "allocated_worker" or "mash_screening";
    ``open_to_early_help`` is "named_worker_unless_harm" (Rotherham, SC-7) or "mash_screening".
    """

    open_to_social_care: str
    open_to_social_care_rule: str
    open_to_social_care_quote: Quote
    open_to_early_help: str
    open_to_early_help_rule: str
    open_to_early_help_quote: Quote
    default_quote: Quote


@dataclass(frozen=True)
class DctCriteria:
    """SC-8: the Disabled Children's Team's eligibility criteria, as data.

    Eligible when every criterion of any one set in ``eligible_when`` is met.
    """

    criteria: tuple[tuple[str, str], ...]
    eligible_when: tuple[frozenset[str], ...]

    def is_eligible(self, met: Iterable[str]) -> bool:
        met = frozenset(met)
        return any(needed <= met for needed in self.eligible_when)

    def label(self, code: str) -> str:
        return dict(self.criteria).get(code, code)


@dataclass(frozen=True)
class Pathway:
    """A special pathway switched on in the profile (SP-1 to SP-4, SC-8, OU-6)."""

    rule_id: str
    quote: Quote
    team: str = ""  # the team that works it: SP-1's review desk, SP-2's coordinators, SC-8's DCT
    dct: DctCriteria | None = None  # SC-8 only
    region: str = ""  # OU-6: e.g. South Yorkshire, where the originating authority leads
    region_authorities: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContactDetail:
    """One contact detail for letters; ``placeholder`` marks a fictional value to replace."""

    value: str
    placeholder: bool
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class ContactDetails:
    """What letters tell families and referrers (OU-4): phones, address, complaints, advocacy."""

    mash_phone: ContactDetail
    out_of_hours_phone: ContactDetail
    email: ContactDetail
    postal_address: ContactDetail
    complaints: ContactDetail
    advocacy: ContactDetail


@dataclass(frozen=True)
class Profile:
    """One authority's policy profile, loaded and checked (see the module docstring)."""

    id: str
    authority: str
    service_name: str
    calendar: WorkingCalendar
    threshold_model: ThresholdModel
    outcomes: tuple[Outcome, ...]
    timescales: tuple[ClockRule, ...]
    written_confirmation: WrittenConfirmation
    recent_closure: RecentClosure | None
    agencies: tuple[Agency, ...]
    teams: tuple[Team, ...]
    routing: Routing
    pathways: tuple[Pathway, ...]
    quotes: tuple[tuple[str, Quote], ...]
    information_sharing_agreement: ContactDetail
    contact: ContactDetails
    path: Path = field(compare=False)
    # The DfE local authority number (3 digits) the CIN census names as its source; "" when
    # the profile does not give one (the census then refuses to export, saying so).
    dfe_la_number: str = ""

    def clock(self, rule_id: str) -> ClockRule | None:
        """The timescale ``rule_id`` (TS-1 to TS-12) in this profile, or None if it has none."""
        return next((rule for rule in self.timescales if rule.rule_id == rule_id), None)

    def threshold_level(self, code: str) -> ThresholdLevel:
        """The threshold level (SC-2) with this code; UnknownCodeError if there is none."""
        return _find(self.threshold_model.levels, code, "threshold level", self.id)

    def outcome(self, code: str) -> Outcome:
        """The outcome (OU-1) with this code (NFA, UNIVERSAL, EARLY_HELP, S17, S47)."""
        return _find(self.outcomes, code, "outcome", self.id)

    def agency(self, code: str) -> Agency:
        """The partner agency (MA-1) with this code; UnknownCodeError if there is none."""
        return _find(self.agencies, code, "agency", self.id)

    def team(self, code: str) -> Team:
        """The team with this code; UnknownCodeError if there is none."""
        return _find(self.teams, code, "team", self.id)

    def teams_of_kind(self, kind: TeamKind | str) -> tuple[Team, ...]:
        """The teams of one kind, in profile order (e.g. the MASH team, TS-10's locality teams)."""
        return tuple(team for team in self.teams if team.kind == kind)

    def has_pathway(self, pathway: str) -> bool:
        """Whether a special pathway (SP-1 to SP-4, SC-8, OU-6) is on in this profile."""
        return self.pathway(pathway) is not None

    def pathway(self, rule_id: str) -> Pathway | None:
        """The pathway's settings, or None where the profile does not have it on."""
        return next((p for p in self.pathways if p.rule_id == rule_id), None)

    @property
    def special_pathways(self) -> frozenset[str]:
        return frozenset(p.rule_id for p in self.pathways)

    def quote(self, rule_id: str) -> Quote | None:
        """The seed's words for ``rule_id`` in this profile, where the profile gives them."""
        pathway = self.pathway(rule_id)
        if pathway is not None:
            return pathway.quote
        if rule_id == "TS-10" and self.recent_closure is not None:
            return self.recent_closure.quote
        return dict(self.quotes).get(rule_id)

    def written_confirmation_applies(
        self, channel: str, referrer_is_professional: bool, child_protection_concern: bool
    ) -> bool:
        """Whether a referral must be confirmed in writing within TS-4 (IN-7).

        Only spoken referrals (``channel`` "telephone") from professionals qualify; Calderdale
        asks only when there is a child protection concern; Rotherham never asks.
        """
        spoken = channel.strip().lower() in SPOKEN_CHANNELS
        if not (spoken and referrer_is_professional):
            return False
        if self.written_confirmation is WrittenConfirmation.CHILD_PROTECTION_TELEPHONE:
            return child_protection_concern
        return self.written_confirmation is WrittenConfirmation.PROFESSIONAL_TELEPHONE


_Coded = TypeVar("_Coded", ThresholdLevel, Outcome, Agency, Team)


def _find(items: tuple[_Coded, ...], code: str, what: str, profile_id: str) -> _Coded:
    for item in items:
        if item.code == code:
            return item
    codes = ", ".join(item.code for item in items)
    raise UnknownCodeError(f"The {profile_id} profile has no {what} {code!r}; it has: {codes}.")


# --------------------------------------------------------------------------- finding profiles


def profile_dirs() -> tuple[Path, ...]:
    """The folders searched for profiles: the shipped one, then settings.MASH_PROFILE_DIRS."""
    extra: Any = getattr(settings, "MASH_PROFILE_DIRS", ()) if settings.configured else ()
    if isinstance(extra, str | Path):
        extra = [extra]
    return (SHIPPED_PROFILES_DIR, *(Path(folder) for folder in extra if folder))


def available_profiles() -> dict[str, Path]:
    """Profile names and their files, sorted by name; a later folder wins on a shared name."""
    found: dict[str, Path] = {}
    for folder in profile_dirs():
        if folder.is_dir():
            found.update(
                (path.stem, path)
                for path in sorted(folder.iterdir())
                if path.suffix in PROFILE_SUFFIXES and path.is_file()
            )
    return dict(sorted(found.items()))


def load_profile(name: str) -> Profile:
    """Load and check the profile called ``name``; UnknownProfileError or ProfileError if bad."""
    profiles = available_profiles()
    if name not in profiles:
        raise UnknownProfileError(name, profiles)
    return load_profile_file(profiles[name])


def load_profile_file(path: Path) -> Profile:
    """Load and check one profile file (schema, then semantic checks); ProfileError if bad."""
    data = read_profile_data(path)
    validate_profile_data(data, path.name)
    return _build_profile(data, path)


@functools.cache
def active_profile() -> Profile:
    """The deployment's profile (settings.MASH_PROFILE), loaded once and then cached."""
    return load_profile(settings.MASH_PROFILE)


@functools.cache
def profile_named(name: str) -> Profile:
    """``load_profile(name)``, loaded once per process: for contacts received under ``name``."""
    return load_profile(name)


def clear_profile_cache() -> None:
    """Forget the cached profiles (tests, or after editing a profile file)."""
    active_profile.cache_clear()
    profile_named.cache_clear()


@receiver(setting_changed)
def _forget_profile_on_setting_change(sender: object, setting: str, **kwargs: object) -> None:
    if setting in {"MASH_PROFILE", "MASH_PROFILE_DIRS"}:
        clear_profile_cache()


# --------------------------------------------------------------------------- building


def _build_profile(data: Data, path: Path) -> Profile:
    return Profile(
        id=data["id"],
        authority=data["authority"],
        service_name=data["service_name"],
        calendar=_calendar(data["office_hours"]),
        threshold_model=_threshold_model(data["threshold_model"]),
        outcomes=_outcomes(data["outcomes"]),
        timescales=tuple(
            clock_rule(rule_id, spec)
            for rule_id, spec in sorted(data["timescales"].items(), key=_rule_number)
        ),
        written_confirmation=WrittenConfirmation(data["written_confirmation"]),
        recent_closure=_recent_closure(data["recent_closure"]),
        agencies=tuple(
            Agency(**{**agency, "kind": AgencyKind(agency["kind"])}) for agency in data["agencies"]
        ),
        teams=tuple(Team(t["code"], t["name"], TeamKind(t["kind"])) for t in data["teams"]),
        routing=_routing(data["routing"]),
        pathways=tuple(_pathway(rule_id, spec) for rule_id, spec in data["pathways"].items()),
        quotes=tuple((rule_id, _quote(spec)) for rule_id, spec in data.get("quotes", {}).items()),
        information_sharing_agreement=ContactDetail(**data["information_sharing_agreement"]),
        contact=ContactDetails(
            **{key: ContactDetail(**detail) for key, detail in data["contact"].items()}
        ),
        path=path,
        dfe_la_number=data.get("dfe_la_number", ""),
    )


def _outcomes(specs: Data) -> tuple[Outcome, ...]:
    """In OU-1 order, whatever the order in the file."""
    return tuple(
        Outcome(code, specs[code.value]["label"], specs[code.value]["family_sentence"])
        for code in OutcomeCode
    )


def _rule_number(item: tuple[str, Any]) -> int:
    return int(item[0].removeprefix("TS-"))


def _calendar(hours: Data) -> WorkingCalendar:
    return WorkingCalendar(
        opens=time.fromisoformat(hours["opens"]),
        closes=time.fromisoformat(hours["closes"]),
        weekdays=frozenset(WEEKDAY_NUMBERS[day] for day in hours["weekdays"]),
        closures=frozenset(date.fromisoformat(day) for day in hours["closures"]),
    )


def _threshold_model(model: Data) -> ThresholdModel:
    return ThresholdModel(
        name=model["name"],
        source=model["source"],
        levels=tuple(ThresholdLevel(**level) for level in model["levels"]),
    )


def _recent_closure(spec: Data | None) -> RecentClosure | None:
    if spec is None:
        return None
    return RecentClosure(
        measured_from=spec["measured_from"],
        team_kinds=frozenset(TeamKind(kind) for kind in spec["team_kinds"]),
        source=spec["source"],
        quote=_quote(spec["quote"]) if "quote" in spec else None,
    )


def _quote(spec: Data) -> Quote:
    return Quote(ref=spec["ref"], text=" ".join(spec.get("text", "").split()))


def _routing(spec: Data) -> Routing:
    social, early = spec["open_to_social_care"], spec["open_to_early_help"]
    return Routing(
        open_to_social_care=social["route"],
        open_to_social_care_rule=social["rule"],
        open_to_social_care_quote=_quote(social["quote"]),
        open_to_early_help=early["route"],
        open_to_early_help_rule=early["rule"],
        open_to_early_help_quote=_quote(early["quote"]),
        default_quote=_quote(spec["default"]["quote"]),
    )


def _pathway(rule_id: str, spec: Data) -> Pathway:
    dct = None
    if "criteria" in spec:
        dct = DctCriteria(
            criteria=tuple((c["code"], c["label"]) for c in spec["criteria"]),
            eligible_when=tuple(frozenset(group) for group in spec["eligible_when"]),
        )
    return Pathway(
        rule_id=rule_id,
        quote=_quote(spec["quote"]),
        team=spec.get("team", ""),
        dct=dct,
        region=spec.get("region", ""),
        region_authorities=tuple(spec.get("region_authorities", ())),
    )
