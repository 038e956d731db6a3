"""Time-based one-time passwords (RFC 6238) and the secrets behind them.

TOTP: HMAC-SHA-1 over the 30-second step counter (RFC 4226 dynamic truncation), 6 digits, the
settings every authenticator app uses by default. A code is accepted one step either side of
now (clock drift), and never twice: the caller stores the step it matched.

Secrets are encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA-256), the key derived from
DJANGO_SECRET_KEY with HKDF; keys in SECRET_KEY_FALLBACKS still decrypt, so a rotated secret
key does not lock everybody out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

import segno
from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.crypto import salted_hmac

STEP_SECONDS = 30
DIGITS = 6
WINDOW = 1  # steps either side of now
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to copy


def new_secret() -> str:
    """A fresh 160-bit secret, base32 as authenticator apps expect (RFC 4226 section 4)."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def _key(secret: str) -> bytes:
    return base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))


def code_at(secret: str, step: int, digits: int = DIGITS) -> str:
    """The code for one time step (RFC 4226 HOTP with the step as the counter)."""
    digest = hmac.new(_key(secret), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def matching_step(
    secret: str, code: str, *, after: int | None = None, now: float | None = None
) -> int | None:
    """The step `code` belongs to (now ±1), or None. Steps up to `after` are refused: that
    code, or an earlier one, was already used."""
    code = normalise_code(code)
    if len(code) != DIGITS or not code.isdigit():
        return None
    here = current_step(now)
    for step in range(here - WINDOW, here + WINDOW + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


def normalise_code(code: str) -> str:
    """What people type: spaces and dashes are ignored, letters lower-cased."""
    return "".join(ch for ch in code.strip().lower() if ch not in " -")


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    label = quote(f"{issuer}:{account}")
    query = urlencode({"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS})
    return f"otpauth://totp/{label}?{query}&period={STEP_SECONDS}"


def qr_svg(uri: str) -> str:
    """The URI as an inline SVG QR code (no script, no style attribute: CSP-safe)."""
    return str(
        segno.make(uri, error="m").svg_inline(
            scale=4, title="QR code for your authenticator app", border=4
        )
    )


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it in by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# --------------------------------------------------------------------------- encryption


def _fernet_for(secret_key: str) -> Fernet:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"mash-totp-secret", info=b"v1")
    return Fernet(base64.urlsafe_b64encode(hkdf.derive(secret_key.encode())))


def _box() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet_for(key) for key in keys])


def encrypt(secret: str) -> str:
    return _box().encrypt(secret.encode()).decode("ascii")


def decrypt(token: str) -> str:
    return _box().decrypt(token.encode("ascii")).decode()


# --------------------------------------------------------------------------- recovery codes


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """Single-use codes like `k7vqm-3xwa9` (about 49 bits each)."""
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def hash_recovery_code(code: str) -> str:
    """A keyed hash (HMAC-SHA-256): the codes are random, so no slow hash is needed."""
    return salted_hmac("mash.recovery-code", normalise_code(code), algorithm="sha256").hexdigest()
