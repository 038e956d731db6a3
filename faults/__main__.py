"""Every fault script in one process, sharing one migrated template cluster.

.venv/bin/python -m faults [--ci] [--allow-missing-audit-verify]   (or faults/run)
"""

from __future__ import annotations

import time

from faults import crash, pg_restart, pitr
from faults.harness import Template, arguments, emit, finish


def main() -> None:
    args = arguments("All fault scripts: app-server kill, database kill, restart, restore")
    began = time.monotonic()
    template = Template.get(fresh=args.fresh)
    failures: list[str] = []
    for script in (crash, pg_restart, pitr):
        started = time.monotonic()
        failures += script.run(template, args)
        emit(step=script.__name__, seconds=round(time.monotonic() - started, 1))
    emit(step="all fault scripts", seconds=round(time.monotonic() - began, 1))
    finish(failures, template, args.keep)


if __name__ == "__main__":
    main()
