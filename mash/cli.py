"""The ``mash`` console command: Django's manage.py under a shorter name.

``mash due ...``, ``mash migrate``, ``mash seed``, ``mash demo``: any management command works.
Settings come from DJANGO_SETTINGS_MODULE (default ``config.settings``), which needs
DJANGO_SECRET_KEY from the environment or a ``.env`` file at the repository root.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

DEFAULT_SETTINGS = "config.settings"

USAGE = """\
mash: case management for a Multi-Agency Safeguarding Hub (MASH).

Usage: mash COMMAND [OPTIONS]

Main commands:
  due        when a timescale falls due under a policy profile, and why, e.g.
             mash due --profile rotherham --rule TS-6 --received 2026-11-27T18:00
  migrate    create or update the database tables
  seed       add synthetic staff, people and contacts (never in production)
  demo       set up a local database with synthetic data and serve the app
  find_duplicates
             queue likely duplicate person records for review (Splink + the matcher)
  bench      benchmarks: bench matching --dataset febrl4 | bench search --people N
  export     write a statutory return to a file, e.g.
             mash export cin-census --year 2026 --out cin-census-2026.xml
  runserver  serve the app for development
  check      run the system checks, including the policy profile check

"mash help" lists every command; "mash help COMMAND" explains one.
Settings: DJANGO_SETTINGS_MODULE (default config.settings); DJANGO_SECRET_KEY must be set in
the environment or in a .env file at the repository root.
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Run a management command (``mash COMMAND ...``); with no command, print a short help."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        sys.stdout.write(USAGE)
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    problem = _settings_problem()
    if problem:
        sys.stderr.write(f"mash: cannot load the settings: {problem}\n")
        return 2
    from django.core.management import execute_from_command_line

    execute_from_command_line(["mash", *args])
    return 0


def _settings_problem() -> str | None:
    """Why the settings cannot be loaded, in words, or None if they can.

    Django would otherwise fall back to its core commands and report "Unknown command".
    """
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 - touching a setting loads the settings module
    except ImproperlyConfigured as exc:
        return (
            f"{exc} (settings are read from the environment and from .env at the repository root)."
        )
    except ImportError as exc:
        module = os.environ["DJANGO_SETTINGS_MODULE"]
        return f"the settings module {module!r} cannot be imported ({exc})."
    return None
