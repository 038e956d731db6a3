"""The broker: Celery on Redis (a doorbell, never the truth; ADR 0017, ADR 0018).

The relay hands each due notification to Celery as a `mash.notifications.deliver` task; Celery
workers (any number, on any machine) run them. Redis keeps nothing on disk here, so everything
it holds may vanish: the database row says what is still to send, and the relay pushes again
what the broker may have lost.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import redis
from django.conf import settings


class BrokerUnavailable(Exception):
    """The broker cannot be reached; rows stay in the outbox until it can."""


class RedisBroker:
    """A Redis list of ids: the relay pushes on the left, workers pop from the right.

    The primitive under `CeleryBroker` (whose queue is such a list) and what the broker-loss
    detection and queue depth read; on its own it serves the tests of the relay's logic."""

    def __init__(self, url: str, key: str = "mash:notifications", timeout: float = 2.0):
        self.url = url
        self.key = key
        self._redis: Any = redis.Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry_on_timeout=False,
            decode_responses=True,
        )

    def push(self, ids: Iterable[object]) -> int:
        """Queue these ids; raises BrokerUnavailable if Redis cannot take them."""
        values = [str(i) for i in ids]
        if not values:
            return 0
        try:
            self._redis.lpush(self.key, *values)
        except redis.RedisError as error:
            raise BrokerUnavailable(str(error)) from error
        return len(values)

    def pop(self, *, limit: int = 50, wait: float = 1.0) -> list[str]:
        """Up to `limit` ids, waiting up to `wait` seconds for the first one."""
        try:
            first = self._redis.brpop([self.key], timeout=max(wait, 0.01)) if wait else None
            got: list[str] = [first[1]] if first else []
            more = self._redis.rpop(self.key, limit - len(got)) if limit > len(got) else None
        except redis.RedisError as error:
            raise BrokerUnavailable(str(error)) from error
        return got + list(more or [])

    def lost_data(self) -> bool:
        """True when Redis has lost what it held since the last call (restarted empty, or
        flushed): a marker key the relay sets is missing. True on first use too (harmless)."""
        try:
            return bool(self._redis.set(f"{self.key}:marker", "1", nx=True))
        except redis.RedisError as error:
            raise BrokerUnavailable(str(error)) from error

    def depth(self) -> int:
        try:
            return int(self._redis.llen(self.key))
        except redis.RedisError as error:
            raise BrokerUnavailable(str(error)) from error


class CeleryBroker(RedisBroker):
    """Celery's queue on Redis: `push` sends one delivery task per id; Celery's workers pop.

    Celery's Redis transport keeps a queue as a Redis list named after it, so the loss marker
    and the depth are read from Redis directly."""

    def push(self, ids: Iterable[object]) -> int:
        from kombu.exceptions import OperationalError

        from mash.notifications.tasks import deliver_notification

        values = [str(i) for i in ids]
        if not values:
            return 0
        app = deliver_notification.app
        try:
            with app.connection_for_write(self.url) as connection:
                connection.ensure_connection(max_retries=1, interval_start=0)
                with connection.Producer() as producer:
                    for value in values:
                        # No retry: a broker that is down must say so now (rows stay PENDING).
                        deliver_notification.apply_async(
                            args=[value], producer=producer, retry=False, queue=self.key
                        )
        except (OperationalError, redis.RedisError, OSError) as error:
            raise BrokerUnavailable(str(error)) from error
        return len(values)

    def pop(self, *, limit: int = 50, wait: float = 1.0) -> list[str]:
        raise NotImplementedError("Celery workers take the tasks: run `celery -A config worker`.")


def configured_broker() -> CeleryBroker | None:
    """Celery's broker from MASH_BROKER_URL, or None: then the outbox is worked in-process."""
    url = getattr(settings, "MASH_BROKER_URL", "")
    if not url:
        return None
    return CeleryBroker(url, key=getattr(settings, "MASH_BROKER_QUEUE", "mash"))
