"""kill -9 during sustained API intake: 0 acknowledged contacts lost, nothing half-written.

    .venv/bin/python -m faults.crash [--ci] [--clients 8] [--seconds 30]

Three runs, each on a fresh copy of the migrated cluster:

1. app-server kill: clients POST contacts; halfway through, the gunicorn master and workers
   are SIGKILLed together, then gunicorn is started again. Requests that got no answer are
   retried with the same Idempotency-Key. Every 201/200 reference must be in the database, no
   contact half-written, no key answered with two contacts.
2. database kill, synchronous_commit=on: the same load, then every PostgreSQL process is
   SIGKILLed right after the last acknowledgement (a power cut), and restarted. 0 lost.
3. NEGATIVE CONTROL, synchronous_commit=off and wal_writer_delay=10s: the same database kill
   must LOSE acknowledged contacts, and the check must count them. If it counts 0, the check
   could not see a loss and the script fails.
"""

from __future__ import annotations

import argparse
import time

from faults.harness import Load, Server, Template, arguments, check, emit, finish, scenario

# Asynchronous commit, and nothing else that would flush the WAL early (the background writer
# must flush WAL before it writes a dirty page; autovacuum adds writes of its own).
ASYNC_COMMIT = {
    "synchronous_commit": "off",
    "wal_writer_delay": "'10s'",
    "bgwriter_lru_maxpages": "0",
    "autovacuum": "off",
}


def app_server_kill(template: Template, args: argparse.Namespace) -> dict[str, object]:
    with scenario(template, "app-kill", args.keep) as cluster:
        server = Server(cluster, cluster.data.parent, args.workers)
        server.start()
        load = Load(server.port, template.token, args.clients)
        load.start()
        time.sleep(args.seconds / 2)
        killed_at = time.monotonic()
        killed = server.kill9()
        restart = server.start()
        down = time.monotonic() - killed_at
        time.sleep(args.seconds / 2)
        load.finish()
        server.stop()
        figures = check(cluster, load)
    return {
        "fault": "kill -9 gunicorn master + workers during intake",
        "processes_killed": len(killed),
        "gunicorn_restart_s": round(restart, 2),
        "unavailable_s": round(down, 2),
        "statuses": load.statuses(),
        **figures,
    }


def database_kill(
    template: Template, args: argparse.Namespace, settings: dict[str, str]
) -> dict[str, object]:
    name = "pg-kill-async" if settings else "pg-kill"
    with scenario(template, name, args.keep, settings) as cluster:
        server = Server(cluster, cluster.data.parent, args.workers)
        server.start()
        load = Load(server.port, template.token, args.clients)
        load.start()
        time.sleep(args.seconds)
        load.finish()
        last_ack = max(s.acknowledged_at or 0 for s in load.submissions)
        cluster.kill9()
        after_last_ack = time.monotonic() - last_ack
        server.stop()
        cluster.start()
        figures = check(cluster, load)
    return {
        "fault": "kill -9 every PostgreSQL process right after intake",
        "synchronous_commit": "off" if settings else "on",
        "killed_s_after_last_ack": round(after_last_ack, 3),
        "statuses": load.statuses(),
        **figures,
    }


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    template = Template.get(fresh=args.fresh)
    failures = run(template, args)
    finish(failures, template, args.keep)


def run(template: Template, args: argparse.Namespace) -> list[str]:
    """The three runs; returns what failed (empty when all held)."""
    failures: list[str] = []
    app = app_server_kill(template, args)
    emit(**app)
    failures += _held(app, "app-server kill")
    durable = database_kill(template, args, {})
    emit(**durable)
    failures += _held(durable, "database kill, synchronous_commit=on")
    control = database_kill(template, args, ASYNC_COMMIT)
    control["negative_control"] = True
    control["detected_loss"] = control["lost"] > 0  # type: ignore[operator]
    emit(**control)
    if not control["detected_loss"]:
        failures.append("negative control: synchronous_commit=off lost nothing the check could see")
    return failures


def _held(figures: dict[str, object], name: str) -> list[str]:
    bad = {
        k: figures[k]
        for k in ("lost", "half_written", "duplicates", "unresolved_submissions")
        if figures[k]
    }
    statuses = figures["statuses"]
    assert isinstance(statuses, dict)
    five_hundreds = {s: n for s, n in statuses.items() if s.startswith("5") and s != "503"}
    if five_hundreds:
        bad["5xx other than 503"] = five_hundreds
    if not figures["acknowledged"]:
        bad["acknowledged"] = 0
    return [f"{name}: {bad}"] if bad else []


if __name__ == "__main__":
    main()
