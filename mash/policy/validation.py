"""Reading and checking policy profile files, with plain-English problems.

A profile is checked in two passes: the JSON Schema (``profile.schema.json``) for shape and
types, then semantic checks that a schema cannot express (unique codes, office hours that close
after they open, timescales that fit their kind, settings that agree with each other). Every
problem names the path of the bad value, e.g. ``timescales.TS-2.kind``, so that the person
editing the YAML can find it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, ValidationError

from mash.workdays.clocks import ClockKind, ClockRule

__all__ = ["SCHEMA_PATH", "Problem", "ProfileError", "read_profile_data", "validate_profile_data"]

SCHEMA_PATH = Path(__file__).resolve().parent / "profile.schema.json"

Data = Mapping[str, Any]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a profile: where (a path such as ``agencies[2].code``) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '(top level)'}: {self.message}"


class ProfileError(Exception):
    """A policy profile that cannot be used, explained in plain English.

    ``str(error)`` gives one line per problem: "calderdale.yaml: timescales.TS-2.kind:
    'workinghours' is not one of: working_hours, ...".
    """

    def __init__(self, message: str, *, filename: str = "", problems: Sequence[Problem] = ()):
        super().__init__(message)
        self.filename = filename
        self.problems = tuple(problems)

    @classmethod
    def in_file(cls, filename: str, problems: Sequence[Problem]) -> ProfileError:
        """An error listing every problem found in one file, each prefixed with the file name."""
        message = "\n".join(f"{filename}: {problem}" for problem in problems)
        return cls(message, filename=filename, problems=problems)


# --------------------------------------------------------------------------- reading YAML


class _ProfileLoader(yaml.SafeLoader):
    """YAML 1.1 without its surprises: '17:00' stays text (not 1020 minutes), dates stay text
    (checked by the schema), and a key given twice is an error rather than silently replaced.
    """


_INT = "tag:yaml.org,2002:int"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_ProfileLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_INT, _TIMESTAMP)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_ProfileLoader.add_implicit_resolver(
    _INT,
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)


def _construct_unique_mapping(loader: _ProfileLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: list[Any] = []  # a list, as an unhashable key is reported by construct_mapping
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} is given twice", key_node.start_mark
            )
        seen.append(key)
    return loader.construct_mapping(node)


_ProfileLoader.add_constructor("tag:yaml.org,2002:map", _construct_unique_mapping)


def read_profile_data(path: Path) -> Any:
    """Parse a profile file's YAML; unreadable files and YAML errors become ProfileError."""
    try:
        text = path.read_text(encoding="utf-8")
        return yaml.load(text, Loader=_ProfileLoader)  # noqa: S506 - a SafeLoader subclass  # nosec B506
    except OSError as exc:
        problem = Problem("", f"cannot be read ({exc.strerror})")
        raise ProfileError.in_file(path.name, [problem]) from exc
    except UnicodeDecodeError:
        raise ProfileError.in_file(path.name, [Problem("", "is not UTF-8 text")]) from None
    except yaml.MarkedYAMLError as exc:
        raise ProfileError.in_file(path.name, [_yaml_problem(exc)]) from None


