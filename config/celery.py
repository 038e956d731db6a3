"""The Celery application: background work on an existing engine (ADR 0018).

Workers run sending, retries and the periodic sweeps; `celery -A config worker` and
`celery -A config beat` (or `worker -B` on one machine). Settings come from Django's, under the
CELERY_ prefix. With no broker configured (`make demo`) nothing here is started: the demo's
in-process runner executes the same tasks locally (`mash.notifications.inprocess`).
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("mash")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
