"""Letters as HTML (Jinja2), PDF (WeasyPrint) and plain text, from one template (OU-4).

The PDF follows GOV.UK Notify's precompiled-letter specification (stack notes §3.3): A4,
address block 24.6–120 mm × 39.5–66.3 mm, the sender's block right of 125 mm within 5–95 mm,
the logo area 15–125 × 5–30 mm, body from 95 mm, 15 mm / 5 mm printable margins, fonts
embedded (Liberation Sans). The plain text (kept with the letter, and the body of an email)
is read from the same rendered HTML, so the two never say different things.

Templates are chosen by profile and outcome (`template_for`): a deployment's folders
(settings.MASH_LETTER_TEMPLATE_DIRS, then `letters/` beside the profile's YAML), then the
shipped `letter_templates/<profile>/`, then `letter_templates/default/`. In each, the file
`<kind>_<outcome>.html` wins over `<kind>.html`.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import jinja2
from django.conf import settings
from django.utils import translation

from mash.letters import wording
from mash.letters.context import LetterContext
from mash.policy.profiles import Profile

SHIPPED = Path(__file__).resolve().parent / "letter_templates"


@dataclass(frozen=True)
class Rendered:
    template_key: str
    subject: str
    html: str
    text: str  # the whole letter: address, body, sender's details
    body_text: str  # the body and sender's details: an email's text
    wording: str = ""  # the product's own sentences in it (wording.py, the profile)

    def pdf(self) -> bytes:
        return html_to_pdf(self.html)


def _roots(profile: Profile) -> list[Path]:
    extra = [Path(p) for p in getattr(settings, "MASH_LETTER_TEMPLATE_DIRS", ())]
    return [*extra, profile.path.parent / "letters", SHIPPED]


@functools.lru_cache(maxsize=16)
def _environment(roots: tuple[Path, ...]) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(r) for r in roots]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def template_for(profile: Profile, kind: str, outcome: str) -> str:
    """The key (path) of the template for this profile, kind and outcome."""
    roots = _roots(profile)
    for folder in (profile.id, "default"):
        for name in (f"{kind}_{outcome}.html", f"{kind}.html"):
            key = f"{folder}/{name}"
            if any((root / key).is_file() for root in roots):
                return key
    raise LookupError(f"no letter template for {kind}/{outcome}")  # default/ has them all


def render(profile: Profile, kind: str, c: LetterContext, language: str) -> Rendered:
    """Render one letter in `language` (FA-1); `kind` is professional, public or parent."""
    key = template_for(profile, kind, c.outcome)
    with translation.override(language):
        w = wording.words(kind, c)
        env = _environment(tuple(_roots(profile)))
        html = env.get_template(key).render(c=c, w=w, language=language)
    parts = _Text.read(html)
    body = "\n\n".join(p for p in (parts["body"], parts["contact"]) if p)
    text = "\n\n".join(p for p in (parts["address"], parts["body"], parts["contact"]) if p)
    return Rendered(key, w["subject"], html, text, body, "\n".join(w.values()))


def html_to_pdf(html: str) -> bytes:
    import weasyprint  # imported when a letter is rendered: it loads Pango

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # a line per step

    return weasyprint.HTML(string=html, base_url=str(SHIPPED)).write_pdf()  # type: ignore[no-any-return]


class _Text(HTMLParser):
    """The words of the parts marked `data-part` (address, body, contact), a paragraph a
    block: what the PDF says, as plain text."""

    BLOCKS = frozenset({"p", "h1", "h2", "h3", "li", "div", "br", "tr"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: dict[str, list[str]] = {"address": [], "body": [], "contact": []}
        self.stack: list[str | None] = []
        self.line: list[str] = []

    @classmethod
    def read(cls, html: str) -> dict[str, str]:
        parser = cls()
        parser.feed(html)
        parser.close()
        return {
            k: ("\n" if k == "address" else "\n\n").join(v).strip() for k, v in parser.parts.items()
        }

    def _part(self) -> str | None:
        return next((p for p in reversed(self.stack) if p), None)

    def _flush(self) -> None:
        words = " ".join("".join(self.line).split())
        part = self._part()
        if words and part:
            self.parts[part].append(words)
        self.line = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self._flush()
        if tag in ("br",):
            return
        self.stack.append(dict(attrs).get("data-part"))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self._flush()
        if self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self._part():
            self.line.append(data)
