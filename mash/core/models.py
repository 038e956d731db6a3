"""Shared model base: a UUID primary key and created/updated timestamps."""

import uuid

from django.db import models


class BaseModel(models.Model):
    """Abstract base for domain models: UUIDs are safe to show in URLs and never guessable.

    `created_at`/`updated_at` are bookkeeping only; domain dates (received, decided) live in
    their own fields and transitions (house style: never derive statutory dates from audit fields).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
