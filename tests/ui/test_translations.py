"""Every text of the pages has English, and the compiled catalogue matches the .po."""

from __future__ import annotations

import re

from babel.messages.mofile import read_mo

from web.ui.translations import catalog


def test_every_message_of_the_pages_has_english() -> None:
    po = catalog.load()
    missing = sorted(m for m in catalog.extracted() if not (po.get(m) and po.get(m).string))
    assert not missing, "run python -m web.ui.translations.catalog and translate: " + repr(missing)


def test_compiled_catalogue_matches_the_po() -> None:
    po = catalog.load()
    with open(catalog.MO, "rb") as f:
        mo = read_mo(f)
    expected = {m.id: m.string for m in po if m.id and m.string}
    compiled = {m.id: m.string for m in mo if m.id}
    assert compiled == expected, "stale .mo: run python -m web.ui.translations.catalog"


def test_translations_keep_every_placeholder() -> None:
    """A message from core is filled in after translation (``{year}``) and a page's own with
    ``%(name)s``: a translation that loses or renames one would fail on the page."""
    placeholder = re.compile(r"\{\w+\}|%\(\w+\)s")
    po = catalog.load()
    broken = [
        (m.id, m.string)
        for m in po
        if m.id
        and m.string
        and set(placeholder.findall(m.id)) != set(placeholder.findall(m.string))
    ]
    assert not broken, broken
