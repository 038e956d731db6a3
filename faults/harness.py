"""What every fault script shares: a migrated template cluster, gunicorn, the load, the checks.

The template cluster is initdb'd and migrated once per process (the migrations take most of
the set-up time) and copied for each scenario, so every scenario starts from the same empty,
migrated database with one partner API client.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from faults.cluster import BIN, Cluster, children_of, free_port, wait_gone, workdir

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PG_PORT = 55432
APP_PORT = 58000
RETRY_AFTER = (
    1  # seconds the service asks clients to wait in these runs (MASH_DB_RETRY_AFTER_SECONDS)
)


def emit(**figures: object) -> None:
    """One machine-readable line per figure."""
    print(json.dumps({"cpus": os.cpu_count(), **figures}, default=str), flush=True)


def arguments(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--ci", action="store_true", help="a few seconds of load, few clients")
    parser.add_argument("--clients", type=int, help="concurrent client threads")
    parser.add_argument("--seconds", type=float, help="seconds of load")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--keep", action="store_true", help="keep the temp dirs for inspection")
    parser.add_argument("--fresh", action="store_true", help="migrate a new template cluster")
    parser.add_argument(
        "--allow-missing-audit-verify",
        action="store_true",
        help="(restore drill) pass when `manage.py audit verify` does not exist yet",
    )
    args = parser.parse_args()
    args.clients = args.clients or (4 if args.ci else 8)
    args.seconds = args.seconds or (3.0 if args.ci else 30.0)
    return args


# --------------------------------------------------------------------------- the database


class Template:
    """A stopped, migrated cluster with one partner API client, copied for each scenario."""

    _made: Template | None = None

    def __init__(self, root: Path, token: str, cached: bool) -> None:
        self.root = root
        self.token = token
        self.cached = cached

    @classmethod
    def get(cls, fresh: bool = False) -> Template:
        """The template for the current migrations, built once and kept in CACHE (unless
        `fresh`): migrating a new cluster takes most of a CI run's set-up time."""
        if cls._made is None:
            cache = None if fresh else CACHE / _migrations_digest()
            if cache is not None and (cache / "token").exists():
                cls._made = cls(cache, (cache / "token").read_text(), cached=True)
                emit(step="template cluster (initdb + migrate)", cached=str(cache))
            else:
                cls._made = cls._build(cache)
        return cls._made

    @classmethod
    def _build(cls, cache: Path | None) -> Template:
        began = time.monotonic()
        root = workdir("template")
        cluster = Cluster.create(root, PG_PORT)
        cluster.start()
        try:
            cluster.create_database()
            manage(cluster, "migrate", "--verbosity", "0")
            token = manage(cluster, "shell", "--command", MAKE_CLIENT).strip().splitlines()[-1]
        finally:
            cluster.stop("fast")
        emit(step="template cluster (initdb + migrate)", seconds=round(time.monotonic() - began, 1))
        if cache is None:
            return cls(root, token, cached=False)
        cache.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(cache, ignore_errors=True)
        root.rename(cache)
        (cache / "token").write_text(token)
        return cls(cache, token, cached=True)

    def copy(self, name: str, settings: dict[str, str] | None = None) -> Cluster:
        """A fresh cluster from the template on a free port, not yet started."""
        root = workdir(name)
        subprocess.run(["cp", "-a", str(self.root / "data"), str(root / "data")], check=True)  # noqa: S603,S607
        cluster = Cluster(root / "data", free_port(PG_PORT), settings)
        cluster.configure()
        return cluster

    def remove(self) -> None:
        if not self.cached:
            shutil.rmtree(self.root, ignore_errors=True)


CACHE = Path(os.environ.get("MASH_FAULTS_CACHE", "/tmp/mash-faults-cache"))  # noqa: S108


