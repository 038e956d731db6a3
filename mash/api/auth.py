"""Bearer-token authentication for partner systems (tokens hashed at rest)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from mash.api.models import PartnerApiClient, hash_token


class PartnerToken(HttpBearer):
    """Accepts `Authorization: Bearer <token>` for an active partner client."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        client = (
            PartnerApiClient.objects.filter(token_hash=hash_token(token), is_active=True)
            .select_related("agency")
            .first()
        )
        if client is None:
            return None
        PartnerApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
        return client
