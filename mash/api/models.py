"""Partner systems that submit contacts, and the idempotency records that make retries safe."""

from __future__ import annotations

import hashlib
import secrets

from django.db import models

from mash.core.models import BaseModel

TOKEN_PREFIX = "mash_"  # noqa: S105 (a label on tokens, not a secret)  # nosec B105


def hash_token(token: str) -> str:
    """SHA-256 of the token: tokens are long random strings, so a fast hash is enough."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class PartnerApiClient(BaseModel):
    """A partner agency's system allowed to call /api/v1/. Only the token's hash is stored."""

    name = models.CharField(max_length=200)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    referrer_source = models.CharField(
        max_length=2, help_text="CIN census referral source recorded for its contacts (IN-9)."
    )
    token_hash = models.CharField(max_length=64, unique=True)
    token_hint = models.CharField(
        max_length=12, help_text="The first characters, to tell tokens apart."
    )
    is_active = models.BooleanField(default=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name

    @classmethod
    def issue(
        cls, *, name: str, agency: object, referrer_source: str
    ) -> tuple[PartnerApiClient, str]:
        """Create a client and return it with its token, which is never shown again."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        client = cls.objects.create(
            name=name,
            agency=agency,
            referrer_source=referrer_source,
            token_hash=hash_token(token),
            token_hint=token[:10],
        )
        return client, token


class IdempotentSubmission(BaseModel):
    """The first response to an Idempotency-Key, replayed for any retry with the same body:
    a contact submitted, or an agency's answer to an information request (MA-2)."""

    client = models.ForeignKey(PartnerApiClient, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contribution = models.ForeignKey(
        "sharing.Contribution", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="one_submission_per_key"),
            models.CheckConstraint(
                condition=(
                    models.Q(contact__isnull=False, contribution__isnull=True)
                    | models.Q(contact__isnull=True, contribution__isnull=False)
                ),
                name="submission_is_a_contact_or_an_answer",
            ),
        ]