def _migrations_digest() -> str:
    """Changes whenever a migration, the token script or the PostgreSQL binaries change."""
    digest = hashlib.sha256(MAKE_CLIENT.encode())
    digest.update(str(BIN.resolve()).encode())
    for path in sorted(ROOT.glob("mash/*/migrations/*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


MAKE_CLIENT = """
from mash.accounts.models import Agency
from mash.accounts.services import sync_profile
from mash.api.models import PartnerApiClient
from mash.policy.profiles import active_profile
sync_profile(active_profile())
CLIENT = "Fault-test police system"
agency = Agency.objects.filter(code__icontains="police").first()
client = PartnerApiClient.issue(name=CLIENT, agency=agency, referrer_source="6")
print(client[1])
"""


def django_env(cluster: Cluster) -> dict[str, str]:
    """Production-like settings: DEBUG off, a random secret, the private cluster."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_READ_DOT_ENV": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MASH_ENVIRONMENT": "local",  # production would redirect this plain-HTTP test to HTTPS
        "DATABASE_URL": cluster.django_url(),
        "MASH_DB_RETRY_AFTER_SECONDS": str(RETRY_AFTER),
        "LOG_LEVEL": "WARNING",
    }


def manage(cluster: Cluster, *args: str) -> str:
    done = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=django_env(cluster),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


# --------------------------------------------------------------------------- the app server


class Server:
    """gunicorn serving config.wsgi on 127.0.0.1:`port` (sync workers, as in production)."""

    def __init__(self, cluster: Cluster, root: Path, workers: int = 2) -> None:
        self.cluster = cluster
        self.port = free_port(APP_PORT)
        self.workers = workers
        self.log = root / "gunicorn.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> float:
        """Start gunicorn and wait for /health/; returns the seconds until it answered."""
        began = time.monotonic()
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [
                    GUNICORN,
                    "config.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(self.workers),
                    "--timeout",
                    "30",
                    "--graceful-timeout",
                    "5",
                    "--preload",  # import once in the master, fork the workers
                    "--no-control-socket",  # several servers may run on one machine
                ],
                cwd=ROOT,
                env=django_env(self.cluster),
                stdout=log,
                stderr=log,
                start_new_session=True,  # our own kill -9 must not reach this script
            )
        while time.monotonic() - began < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                if request(self.port, "GET", "/health/")[0] == 200:
                    return time.monotonic() - began
            time.sleep(0.1)
        raise TimeoutError("gunicorn did not answer /health/")

    def kill9(self) -> list[int]:
        """SIGKILL the master and every worker at the same instant."""
        assert self.process is not None
        victims = [self.process.pid, *children_of(self.process.pid)]
        for pid in victims:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait()
        wait_gone(victims)
        return victims

    def stop(self) -> None:
        """Quick shutdown (SIGQUIT): called only once the clients have stopped."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(1)
            except subprocess.TimeoutExpired:
                self.kill9()


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


# --------------------------------------------------------------------------- the load

GIVEN = ["Lily", "Noah", "Ava", "Leo", "Mia", "Oscar", "Isla", "Jack"]
FAMILY = ["Brown", "Patel", "Jones", "Khan", "Evans", "Murphy", "Taylor", "Ahmed"]


def contact_body(rng: random.Random) -> bytes:
    """A valid partner contact about one synthetic child, with an adult."""
    family = rng.choice(FAMILY)
    born = date(2010, 1, 1) + timedelta(days=rng.randint(0, 4500))
    return json.dumps(
        {
            "purpose": "PROVISION_OF_INFORMATION",
            "referrer": {"name": "PC Fault Test", "role": "Response officer"},
            "children": [
                {
                    "given_names": rng.choice(GIVEN),
                    "family_name": family,
                    "date_of_birth": born.isoformat(),
                }
            ],
            "adults": [{"given_names": "Sam", "family_name": family}],
            "concern_summary": "Synthetic fault-test contact: domestic incident attended.",
        }
    ).encode()


@dataclass
class Submission:
    """One contact a client means to submit, and everything that happened to its attempts."""

    key: str
    body: bytes
    attempts: list[str] = field(default_factory=list)  # "201", "503", "no response", …
    references: set[str] = field(default_factory=set)
    acknowledged_at: float | None = None  # monotonic time of the first 201/200

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class Load:
    """`clients` threads submitting contacts, each with its own Idempotency-Key, and retrying.

    A retry reuses the key and body. 503 → wait Retry-After; no response → back off (0.1 s
    doubling to 1.6 s, with jitter). Anything else but 201/200 is recorded and not retried.
    """

    def __init__(self, port: int, token: str, clients: int) -> None:
        self.port = port
        self.token = token
        self.clients = clients
        self.submissions: list[Submission] = []
        self.lock = threading.Lock()
        self.stop_new = threading.Event()
        self.give_up_at = float("inf")
        self.threads: list[threading.Thread] = []
        self.errors_at: list[float] = []  # monotonic times of failed attempts
        self.first_ack_after: dict[str, float] = {}

    def start(self) -> None:
        for number in range(self.clients):
            thread = threading.Thread(target=self._client, args=(number,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def finish(self, grace: float = 90) -> None:
        """Start no new submissions; let every retry finish (or give up after `grace` s)."""
        self.stop_new.set()
        self.give_up_at = time.monotonic() + grace
        for thread in self.threads:
            thread.join()

    def _client(self, number: int) -> None:
        rng = random.Random(number)  # noqa: S311 (synthetic data, not security)
        while not self.stop_new.is_set():
            submission = Submission(key=f"fault-{uuid.uuid4()}", body=contact_body(rng))
            with self.lock:
                self.submissions.append(submission)
            self._submit(submission, rng)

    def _submit(self, submission: Submission, rng: random.Random) -> None:
        backoff = 0.1
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Idempotency-Key": submission.key,
            "Content-Type": "application/json",
        }
        while time.monotonic() < self.give_up_at:
            try:
                status, response_headers, content = request(
                    self.port, "POST", "/api/v1/contacts", submission.body, headers
                )
            except (OSError, http.client.HTTPException):
                submission.attempts.append("no response")
                self._failed()
                time.sleep(backoff * (1 + rng.random() / 2))
                backoff = min(backoff * 2, 1.6)
                continue
            submission.attempts.append(str(status))
            if status in (200, 201):
                submission.references.add(json.loads(content)["reference"])
                submission.acknowledged_at = time.monotonic()
                return
            self._failed()
            if status != 503:
                return  # not retryable: counted as a failure by the scenario
            retry_after = float(response_headers.get("Retry-After", "1"))
            time.sleep(retry_after * (1 + rng.random() / 2))

    def _failed(self) -> None:
        with self.lock:
            self.errors_at.append(time.monotonic())

    # ------------------------------------------------------------ figures

    def statuses(self) -> dict[str, int]:
        return dict(Counter(a for s in self.submissions for a in s.attempts))

    def acknowledged(self) -> dict[str, str]:
        """Reference → key of every contact that got a 201 or 200."""
        return {ref: s.key for s in self.submissions for ref in s.references}

    def unresolved(self) -> int:
        return sum(1 for s in self.submissions if not s.acknowledged)

    def retried_after_no_response(self) -> int:
        return sum(1 for s in self.submissions if "no response" in s.attempts and s.acknowledged)

    def conflicting(self) -> int:
        """Keys answered with two different references: a duplicate the client could see."""
        return sum(1 for s in self.submissions if len(s.references) > 1)


def run_load(load: Load, seconds: float) -> None:
    load.start()
    time.sleep(seconds)
    load.finish()


# --------------------------------------------------------------------------- the checks


def check(cluster: Cluster, load: Load) -> dict[str, int]:
    """Count lost, half-written and duplicated contacts in the database after the fault.

    Half-written = a contact of this client missing anything the intake transaction writes:
    a child, a transition, its clocks, its idempotency record, its two audit events.
    """
    acknowledged = load.acknowledged()
    present = {
        row[0]
        for row in cluster.query(
            "SELECT reference FROM contacts_contact WHERE reference = ANY(%s)",
            (list(acknowledged),),
        )
    }
    ((contacts, keys, half),) = cluster.query(INVARIANTS)  # type: ignore[misc]
    return {
        "acknowledged": len(acknowledged),
        "lost": len(set(acknowledged) - present),
        "contacts_in_db": int(contacts),  # type: ignore[call-overload]
        "idempotency_keys_in_db": int(keys),  # type: ignore[call-overload]
        "half_written": int(half),  # type: ignore[call-overload]
        # Contacts beyond one per distinct key, beyond one per submission the clients made,
        # and keys answered with two references: each would be a retry that made a second.
        "duplicates": int(contacts)  # type: ignore[call-overload]
        - int(keys)  # type: ignore[call-overload]
        + max(0, int(contacts) - len(load.submissions))  # type: ignore[call-overload]
        + load.conflicting(),
        "unresolved_submissions": load.unresolved(),
        "retried_after_no_response": load.retried_after_no_response(),
    }


def _count(table: str, where: str = "") -> str:
    return f"(SELECT count(*) FROM {table} x WHERE x.contact_id = m.id {where})"  # noqa: S608


INVARIANTS = f"""
WITH mine AS (
    SELECT c.id FROM contacts_contact c
    JOIN api_partnerapiclient p ON p.id = c.submitted_by_client_id
    WHERE p.name = 'Fault-test police system'
), shape AS (
    SELECT m.id,
        {_count("contacts_contactperson", "AND x.kind = 'CHILD'")} AS children,
        {_count("contacts_contacttransition")} AS transitions,
        {_count("contacts_clock")} AS clocks,
        {_count("api_idempotentsubmission")} AS keys,
        {_count("audit_auditevent", "AND x.action = 'contact.recorded'")} AS recorded,
        {_count("audit_auditevent", "AND x.action = 'api.contact_submitted'")} AS submitted
    FROM mine m
)
SELECT
    (SELECT count(*) FROM mine),
    (SELECT count(DISTINCT i.key) FROM api_idempotentsubmission i
        JOIN mine m ON m.id = i.contact_id),
    (SELECT count(*) FROM shape WHERE children < 1 OR transitions < 1 OR clocks < 1
        OR keys <> 1 OR recorded <> 1 OR submitted <> 1)
"""  # noqa: S608 (fixed table names, no input)


@contextlib.contextmanager
def scenario(template: Template, name: str, keep: bool, settings: dict[str, str] | None = None):
    """A fresh cluster copied from the template, started; torn down (and removed) afterwards."""
    cluster = template.copy(name, settings)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.destroy()
        if not keep:
            shutil.rmtree(cluster.data.parent, ignore_errors=True)


def finish(failures: list[str], template: Template, keep: bool) -> None:
    if not keep:
        template.remove()
    if failures:
        emit(result="FAIL", failures=failures)
        sys.exit(1)
    emit(result="PASS")
