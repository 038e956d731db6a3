"""Fault drill: Redis (the broker) down for a minute during intake (issue 6 §6, ADR 0017).

Starts its own redis-server on a free port (never the shared 6379), the notification relay
(`manage.py notifications relay`) and a Celery worker (`celery -A config worker`) as separate
long-running processes (ADR 0018), and
submits contacts through the partner API without pause. Then SIGKILLs Redis for
--down seconds while intake goes on, restarts it empty, and waits until every notification
is delivered. Prints the figures as JSON; exits 1 unless no intake failed and every contact
got exactly one delivered acknowledgement (none lost, none doubled).

    .venv/bin/python faults/redis_down.py                 # the full drill: 60 s down
    .venv/bin/python faults/redis_down.py --down 3 --before 1 --after 1   # CI's reduced run

SQLite in a temporary folder by default; `--database postgres://…/mash_x` to use PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from faults.redis_server import RedisServer  # noqa: E402


def environment(database: str, redis_url: str) -> dict[str, str]:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_READ_DOT_ENV": "false",
        "MASH_ENVIRONMENT": "local",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1",
        "DATABASE_URL": database,
        "MASH_BROKER_URL": redis_url,
        "MASH_BROKER_QUEUE": f"drill:{secrets.token_hex(4)}",
        "MASH_NOTIFY_ADAPTER": "log",
        "MASH_NOTIFY_VISIBILITY_TIMEOUT": "10",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
    }


def manage(env: dict[str, str], *args: str, log: Path | None = None) -> subprocess.Popen[bytes]:
    return spawn(env, [sys.executable, str(ROOT / "manage.py"), *args], log)


def celery_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """A real Celery worker process on the drill's Redis (one process, so it is one worker)."""
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo"]
    return spawn(env, [*command, "--loglevel", "WARNING", "--without-mingle"], log)


def spawn(env: dict[str, str], command: list[str], log: Path | None) -> subprocess.Popen[bytes]:
    out = log.open("wb") if log else subprocess.DEVNULL
    return subprocess.Popen(  # noqa: S603 - our own programs
        command,
        env=env,
        cwd=ROOT,
        stdout=out,
        stderr=subprocess.STDOUT,
    )


