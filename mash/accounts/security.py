"""Signing in safely: account lockout and multi-factor authentication (every write here).

Lockout (NCSC: throttle and lock, do not expire passwords): after ACCOUNT_LOCKOUT_THRESHOLD
consecutive failed passwords or codes the account is locked for ACCOUNT_LOCKOUT_MINUTES
(0: until a system administrator unlocks it). Counted in the database, so every process and
every address sees the same count.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from mash.accounts import mfa
from mash.accounts.models import AccountSecurity, RecoveryCode, User
from mash.audit import services as audit


def security_of(user: User) -> AccountSecurity:
    """The user's sign-in security row, made on first use."""
    row, _ = AccountSecurity.objects.get_or_create(user=user)
    return row


def is_locked(user: User) -> bool:
    """Locked now. A lock that has run out is cleared here, with a fresh count."""
    row = security_of(user)
    if row.is_locked():
        return True
    if row.locked_at is not None:
        AccountSecurity.objects.filter(pk=row.pk).update(
            locked_at=None, locked_until=None, failed_attempts=0
        )
        audit.record(
            actor=None, action="account.unlocked", subject=user, data=_who(user, "expired")
        )
    return False


def _who(user: User, how: str) -> dict[str, Any]:
    return {"username": user.username, "how": how}


@transaction.atomic
def record_failure(user: User, *, step: str) -> bool:
    """Count one failed password (`step="password"`) or code (`"mfa"`); True when this
    failure locked the account."""
    row = AccountSecurity.objects.select_for_update().get(pk=security_of(user).pk)
    AccountSecurity.objects.filter(pk=row.pk).update(failed_attempts=F("failed_attempts") + 1)
    row.refresh_from_db()
    action = "account.mfa_failed" if step == "mfa" else "account.sign_in_failed"
    audit.record(
        actor=None,
        action=action,
        subject=user,
        actor_name=user.display_name(),
        data={"username": user.username, "failed_attempts": row.failed_attempts},
    )
    threshold = settings.ACCOUNT_LOCKOUT_THRESHOLD
    if not threshold or row.failed_attempts < threshold or row.is_locked():
        return False
    minutes = settings.ACCOUNT_LOCKOUT_MINUTES
    now = timezone.now()
    row.locked_at = now
    row.locked_until = now + timedelta(minutes=minutes) if minutes else None
    row.save(update_fields=["locked_at", "locked_until", "updated_at"])
    audit.record(
        actor=None,
        action="account.locked",
        subject=user,
        actor_name=user.display_name(),
        data={
            "username": user.username,
            "failed_attempts": row.failed_attempts,
            "locked_until": row.locked_until.isoformat() if row.locked_until else None,
        },
    )
    return True


def record_success(user: User) -> None:
    """A completed sign-in: the count of consecutive failures starts again."""
    AccountSecurity.objects.filter(user=user).exclude(failed_attempts=0).update(failed_attempts=0)


def unlock(user: User, *, by: User) -> None:
    """A system administrator unlocks an account (audited)."""
    security_of(user)
    AccountSecurity.objects.filter(user=user).update(
        locked_at=None, locked_until=None, failed_attempts=0
    )
    audit.record(
        actor=by, action="account.unlocked", subject=user, data=_who(user, "administrator")
    )


def owner_hash(user: Any) -> str:
    """An opaque keyed digest of who a user is (for kept form data and unknown usernames)."""
    return salted_hmac("mash.account-owner", f"{user.pk}:{user.username}").hexdigest()


# --------------------------------------------------------------------------- MFA (TOTP)


def mfa_enrolled(user: User) -> bool:
    return (
        AccountSecurity.objects.filter(user=user, totp_confirmed_at__isnull=False)
        .exclude(totp_secret="")  # nosec B106: no secret, the empty value
        .exists()
    )


def mfa_needed(user: User) -> bool:
    """A code is asked for when MFA is required here, or the user has set it up anyway."""
    return bool(settings.MASH_MFA_REQUIRED) or mfa_enrolled(user)


@transaction.atomic
def enrol(user: User, *, secret: str, code: str) -> list[str] | None:
    """Confirm an authenticator app with its first code. Returns the new recovery codes (to be
    shown once), or None when the code is wrong. Replaces any earlier app and codes."""
    step = mfa.matching_step(secret, code)
    if step is None:
        return None
    row = AccountSecurity.objects.select_for_update().get(pk=security_of(user).pk)
    row.totp_secret = mfa.encrypt(secret)
    row.totp_confirmed_at = timezone.now()
    row.totp_last_step = step
    row.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step", "updated_at"])
    codes = mfa.new_recovery_codes()
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=mfa.hash_recovery_code(c)) for c in codes
    )
    audit.record(actor=user, action="account.mfa_enrolled", subject=user)
    return codes


@transaction.atomic
def verify_second_factor(user: User, code: str) -> str | None:
    """Check a code from the app, or a recovery code. Returns "totp" or "recovery" when it
    is accepted (and marks it used), None otherwise. A TOTP code is accepted once: the step
    is stored and any step up to it refused afterwards."""
    row = AccountSecurity.objects.select_for_update().get(pk=security_of(user).pk)
    if not row.mfa_enrolled:
        return None
    step = mfa.matching_step(mfa.decrypt(row.totp_secret), code, after=row.totp_last_step)
    if step is not None:
        row.totp_last_step = step
        row.save(update_fields=["totp_last_step", "updated_at"])
        return "totp"
    used = RecoveryCode.objects.filter(
        user=user, used_at__isnull=True, code_hash=mfa.hash_recovery_code(code)
    ).update(used_at=timezone.now())
    if used:
        audit.record(actor=user, action="account.recovery_code_used", subject=user)
        return "recovery"
    return None


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


@transaction.atomic
def reset_mfa(user: User, *, by: User) -> None:
    """A system administrator removes a user's authenticator app and recovery codes (lost
    phone): the user sets up a new one at their next sign-in (audited)."""
    AccountSecurity.objects.filter(user=user).update(
        totp_secret="",  # nosec B106: clearing the secret
        totp_confirmed_at=None,
        totp_last_step=None,
    )
    RecoveryCode.objects.filter(user=user).delete()
    audit.record(
        actor=by, action="account.mfa_reset", subject=user, data=_who(user, "administrator")
    )


def name_digest(username: str) -> str:
    """A keyed digest of a typed username: failures for unknown names are counted and audited
    without storing what was typed (it may be a mistyped password)."""
    return salted_hmac("mash.unknown-username", username.strip().lower()).hexdigest()
