"""Dependency audit: `pip-audit --strict` against live advisory data, or a loud failure.

    .venv/bin/python scripts/audit_dependencies.py [--service pypi|osv] [--osv-url URL]

Audits the pins in requirements.txt and requirements-dev.txt as written (`--no-deps`), then
the installed environment as `pip freeze` lists it (every transitive dependency). First it
checks that the advisory service answers a real query; if not, nothing is audited and it
says so. With the result it prints which service answered and when the data was fetched (a
fresh cache, so the data is never older than the run). See docs/security.md.

Exit status: 0 audited, no known vulnerabilities; 1 vulnerabilities found, or a dependency
could not be audited; 3 the advisory service could not be reached: NOT audited.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REQUIREMENTS = [REPO / "requirements.txt", REPO / "requirements-dev.txt"]
PYPI_JSON = "https://pypi.org/pypi"  # the endpoint pip-audit's PyPI service queries
OSV_QUERY = "https://api.osv.dev/v1/query"
# A pin we ship, to ask about: the service must know the exact release we run.
PROBE = ("Django", "5.2.19")
# Advisories reviewed and accepted: id → dated reason (copied into docs/security.md).
IGNORED: dict[str, str] = {}
AUDITED, VULNERABLE, UNAVAILABLE = 0, 1, 3


class ServiceUnavailable(Exception):
    """The advisory service did not answer a real query: nothing can be audited."""


def _fetch(url: str, *, timeout: float, body: bytes | None = None) -> object:
    """The service's JSON answer, or ServiceUnavailable saying what went wrong."""
    if urllib.parse.urlsplit(url).scheme not in {"https", "http"}:
        raise ServiceUnavailable(f"{url} is not an http(s) URL")
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310 - checked above
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  # nosec B310
            return json.load(response)
    except urllib.error.HTTPError as exc:
        hint = " (this PyPI does not serve per-release JSON: a cache or mirror?)"
        raise ServiceUnavailable(
            f"{url} answered HTTP {exc.code}{hint if exc.code == 404 else ''}"
        ) from exc
    except (OSError, ValueError) as exc:
        raise ServiceUnavailable(f"{url} could not be reached: {exc}") from exc


def check_pypi(base: str = PYPI_JSON, *, timeout: float = 15) -> str:
    """PyPI's per-release JSON must answer with its `vulnerabilities` list."""
    name, version = PROBE
    url = f"{base}/{name}/{version}/json"
    found = _fetch(url, timeout=timeout)
    if not isinstance(found, dict) or "vulnerabilities" not in found:
        raise ServiceUnavailable(f"{url} answered without a vulnerabilities list")
    return f"PyPI JSON API ({base}/<project>/<version>/json)"


def check_osv(url: str = OSV_QUERY, *, timeout: float = 15) -> str:
    """OSV must answer a query about one of our pins."""
    name, version = PROBE
    body = json.dumps({"package": {"name": name, "ecosystem": "PyPI"}, "version": version})
    if not isinstance(_fetch(url, timeout=timeout, body=body.encode()), dict):
        raise ServiceUnavailable(f"{url} did not answer with an OSV result")
    return f"OSV ({url})"


def _pip_audit(service: str, osv_url: str | None, cache: str, *args: str) -> int:
    command = [sys.executable, "-m", "pip_audit", "--strict", "--progress-spinner", "off"]
    command += ["--vulnerability-service", service, "--cache-dir", cache, *args]
    if osv_url:
        command += ["--osv-url", osv_url]
    for vulnerability in IGNORED:
        command += ["--ignore-vuln", vulnerability]
    print("$", " ".join(command[1:]), flush=True)
    return subprocess.run(command, cwd=REPO, check=False).returncode  # noqa: S603  # nosec B603


def _installed(folder: str) -> str:
    """The installed environment as pins (this project's own editable install left out)."""
    frozen = subprocess.run(  # noqa: S603  # nosec B603
        [sys.executable, "-m", "pip", "freeze", "--all", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = Path(folder) / "installed.txt"
    path.write_text(frozen)
    return str(path)


def audit(service: str, osv_url: str | None) -> int:
    """Both audits with a fresh cache; the first failure is reported, none is hidden."""
    with tempfile.TemporaryDirectory(prefix="pip-audit-") as folder:
        cache = str(Path(folder) / "cache")
        requirements = [arg for path in REQUIREMENTS for arg in ("-r", str(path))]
        exact = ("--no-deps", "--disable-pip")
        pins = _pip_audit(service, osv_url, cache, *exact, *requirements)
        installed = _pip_audit(service, osv_url, cache, *exact, "-r", _installed(folder))
    return AUDITED if pins == installed == 0 else VULNERABLE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--service", choices=["pypi", "osv"], default="pypi")
    parser.add_argument("--osv-url", help="an OSV-compatible query URL (a mirror)")
    parser.add_argument("--timeout", type=float, default=15)
    options = parser.parse_args(argv)
    started = datetime.now(UTC)
    try:
        if options.service == "osv":
            source = check_osv(options.osv_url or OSV_QUERY, timeout=options.timeout)
        else:
            source = check_pypi(timeout=options.timeout)
    except ServiceUnavailable as exc:
        print(
            "DEPENDENCY AUDIT NOT DONE: the vulnerability advisory service could not be used, "
            f"so no dependency was checked. This is not a pass.\n  {exc}\n"
            "  Run again with network access to pypi.org (or --service osv [--osv-url URL]).",
            file=sys.stderr,
        )
        return UNAVAILABLE
    print(f"Advisory service: {source}")
    for vulnerability, reason in IGNORED.items():
        print(f"Ignoring {vulnerability}: {reason}")
    result = audit(options.service, options.osv_url)
    verdict = (
        "no known vulnerabilities"
        if result == AUDITED
        else "FAILED: a vulnerability was found or a dependency could not be audited (above)"
    )
    print(
        f"Dependency audit: {verdict}. Advisory data fetched live from {source} "
        f"at {started:%Y-%m-%d %H:%M:%S} UTC (fresh cache, nothing reused)."
    )
    return result


if __name__ == "__main__":
    sys.exit(main())
