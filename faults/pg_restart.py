"""Restart PostgreSQL during load: clear retryable errors, then service resumes, no duplicates.

    .venv/bin/python -m faults.pg_restart [--ci] [--clients 8] [--seconds 30]

Clients POST contacts, each with its own Idempotency-Key; a third of the way through, the
database is restarted (`pg_ctl restart -m fast`: running transactions are cancelled, then it
starts again). Clients may see 503 + Retry-After (JSON) or no response, never a 500; they retry
with the same key. Afterwards every submission is in the database exactly once.
"""

from __future__ import annotations

import argparse
import time

from faults.harness import Load, Server, Template, arguments, check, emit, finish, scenario


def pg_restart(template: Template, args: argparse.Namespace) -> dict[str, object]:
    with scenario(template, "pg-restart", args.keep) as cluster:
        server = Server(cluster, cluster.data.parent, args.workers)
        server.start()
        load = Load(server.port, template.token, args.clients)
        load.start()
        time.sleep(args.seconds / 3)
        restarted_at = time.monotonic()
        cluster.stop("fast")
        stopped = time.monotonic() - restarted_at
        cluster.start()
        database_back = time.monotonic() - restarted_at
        time.sleep(args.seconds * 2 / 3)
        load.finish()
        server.stop()
        figures = check(cluster, load)
    acks_after = [
        s.acknowledged_at
        for s in load.submissions
        if s.acknowledged_at and s.acknowledged_at > restarted_at + database_back
    ]
    errors = [t for t in load.errors_at if t >= restarted_at]
    return {
        "fault": "PostgreSQL restart (fast stop, start) during intake",
        "database_stop_s": round(stopped, 2),
        "database_down_s": round(database_back, 2),
        "first_201_after_restart_s": round(min(acks_after) - restarted_at, 2)
        if acks_after
        else None,
        "last_error_after_restart_s": round(max(errors) - restarted_at, 2) if errors else None,
        "statuses": load.statuses(),
        **figures,
    }


def run(template: Template, args: argparse.Namespace) -> list[str]:
    figures = pg_restart(template, args)
    emit(**figures)
    statuses = figures["statuses"]
    assert isinstance(statuses, dict)
    bad = {
        k: figures[k]
        for k in ("lost", "half_written", "duplicates", "unresolved_submissions")
        if figures[k]
    }
    unexpected = {
        s: n for s, n in statuses.items() if s not in ("201", "200", "503", "no response")
    }
    if unexpected:
        bad["statuses other than 201/200/503/no response"] = unexpected
    if not figures["acknowledged"] or figures["first_201_after_restart_s"] is None:
        bad["service did not resume"] = True
    return [f"PostgreSQL restart: {bad}"] if bad else []


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    template = Template.get(fresh=args.fresh)
    finish(run(template, args), template, args.keep)


if __name__ == "__main__":
    main()
