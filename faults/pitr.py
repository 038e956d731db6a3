"""Backup and point-in-time restore drill: every contact acknowledged before T is back.

    .venv/bin/python -m faults.pitr [--ci] [--allow-missing-audit-verify]

1. The cluster archives its WAL (archive_command copies each segment to an archive folder).
2. pg_basebackup takes a base backup.
3. Intake (batch A) through gunicorn; the clients stop; T is read from the database clock.
4. More intake (batch B), after T.
5. The base backup is restored into a new data directory with restore_command and
   recovery_target_time = T, and promoted.
6. Checks on the restored cluster: every batch A contact is present and whole, no batch B
   contact is (the restore stopped at T), and `manage.py audit verify` exits 0.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import time
from pathlib import Path

from faults.cluster import BIN, Cluster, free_port, workdir
from faults.harness import (
    PG_PORT,
    Load,
    Server,
    Template,
    arguments,
    check,
    emit,
    finish,
    manage,
    scenario,
)


def archiving(archive: Path) -> dict[str, str]:
    return {
        "wal_level": "replica",
        "archive_mode": "on",
        "archive_command": f"'test ! -f {archive}/%f && cp %p {archive}/%f'",
        "archive_timeout": "0",
    }


def intake(server: Server, template: Template, args: argparse.Namespace, seconds: float) -> Load:
    load = Load(server.port, template.token, args.clients)
    load.start()
    time.sleep(seconds)
    load.finish()
    return load


def drill(template: Template, args: argparse.Namespace) -> tuple[dict[str, object], list[str]]:
    spare = workdir("pitr-backup")
    archive, base, restored_root = spare / "archive", spare / "base", workdir("pitr-restored")
    for folder in (archive,):
        folder.mkdir()
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
    seconds = args.seconds / 2
    with scenario(template, "pitr", args.keep, archiving(archive)) as cluster:
        began = time.monotonic()
        # --no-sync: the drill reads the backup back at once on the same machine; a production
        # backup is synced and copied off the host (docs/reliability.md).
        cluster.run(
            [
                str(BIN / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(cluster.port),
                "-U",
                "postgres",
                "-D",
                str(base),
                "-X",
                "stream",
                "-c",
                "fast",
                "--no-sync",
            ]
        )
        backup_s = time.monotonic() - began
        server = Server(cluster, cluster.data.parent, args.workers)
        server.start()
        before = intake(server, template, args, seconds)
        time.sleep(1)
        ((target,),) = cluster.query("SELECT clock_timestamp()")
        time.sleep(1)
        after = intake(server, template, args, seconds)
        server.stop()
        ((segment,),) = cluster.query("SELECT pg_walfile_name(pg_switch_wal())")
        wait_archived(cluster, str(segment))
    restored = Cluster(restored_root / "data", free_port(PG_PORT + 1))
    subprocess.run(["cp", "-a", str(base), str(restored.data)], check=True)  # noqa: S603,S607
    restored.configure(
        restore_command=f"'cp {archive}/%f %p'",
        recovery_target_time=f"'{target.isoformat()}'",
        recovery_target_action="'promote'",
        archive_mode="off",
    )
    restored.run(["touch", str(restored.data / "recovery.signal")])
    try:
        began = time.monotonic()
        restored.start(timeout=120)
        restore_s = time.monotonic() - began
        figures = check(restored, before)
        late = set(after.acknowledged())
        present_after_t = restored.query(
            "SELECT count(*) FROM contacts_contact WHERE reference = ANY(%s)", (list(late),)
        )[0][0]
        verify = audit_verify(restored, args)
    finally:
        restored.destroy()
        if not args.keep:
            for folder in (spare, restored_root):
                shutil.rmtree(folder, ignore_errors=True)
    result = {
        "fault": "base backup + WAL archive, point-in-time restore to T",
        "base_backup_s": round(backup_s, 2),
        "restore_and_recovery_s": round(restore_s, 2),
        "acknowledged_before_t": figures["acknowledged"],
        "lost_before_t": figures["lost"],
        "half_written": figures["half_written"],
        "acknowledged_after_t": len(late),
        "present_after_t": present_after_t,
        "audit_verify": verify,
    }
    failures = []
    if figures["lost"] or figures["half_written"] or not figures["acknowledged"]:
        failures.append(f"restore: lost {figures['lost']}, half-written {figures['half_written']}")
    if present_after_t:
        failures.append(f"restore went past T: {present_after_t} later contacts present")
    if verify != "ok" and not (verify == "not available" and args.allow_missing_audit_verify):
        failures.append(f"audit verify: {verify}")
    return result, failures


def wait_archived(cluster: Cluster, segment: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ((last,),) = cluster.query("SELECT last_archived_wal FROM pg_stat_archiver")
        if last is not None and str(last) >= segment:
            return
        time.sleep(0.2)
    raise TimeoutError(f"WAL segment {segment} was not archived")


def audit_verify(cluster: Cluster, args: argparse.Namespace) -> str:
    """'ok' when `manage.py audit verify` exits 0, 'not available' when there is no command."""
    try:
        manage(cluster, "help", "audit")
    except RuntimeError:
        return "not available"
    try:
        manage(cluster, "audit", "verify")
    except RuntimeError as error:
        return f"FAILED: {str(error).strip().splitlines()[-1]}"
    return "ok"


def run(template: Template, args: argparse.Namespace) -> list[str]:
    figures, failures = drill(template, args)
    emit(**figures)
    return failures


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    template = Template.get(fresh=args.fresh)
    finish(run(template, args), template, args.keep)


if __name__ == "__main__":
    main()