class Intake:
    """Contacts submitted through the partner API in this process, each timed."""

    def __init__(self) -> None:
        from django.test import Client

        from mash.accounts.models import Agency
        from mash.accounts.services import sync_profile
        from mash.api.models import PartnerApiClient
        from mash.policy.profiles import active_profile

        sync_profile(active_profile())
        agency = Agency.objects.filter(code__icontains="police").first()
        _, self.token = PartnerApiClient.issue(name="Drill", agency=agency, referrer_source="6")
        self.client = Client()
        self.n = 0
        self.results: list[tuple[str, int, float]] = []  # phase, status, seconds

    def submit(self, phase: str) -> None:
        self.n += 1
        body = {
            "purpose": "PROVISION_OF_INFORMATION",
            "referrer": {
                "name": "PC Drill",
                "role": "Officer",
                "email": f"pc{self.n}@drill.example",
            },
            "children": [{"given_names": "Synthetic", "family_name": f"Child{self.n}"}],
            "concern_summary": "Synthetic drill contact.",
        }
        started = time.monotonic()
        try:
            status = self.client.post(
                "/api/v1/contacts",
                json.dumps(body),
                content_type="application/json",
                headers={
                    "Authorization": f"Bearer {self.token}",
                    "Idempotency-Key": f"drill-{self.n:06d}",
                },
            ).status_code
        except Exception:  # noqa: BLE001 - any exception is an intake failure to count
            status = 0
        self.results.append((phase, status, time.monotonic() - started))

    def run(self, phase: str, seconds: float, rate: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.submit(phase)
            if rate:
                time.sleep(1 / rate)


def outcome() -> dict[str, Any]:
    from mash.contacts.models import Contact
    from mash.notifications.models import Delivery, Notification

    owner = dict(Notification.objects.values_list("id", "contact_id"))
    delivered = Counter(
        owner[i] for i in Delivery.objects.values_list("notification_id", flat=True)
    )
    contacts = set(Contact.objects.values_list("pk", flat=True))
    return {
        "contacts": len(contacts),
        "notifications": len(owner),
        "delivered_once": sum(1 for c in contacts if delivered[c] == 1),
        "lost": sum(1 for c in contacts if delivered[c] == 0),
        "doubled": sum(1 for c in contacts if delivered[c] > 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--down", type=float, default=60.0, help="seconds Redis is down")
    parser.add_argument("--before", type=float, default=10.0)
    parser.add_argument("--after", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=0, help="contacts per second (0: flat out)")
    parser.add_argument("--database", default="")
    parser.add_argument("--settle", type=float, default=120.0, help="most seconds to wait")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="mash-redis-drill-"))
    redis = RedisServer()
    redis.start()
    env = environment(args.database or f"sqlite:///{work / 'drill.sqlite3'}", redis.url)
    os.environ.update(env)
    subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "migrate", "-v", "0"], env=env, check=True
    )
    import django

    django.setup()
    from mash.notifications import services

    relay = manage(env, "notifications", "relay", "--interval", "0.2", log=work / "relay.log")
    worker = celery_worker(env, log=work / "worker.log")
    intake = Intake()
    intake.submit("warm-up")  # the first request loads the profile and the matcher
    ready = time.monotonic() + args.settle
    while services.counts()["SENT"] < 1 and time.monotonic() < ready:
        time.sleep(0.1)  # the relay and worker are up and delivering through Redis
    try:
        intake.run("before", args.before, args.rate)
        redis.kill()
        killed = time.monotonic()
        intake.run("down", args.down, args.rate)
        redis.start()  # empty: it keeps nothing on disk
        restarted = time.monotonic()
        intake.run("after", args.after, args.rate)
        stopped = time.monotonic()
        while time.monotonic() - stopped < args.settle:
            counts = services.counts()
            if not (counts["PENDING"] or counts["QUEUED"] or counts["SENDING"]):
                break
            time.sleep(0.2)
        settled = time.monotonic()
        relay_alive, worker_alive = relay.poll() is None, worker.poll() is None
    finally:
        for process in (relay, worker):
            process.terminate()
            process.wait(timeout=10)
        redis.kill()
    logs = {name: (work / f"{name}.log").read_text() for name in ("relay", "worker")}
    figures: dict[str, Any] = {
        "redis_down_seconds": round(restarted - killed, 1),
        "intake": dict(Counter(phase for phase, _, _ in intake.results)),
        "intake_failures": sum(1 for _, status, _ in intake.results if status != 201),
        "intake_median_ms": {
            phase: round(statistics.median(s for p, _, s in intake.results if p == phase) * 1000, 1)
            for phase in ("warm-up", "before", "down", "after")
            if any(p == phase for p, _, _ in intake.results)
        },
        **outcome(),
        "states": services.counts(),
        "seconds_to_deliver_all_after_intake_stopped": round(settled - stopped, 1),
        "seconds_from_redis_restart_to_all_delivered": round(settled - restarted, 1),
        "relay_survived": relay_alive,
        "worker_survived": worker_alive,
        "relay_outage_log_lines": logs["relay"].count("broker unavailable"),
        # Celery logs its own reconnection attempts (with tracebacks) while Redis is down;
        # only the relay, our code, must stay quiet.
        "tracebacks_in_relay_log": logs["relay"].count("Traceback"),
    }
    print(json.dumps(figures, indent=2))  # noqa: T201 - the drill's report
    ok = (
        figures["intake_failures"] == 0
        and figures["lost"] == 0
        and figures["doubled"] == 0
        and figures["delivered_once"] == figures["contacts"] == len(intake.results)
        and relay_alive
        and worker_alive
        and figures["tracebacks_in_relay_log"] == 0
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