def _yaml_problem(exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    what = " ".join(part for part in (exc.context, exc.problem) if part)
    return Problem(where, f"not valid YAML: {what}")


# --------------------------------------------------------------------------- validating


def validate_profile_data(data: Any, filename: str) -> None:
    """Check parsed profile data against the schema, then semantically (see module docstring).

    ``filename`` (e.g. ``calderdale.yaml``) names the file in messages; its stem must equal the
    profile's ``id``. Raises ProfileError listing every problem found.
    """
    if not isinstance(data, Mapping):
        found = "empty" if data is None else f"{_show(data)}"
        message = f"expected a mapping of keys to values (id, authority, ...), found {found}"
        raise ProfileError.in_file(filename, [Problem("", message)])
    problems = schema_problems(data)
    if not problems:
        problems = semantic_problems(data, Path(filename).stem)
    if problems:
        raise ProfileError.in_file(filename, problems)


@functools.cache
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_problems(data: Data) -> list[Problem]:
    """Every schema violation, as plain-English problems in file order of their paths."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    return [_schema_problem(error) for error in errors]


def _schema_problem(error: ValidationError) -> Problem:
    path = format_path(error.absolute_path)
    if error.validator == "required":
        key = _quoted_name(error.message)
        return Problem(_join_path(path, key), "is missing; this key is required")
    explain = _EXPLAINERS.get(str(error.validator))
    return Problem(path, explain(error) if explain else error.message)


def format_path(parts: Iterable[str | int]) -> str:
    """``['agencies', 2, 'code']`` -> ``'agencies[2].code'``."""
    text = ""
    for part in parts:
        text = f"{text}[{part}]" if isinstance(part, int) else _join_path(text, part)
    return text


def _join_path(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _quoted_name(message: str) -> str:
    match = re.match(r"^'(.*)' is a required property$", message)
    return match.group(1) if match else message


_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of keys to values",
    "null": "null (nothing)",
}


def _show(value: object) -> str:
    """A value as the YAML author wrote it: 'text' quoted, true/false, null, a list..."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null (nothing)"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _explain_type(error: ValidationError) -> str:
    expected = error.validator_value
    names = [expected] if isinstance(expected, str) else list(expected)
    wanted = " or ".join(_TYPE_WORDS.get(name, name) for name in names)
    return f"expected {wanted}, found {_show(error.instance)}"


def _explain_enum(error: ValidationError) -> str:
    choices = ", ".join(str(choice) for choice in error.validator_value)
    return f"{_show(error.instance)} is not one of: {choices}"


def _explain_additional(error: ValidationError) -> str:
    allowed = list(error.schema.get("properties", {}))
    extra = sorted(set(error.instance) - set(allowed), key=str)
    return f"unknown key {', '.join(map(repr, extra))}; the keys allowed here are: " + ", ".join(
        allowed
    )


def _explain_pattern(error: ValidationError) -> str:
    wanted = error.schema.get("description", f"in the form {error.validator_value}")
    return f"{_show(error.instance)} is not {wanted}"


def _explain_unique(error: ValidationError) -> str:
    items = list(error.instance)
    repeated = next((item for i, item in enumerate(items) if item in items[:i]), None)
    return f"{_show(repeated)} is listed twice"


_EXPLAINERS: dict[str, Callable[[ValidationError], str]] = {
    "type": _explain_type,
    "enum": _explain_enum,
    "additionalProperties": _explain_additional,
    "pattern": _explain_pattern,
    "uniqueItems": _explain_unique,
    "minimum": lambda e: (
        f"{_show(e.instance)} is too small; the least allowed is {e.validator_value}"
    ),
    "minItems": lambda e: f"the list needs at least {e.validator_value} item(s)",
    "minLength": lambda e: "is empty; give some text",
}


# --------------------------------------------------------------------------- semantic checks
# Each check takes schema-valid data and yields problems.


def _check_id(data: Data, stem: str) -> Iterator[Problem]:
    if data["id"] != stem:
        yield Problem(
            "id", f"{data['id']!r} does not match the file name {stem!r}; make them equal"
        )


def _check_office_hours(data: Data, stem: str) -> Iterator[Problem]:
    hours = data["office_hours"]
    opens, closes = time.fromisoformat(hours["opens"]), time.fromisoformat(hours["closes"])
    if closes <= opens:
        yield Problem(
            "office_hours.closes",
            f"{hours['closes']!r} is not after opens {hours['opens']!r}; "
            "office hours must close after they open, on the same day",
        )
    for index, text in enumerate(hours["closures"]):
        try:
            date.fromisoformat(text)
        except ValueError:
            yield Problem(f"office_hours.closures[{index}]", f"{text!r} is not a real date")


def _check_unique_codes(data: Data, stem: str) -> Iterator[Problem]:
    for path, items in (
        ("threshold_model.levels", data["threshold_model"]["levels"]),
        ("agencies", data["agencies"]),
        ("teams", data["teams"]),
    ):
        first_at: dict[str, int] = {}
        for index, item in enumerate(items):
            code = item["code"]
            if code in first_at:
                yield Problem(
                    f"{path}[{index}].code",
                    f"{code!r} is used twice (also at {path}[{first_at[code]}]); "
                    "codes must be unique",
                )
            first_at.setdefault(code, index)


def _check_threshold_levels(data: Data, stem: str) -> Iterator[Problem]:
    meets = {level["meets_social_care_threshold"] for level in data["threshold_model"]["levels"]}
    if meets != {True, False}:
        yield Problem(
            "threshold_model.levels",
            "needs levels both below and at the social care threshold "
            "(meets_social_care_threshold false and true), to tell SC-5 from SC-6",
        )


def _check_timescale_amounts(data: Data, stem: str) -> Iterator[Problem]:
    for rule_id, spec in data["timescales"].items():
        kind = ClockKind(spec["kind"])
        amount = spec.get("amount")
        if kind is ClockKind.NEXT_WORKING_DAY and amount is not None:
            yield Problem(f"timescales.{rule_id}.amount", "'next_working_day' takes no amount")
        elif kind is not ClockKind.NEXT_WORKING_DAY and amount is None:
            yield Problem(
                f"timescales.{rule_id}.amount",
                f"is missing; {kind.value!r} needs a whole number of 1 or more",
            )


def _check_written_confirmation(data: Data, stem: str) -> Iterator[Problem]:
    yield from _paired(data, "written_confirmation", data["written_confirmation"] != "none", "TS-4")


def _check_recent_closure(data: Data, stem: str) -> Iterator[Problem]:
    closure = data["recent_closure"]
    yield from _paired(data, "recent_closure", closure is not None, "TS-10")
    kinds = {team["kind"] for team in data["teams"]}
    for index, kind in enumerate(closure["team_kinds"] if closure else ()):
        if kind not in kinds:
            yield Problem(f"recent_closure.team_kinds[{index}]", f"no team has kind {kind!r}")


def _paired(data: Data, key: str, enabled: bool, rule_id: str) -> Iterator[Problem]:
    """A setting and the timescale that serves it must be given together or not at all."""
    has_rule = rule_id in data["timescales"]
    if enabled and not has_rule:
        yield Problem("timescales", f"{rule_id} is missing; {key} needs its clock")
    elif has_rule and not enabled:
        yield Problem(
            f"timescales.{rule_id}",
            f"would never start because {key} is {_show(data[key])}; remove one or the other",
        )


def _check_teams(data: Data, stem: str) -> Iterator[Problem]:
    kinds = {team["kind"] for team in data["teams"]}
    if "mash" not in kinds:
        yield Problem("teams", "no team has kind 'mash'; the front door needs one")


# The kind of team each pathway's `team` must be.
_PATHWAY_TEAM_KINDS = {"SP-1": ("domestic_abuse", "mash"), "SP-2": ("missing",), "SC-8": ("dct",)}


def _check_pathway_teams(data: Data, stem: str) -> Iterator[Problem]:
    teams = {team["code"]: team["kind"] for team in data["teams"]}
    for rule_id, kinds in _PATHWAY_TEAM_KINDS.items():
        spec = data["pathways"].get(rule_id)
        if spec is None:
            continue
        code = spec["team"]
        if code not in teams:
            yield Problem(f"pathways.{rule_id}.team", f"no team has code {code!r}")
        elif teams[code] not in kinds:
            yield Problem(
                f"pathways.{rule_id}.team",
                f"{code!r} is a {teams[code]!r} team; {rule_id} needs one of kind "
                + " or ".join(repr(kind) for kind in kinds),
            )


def _check_dct_criteria(data: Data, stem: str) -> Iterator[Problem]:
    spec = data["pathways"].get("SC-8")
    if spec is None:
        return
    codes = [criterion["code"] for criterion in spec["criteria"]]
    if len(set(codes)) != len(codes):
        yield Problem("pathways.SC-8.criteria", "two criteria share a code")
    for index, group in enumerate(spec["eligible_when"]):
        unknown = [code for code in group if code not in codes]
        if unknown:
            yield Problem(
                f"pathways.SC-8.eligible_when[{index}]",
                f"names criteria that are not listed: {', '.join(unknown)}",
            )


def _check_pathway_clocks(data: Data, stem: str) -> Iterator[Problem]:
    """A pathway's clocks must be in the timescales: SP-1 needs TS-6 and TS-7, OU-6 TS-9."""
    for rule_id, clocks in (("SP-1", ("TS-6", "TS-7")), ("OU-6", ("TS-9",))):
        if rule_id not in data["pathways"]:
            continue
        missing = [rule for rule in clocks if rule not in data["timescales"]]
        if missing:
            yield Problem(
                f"pathways.{rule_id}",
                f"needs the timescales {' and '.join(clocks)}; missing: {', '.join(missing)}",
            )


def _check_social_care_agency(data: Data, stem: str) -> Iterator[Problem]:
    marked = [a["code"] for a in data["agencies"] if a.get("childrens_social_care", False)]
    if len(marked) != 1:
        found = ", ".join(marked) if marked else "none"
        yield Problem(
            "agencies",
            f"exactly one agency must have childrens_social_care: true (found {found})",
        )
        return
    for index, agency in enumerate(data["agencies"]):
        is_csc = agency.get("childrens_social_care", False)
        if is_csc != (agency["kind"] == "childrens_social_care"):
            yield Problem(
                f"agencies[{index}].kind",
                "kind 'childrens_social_care' belongs to the agency marked "
                "childrens_social_care: true, and only to it",
            )


def _check_strategy_quorum_agencies(data: Data, stem: str) -> Iterator[Problem]:
    """OU-2: a strategy meeting is quorate only with police and health, so both must exist."""
    kinds = {agency["kind"] for agency in data["agencies"]}
    missing = [kind for kind in ("police", "health") if kind not in kinds]
    if missing:
        yield Problem(
            "agencies",
            f"needs an agency of kind {' and '.join(repr(k) for k in missing)}: a strategy "
            "meeting is quorate only with police and health (OU-2)",
        )


def _check_contact_sources(data: Data, stem: str) -> Iterator[Problem]:
    details = [(f"contact.{key}", detail) for key, detail in data["contact"].items()]
    details.append(("information_sharing_agreement", data["information_sharing_agreement"]))
    for path, detail in details:
        if not detail["placeholder"] and "source" not in detail:
            yield Problem(
                f"{path}.source",
                "is missing; a value that is not a placeholder must cite the document it "
                "comes from",
            )


_SEMANTIC_CHECKS: tuple[Callable[[Data, str], Iterator[Problem]], ...] = (
    _check_id,
    _check_office_hours,
    _check_unique_codes,
    _check_threshold_levels,
    _check_timescale_amounts,
    _check_written_confirmation,
    _check_recent_closure,
    _check_teams,
    _check_pathway_teams,
    _check_dct_criteria,
    _check_pathway_clocks,
    _check_social_care_agency,
    _check_strategy_quorum_agencies,
    _check_contact_sources,
)


def semantic_problems(data: Data, stem: str) -> list[Problem]:
    """Problems the schema cannot see; ``data`` must already pass the schema."""
    return [problem for check in _SEMANTIC_CHECKS for problem in check(data, stem)]


def clock_rule(rule_id: str, spec: Data) -> ClockRule:
    """The workdays ClockRule for one validated ``timescales`` entry."""
    amount = spec.get("amount")
    return ClockRule(
        rule_id=rule_id,
        kind=ClockKind(spec["kind"]),
        amount=None if amount is None else int(amount),
        label=spec["label"],
        source=spec["source"],
    )
