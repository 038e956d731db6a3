"""Reading a letter's PDF back as poppler sees it: words with their boxes in millimetres."""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

MM = 25.4 / 72  # millimetres per PDF point


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Page:
    width: float
    height: float


def _run(*args: str) -> str:
    """A poppler tool (Debian poppler-utils) on our own temporary file."""
    return subprocess.run(  # noqa: S603 - fixed tool, our own file
        list(args), check=True, capture_output=True, text=True
    ).stdout


def _file(pdf: bytes) -> Path:
    handle = tempfile.NamedTemporaryFile(suffix=".pdf", delete=False)  # noqa: SIM115
    handle.write(pdf)
    handle.close()
    return Path(handle.name)


def words(pdf: bytes) -> tuple[list[Page], list[Word]]:
    """Every word with its box (mm from the page's top-left), by `pdftotext -bbox`."""
    path = _file(pdf)
    out = _run("pdftotext", "-bbox", str(path), "-")
    path.unlink()
    pages: list[Page] = []
    found: list[Word] = []
    for line in out.splitlines():
        page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', line)
        if page:
            pages.append(Page(float(page[1]) * MM, float(page[2]) * MM))
            continue
        word = re.search(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>',
            line,
        )
        if word:
            x0, y0, x1, y1 = (float(word[i]) * MM for i in range(1, 5))
            found.append(Word(len(pages), word[5], x0, y0, x1, y1))
    return pages, found


def text(pdf: bytes) -> str:
    """The PDF's text, as `pdftotext` reads it."""
    path = _file(pdf)
    out = _run("pdftotext", str(path), "-")
    path.unlink()
    return out


def fonts(pdf: bytes) -> list[tuple[str, bool]]:
    """(font name, embedded) for each font, by `pdffonts`."""
    path = _file(pdf)
    out = _run("pdffonts", str(path))
    path.unlink()
    rows = out.splitlines()[2:]
    return [(row.split()[0], row.split()[-5] == "yes") for row in rows if row.strip()]
