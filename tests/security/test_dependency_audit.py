"""The dependency audit never reports a false pass (issue 6 §5, scripts/audit_dependencies.py).

No test here uses the network: an unreachable service is a proxy on a closed local port, and
the advisory service is a small OSV-compatible server on 127.0.0.1 that pip-audit really
queries, so the whole path (probe, pip-audit --strict on our pins and on the installed
environment, verdict and date) runs as it does in CI.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "audit_dependencies.py"
FETCHED = re.compile(r"fetched live from .+ at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC")


def _load_script():
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    return subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(SCRIPT), *args],
        cwd=REPO,
        env=clean | env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _advisory_server(vulnerable: set[str], status: int = 200) -> Iterator[str]:
    """An OSV-compatible query endpoint: one synthetic advisory per package in `vulnerable`."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # PyPI-style probe
            self._answer(status, {})

        def do_POST(self) -> None:
            query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            name = query["package"]["name"].lower()
            self._answer(status, {"vulns": [_advisory(name)]} if name in vulnerable else {})

        def _answer(self, code: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1/query"
    finally:
        server.shutdown()
        server.server_close()


def _advisory(name: str) -> dict:
    return {
        "id": "PYSEC-0000-SYNTHETIC",
        "published": "2026-01-01T00:00:00Z",
        "modified": "2026-01-01T00:00:00Z",
        "details": "A synthetic advisory made by a test.",
        "affected": [
            {
                "package": {"name": name, "ecosystem": "PyPI"},
                "ranges": [
                    {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "999"}]}
                ],
            }
        ],
    }


@pytest.fixture
def clean_service() -> Iterator[str]:
    yield from _advisory_server(set())


@pytest.fixture
def service_with_a_pyyaml_advisory() -> Iterator[str]:
    yield from _advisory_server({"pyyaml"})


def test_offline_the_audit_fails_loudly_instead_of_passing():
    proxy = f"http://127.0.0.1:{_closed_port()}"
    result = _run(HTTPS_PROXY=proxy, HTTP_PROXY=proxy, https_proxy=proxy, http_proxy=proxy)
    assert result.returncode == 3
    assert "DEPENDENCY AUDIT NOT DONE" in result.stderr
    assert "This is not a pass." in result.stderr
    assert "could not be reached" in result.stderr
    assert "no known vulnerabilities" not in result.stdout + result.stderr


def test_an_unreachable_osv_mirror_fails_loudly_too():
    result = _run("--service", "osv", "--osv-url", f"http://127.0.0.1:{_closed_port()}/v1/query")
    assert result.returncode == 3
    assert "DEPENDENCY AUDIT NOT DONE" in result.stderr


def test_a_pypi_without_per_release_json_is_unavailable_not_clean():
    """A registry cache that answers 404 for /pypi/<name>/<version>/json has no advisories."""
    script = _load_script()
    for url in _advisory_server(set(), status=404):
        base = url.removesuffix("/v1/query") + "/pypi"
        with pytest.raises(script.ServiceUnavailable, match="HTTP 404"):
            script.check_pypi(base, timeout=5)


def test_a_clean_audit_says_which_service_and_when(clean_service):
    result = _run("--service", "osv", "--osv-url", clean_service)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (result.stdout + result.stderr).count("No known vulnerabilities found") == 2
    assert f"Advisory service: OSV ({clean_service})" in result.stdout
    assert "Dependency audit: no known vulnerabilities." in result.stdout
    assert FETCHED.search(result.stdout)


def test_a_vulnerable_pin_fails_the_audit(service_with_a_pyyaml_advisory):
    result = _run("--service", "osv", "--osv-url", service_with_a_pyyaml_advisory)
    assert result.returncode == 1
    assert "PYSEC-0000-SYNTHETIC" in result.stdout
    assert "pyyaml" in result.stdout.lower()
    assert "Dependency audit: FAILED" in result.stdout
    assert FETCHED.search(result.stdout)
