"""Test-only overrides (house style 6.11): fast hashing, no network, a fixed profile."""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-not-used-anywhere-else")
os.environ.setdefault("MASH_ENVIRONMENT", "test")

from config.settings import *  # noqa: E402,F403
from config.settings import DATABASES, env  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MASH_PROFILE = env.str("MASH_PROFILE", default="northamptonshire")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
# The public-form limit is tested on its own; elsewhere many tests post from one address.
PUBLIC_FORM_LIMIT_PER_HOUR = 0
SIGN_IN_FAILURE_LIMIT = 0  # likewise for failed sign-ins; tested on its own
# Deliveries are Delivery rows unless a test picks another adapter; files never leave tmp.
MASH_NOTIFY_ADAPTER = env.str("MASH_TEST_NOTIFY_ADAPTER", default="log")
MASH_OUTBOX_DIR = env.str(
    "MASH_TEST_OUTBOX_DIR", default=os.path.join(tempfile.gettempdir(), "mash-test-outbox")
)
