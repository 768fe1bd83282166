"""Every text of the pages has English, and the compiled catalogue matches the .po."""

from __future__ import annotations

import re

from babel.messages.mofile import read_mo

from web.ui.translations import catalog


def test_every_message_of_the_pages_has_english() -> None:
    po = catalog.load()
    missing = sorted(catalog.key(m) for m in catalog.extracted() if not catalog.translated(po, m))
    assert not missing, "run python -m web.ui.translations.catalog and translate: " + repr(missing)


def test_compiled_catalogue_matches_the_po() -> None:
    po = catalog.load()
    with open(catalog.MO, "rb") as f:
        mo = read_mo(f)

    def forms(string: object) -> tuple[str, ...]:  # a plural's id and English as tuples
        return tuple(string) if isinstance(string, tuple | list) else (str(string),)

    expected = {forms(m.id): forms(m.string) for m in po if m.id and m.string}
    compiled = {forms(m.id): forms(m.string) for m in mo if m.id}
    assert compiled == expected, "stale .mo: run python -m web.ui.translations.catalog"


def test_translations_keep_every_placeholder() -> None:
    """A message from core is filled in after translation (``{year}``) and a page's own with
    ``%(name)s``: a translation that loses or renames one would fail on the page."""
    placeholder = re.compile(r"\{\w+\}|%\(\w+\)s")

    def found(text: str | tuple[str, ...] | list[str]) -> set[str]:  # every form of a plural
        texts = [text] if isinstance(text, str) else list(text)
        return {p for t in texts for p in placeholder.findall(t)}

    po = catalog.load()
    broken = [(m.id, m.string) for m in po if m.id and m.string and found(m.id) != found(m.string)]
    assert not broken, broken
