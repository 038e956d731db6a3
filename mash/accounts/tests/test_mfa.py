"""TOTP as RFC 6238 defines it, the encrypted secret, and recovery codes."""

from __future__ import annotations

import base64

import pytest

from mash.accounts import mfa

# RFC 6238 appendix B: the SHA-1 key is the ASCII string "12345678901234567890".
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


@pytest.mark.parametrize(
    ("unix_time", "eight_digits"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ],
)
def test_codes_match_the_rfc_6238_test_vectors(unix_time, eight_digits):
    step = mfa.current_step(unix_time)
    assert mfa.code_at(RFC_SECRET, step, digits=8) == eight_digits
    assert mfa.code_at(RFC_SECRET, step) == eight_digits[-6:]  # 6 digits: the last six


def test_a_code_is_accepted_one_step_either_side_and_no_further():
    now = 1_700_000_000.0
    step = mfa.current_step(now)
    for offset in (-1, 0, 1):
        code = mfa.code_at(RFC_SECRET, step + offset)
        assert mfa.matching_step(RFC_SECRET, code, now=now) == step + offset
    for offset in (-2, 2):
        assert (
            mfa.matching_step(RFC_SECRET, mfa.code_at(RFC_SECRET, step + offset), now=now) is None
        )


def test_a_used_step_and_earlier_ones_are_refused():
    now = 1_700_000_000.0
    step = mfa.current_step(now)
    code = mfa.code_at(RFC_SECRET, step)
    assert mfa.matching_step(RFC_SECRET, code, after=step, now=now) is None
    assert mfa.matching_step(RFC_SECRET, code, after=step - 1, now=now) == step


def test_typed_spaces_are_ignored_and_junk_is_refused():
    now = 1_700_000_000.0
    code = mfa.code_at(RFC_SECRET, mfa.current_step(now))
    assert mfa.matching_step(RFC_SECRET, f" {code[:3]} {code[3:]} ", now=now) is not None
    assert mfa.matching_step(RFC_SECRET, "abcdef", now=now) is None
    assert mfa.matching_step(RFC_SECRET, "", now=now) is None


def test_the_secret_is_encrypted_and_survives_a_rotated_secret_key(settings):
    secret = mfa.new_secret()
    token = mfa.encrypt(secret)
    assert secret not in token
    assert mfa.decrypt(token) == secret
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-after-rotation-" + "x" * 20
    assert mfa.decrypt(token) == secret


def test_the_enrolment_qr_code_is_inline_svg_of_the_otpauth_uri():
    uri = mfa.provisioning_uri("JBSWY3DPEHPK3PXP", account="sam", issuer="Rotherham MASH")
    assert uri.startswith("otpauth://totp/Rotherham%20MASH%3Asam?secret=JBSWY3DPEHPK3PXP")
    assert "digits=6" in uri and "period=30" in uri and "algorithm=SHA1" in uri
    svg = mfa.qr_svg(uri)
    assert svg.startswith("<svg") and "<title>" in svg and "style=" not in svg


def test_recovery_codes_are_random_and_hashed_the_same_however_typed():
    codes = mfa.new_recovery_codes()
    assert len(set(codes)) == 10
    assert all(len(code) == 11 and code[5] == "-" for code in codes)
    assert mfa.hash_recovery_code(codes[0]) == mfa.hash_recovery_code(
        codes[0].upper().replace("-", " ")
    )
    assert codes[0] not in mfa.hash_recovery_code(codes[0])
