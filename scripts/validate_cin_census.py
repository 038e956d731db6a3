#!/usr/bin/env python3
"""Check a CIN census XML file with the community XSD and D2I's csc-validator-be-cin.

Runs in its own virtual environment (the validator pins pandas<2 and numpy<2), made by
`make validate-returns`:

    .venv-cinval/bin/python scripts/validate_cin_census.py FILE.xml [--allow 2887Q,8675Q]

Fails (exit 1) on any XSD error, any child-level validator error, any "Error with rule"
(a rule that crashed is otherwise silently treated as passed: statutory-returns.md §2.1),
and any query, child-level or return-level, not in the --allow list. Prints one JSON line
with the counts; the details go to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import sys
import warnings
import xml.etree.ElementTree as ET  # our own export, checked in CI  # nosec B405
from pathlib import Path

SCHEMAS = Path(__file__).resolve().parents[1] / "mash" / "returns" / "xsd"


def _ruleset(year: int) -> str:
    """cin2025_26 for the 2026 collection; 2026-27 and later use the newest shipped."""
    year = min(year, 2027)
    return f"cin{year - 1}_{year % 100:02d}"


def xsd_errors(path: Path, year: int) -> list[str]:
    import xmlschema

    schema = xmlschema.XMLSchema(str(SCHEMAS / f"CIN_schema_{min(year, 2026)}.xsd"))
    return [f"{error.path}: {error.reason}" for error in schema.iter_errors(str(path))]


def validator_issues(root: ET.Element, year: int) -> tuple[list[dict], list[str], list[str]]:
    """(child-level issues, return-level rule codes, crashed rules) from the validator."""
    from cin_validator import cin_validator as cv

    registry = importlib.import_module(f"cin_validator.rules.{_ruleset(year)}").registry
    printed = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(printed):
        warnings.simplefilter("ignore")
        data = cv.process_data(cv.convert_data(root))
        validator = cv.CinValidator(data, registry)
    crashes = [line for line in printed.getvalue().splitlines() if "Error with rule" in line]
    report = validator.user_report
    issues = [
        {
            "rule": str(row["rule_code"]),
            "child": str(row["LAchildID"]),
            "where": f"{row['tables_affected']}.{row['columns_affected']}",
            "description": str(row["rule_description"]),
        }
        for _, row in report.iterrows()
    ]
    return_level = sorted({str(code) for code in validator.multichild_issues["rule_code"]})
    return issues, return_level, crashes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument(
        "--allow",
        default="",
        help="comma-separated queries that may appear, e.g. 2887Q (fewer than 8 disability "
        "codes: every small file has it)",
    )
    parser.add_argument(
        "--allow-empty",
        action="store_true",
        help="a file with no children is reported as skipped rather than failed",
    )
    args = parser.parse_args(argv)
    allowed = {code.strip() for code in args.allow.split(",") if code.strip()}
    root = ET.parse(args.file).getroot()  # noqa: S314 - our own export  # nosec B314
    year = int(root.findtext("Header/CollectionDetails/Year") or 0)
    children = len(root.findall("Children/Child"))
    result: dict = {"file": str(args.file), "year": year, "children": children}
    if children == 0 and args.allow_empty:
        print(json.dumps(result | {"ok": True, "skipped": "no children in this census"}))
        return 0
    schema = xsd_errors(args.file, year)
    issues, return_level, crashes = validator_issues(root, year)
    errors = [i for i in issues if not i["rule"].endswith("Q")]
    queries = [i for i in issues if i["rule"].endswith("Q")]
    unexpected = sorted(
        {i["rule"] for i in queries if i["rule"] not in allowed}
        | {code for code in return_level if code not in allowed}
    )
    for line in schema:
        print(f"XSD: {line}", file=sys.stderr)
    for issue in issues:
        print(
            f"{issue['rule']} {issue['child']} {issue['where']}: {issue['description']}",
            file=sys.stderr,
        )
    for line in crashes:
        print(f"CRASH: {line}", file=sys.stderr)
    ok = not schema and not errors and not crashes and not unexpected
    result |= {
        "ruleset": _ruleset(year),
        "xsd_errors": len(schema),
        "errors": len(errors),
        "queries": len(queries),
        "return_level": return_level,
        "crashed_rules": len(crashes),
        "unexpected_queries": unexpected,
        "ok": ok,
    }
    print(json.dumps(result))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
