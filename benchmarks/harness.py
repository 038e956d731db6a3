"""What the standalone benchmarks share: a fresh test database with the demo's personas."""

from __future__ import annotations

from collections.abc import Callable


def with_personas(bench: Callable[[], None]) -> int:
    """Run `bench` in a fresh test database holding the profile's agencies and teams and the
    demo personas, then drop the database. Django must already be set up (test settings)."""
    from django.conf import settings
    from django.test.utils import get_runner, setup_test_environment

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        from mash.accounts.services import sync_profile
        from mash.demo.seeding import PERSONAS, _user
        from mash.policy.profiles import active_profile

        sync_profile(active_profile())
        for persona in PERSONAS:
            _user(persona)
        bench()
    finally:
        runner.teardown_databases(old_config)
    return 0
