"""Postal addresses for letters: 3 to 7 lines, the name first and a UK postcode last, as
GOV.UK Notify reads them from the address block (stack notes §3.3)."""

from __future__ import annotations

import re

from mash.core.errors import ApplicationError

MAX_LINES = 7
# The address window is 95 mm wide at 9 pt: a longer line wraps, and a wrapped address pushes
# the postcode out of the window Notify reads it from.
MAX_LINE_LENGTH = 45
_CODE = r"[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKPSTUW]? ?[0-9][ABD-HJLNP-UW-Z]{2}"
POSTCODE = re.compile(rf"^(GIR ?0AA|{_CODE})$", re.IGNORECASE)
_TRAILING_POSTCODE = re.compile(rf"^(?P<rest>.*?)[\s,]*(?P<pc>{_CODE})$", re.IGNORECASE)


def normal_postcode(text: str) -> str:
    """'nn11aa' -> 'NN1 1AA'; '' when it is not a UK postcode."""
    compact = re.sub(r"\s+", "", text).upper()
    if not POSTCODE.match(compact):
        return ""
    return f"{compact[:-3]} {compact[-3:]}"


def lines_of(name: str, address: str, postcode: str = "") -> tuple[str, ...]:
    """The address lines for a letter, or () when they would not make a postable address.
    Free text may put lines on new lines or after commas, the postcode on the last line."""
    parts = [p.strip() for p in re.split(r"[\n,]", address) if p.strip()]
    code = normal_postcode(postcode)
    if not code and parts:
        found = _TRAILING_POSTCODE.match(parts[-1])
        if found and normal_postcode(found["pc"]):
            code = normal_postcode(found["pc"])
            parts[-1] = found["rest"].strip(" ,")
            parts = [p for p in parts if p]
    elif code and parts and normal_postcode(parts[-1]) == code:
        parts.pop()
    lines = (name.strip(), *parts, code)
    if not code or not parts or not name.strip() or len(lines) > MAX_LINES:
        return ()
    if any(len(line) > MAX_LINE_LENGTH for line in lines):
        return ()  # staff type it again in lines that fit ("Add the address and send")
    return lines


def validated(name: str, given: list[str], postcode: str) -> tuple[str, ...]:
    """Lines typed by staff ("Add the address and send"): 1 to 5 lines and a valid UK
    postcode, so that with the name they fit Notify's 7 (ApplicationError otherwise)."""
    parts = [line.strip() for line in given if line.strip()]
    problems = []
    if not parts:
        problems.append(ApplicationError("Enter the first line of the address", field="line_1"))
    if len(parts) > MAX_LINES - 2:
        problems.append(
            ApplicationError(
                f"Use at most {MAX_LINES - 2} lines before the postcode: with the name the "
                f"address may have {MAX_LINES} lines",
                field="line_1",
            )
        )
    for number, line in enumerate(parts, start=1):
        if len(line) > MAX_LINE_LENGTH:
            problems.append(
                ApplicationError(
                    f"Address line {number} must be {MAX_LINE_LENGTH} characters or fewer, "
                    "so that it fits the envelope's window: split it over two lines",
                    field=f"line_{number}",
                )
            )
    code = normal_postcode(postcode)
    if not postcode.strip():
        problems.append(ApplicationError("Enter the postcode", field="postcode"))
    elif not code:
        problems.append(
            ApplicationError("Enter a real UK postcode, like NN1 1AA", field="postcode")
        )
    if problems:
        from mash.core.errors import InvalidInput

        raise InvalidInput(problems)
    return (name.strip(), *parts, code)
