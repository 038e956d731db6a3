"""Files attached to a contact: checked by what they contain, not only by their name (IN-7).

Accepted: PDF, PNG, JPEG, Word (.docx) and OpenDocument text (.odt), up to `MAX_BYTES`. A
file whose content is not what its name says is refused in plain words.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from mash.core.errors import ApplicationError

MAX_BYTES = 10 * 1024 * 1024  # 10 MB

# extension → (content type, words)
KINDS: dict[str, tuple[str, str]] = {
    ".pdf": ("application/pdf", "PDF"),
    ".png": ("image/png", "PNG image"),
    ".jpg": ("image/jpeg", "JPEG image"),
    ".jpeg": ("image/jpeg", "JPEG image"),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word document",
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", "OpenDocument text"),
}
ALLOWED_WORDS = "a PDF, a PNG or JPEG image, a Word document (.docx) or OpenDocument text (.odt)"


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def checked_attachment(name: str, data: bytes, *, field: str = "file") -> Attachment:
    """An Attachment, or ApplicationError saying what is wrong with the file."""
    clean_name = PurePath(name.replace("\\", "/")).name[:255] or "attachment"
    if not data:
        raise ApplicationError("The selected file is empty.", field=field, rule_ids=("IN-7",))
    if len(data) > MAX_BYTES:
        raise ApplicationError(
            "The selected file must be smaller than 10 MB.", field=field, rule_ids=("IN-7",)
        )
    extension = PurePath(clean_name).suffix.lower()
    if extension not in KINDS:
        raise ApplicationError(
            f"The selected file must be {ALLOWED_WORDS}.", field=field, rule_ids=("IN-7",)
        )
    content_type, words = KINDS[extension]
    if sniff(data) != content_type:
        raise ApplicationError(
            f"The selected file is not a real {words}, although its name ends {extension}. "
            f"Choose {ALLOWED_WORDS}.",
            field=field,
            rule_ids=("IN-7",),
        )
    return Attachment(clean_name, content_type, data)


def sniff(data: bytes) -> str:
    """The content type the bytes really are ('' when none we accept)."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _zip_document(data)
    return ""


def _zip_document(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                kind = archive.read("mimetype").decode("ascii", "replace").strip()
                if kind == KINDS[".odt"][0]:
                    return kind
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return KINDS[".docx"][0]
    except (zipfile.BadZipFile, KeyError, OSError):
        return ""
    return ""
