"""Keeping the English catalogue in step with the pages.

Message ids are the Indonesian texts. ``en/LC_MESSAGES/messages.po`` is the translators' file
(it also carries the labels core and the plugins give: states, actions, roles, pillars, which
reach the pages through the ``|t`` filter). After changing texts run
``python -m web.ui.translations.catalog``: it adds new messages to the .po (keeping every
translation), then compiles the .mo the app loads. ``tests/ui/test_translations.py`` fails
while a message has no English or the .mo is older than the .po.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).resolve().parent
PO = HERE / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
ROOT = HERE.parents[2]
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]


# Where core and the plugins write texts a page may show: ``msg``/``N_`` (core.messages), the
# message of a ``Violation`` (its second argument) and of the domain errors.
CORE_KEYWORDS: dict[str, Any] = {
    "msg": None,
    "N_": None,
    "Violation": (2,),
    **dict.fromkeys(("NotFound", "NotAllowed", "Conflict", "StaleVersion"), None),
}
CORE_DIRS = ("core", "plugins")


def extracted() -> set[str]:
    """Every message id the pages use (``_``/``_l`` in Python, ``_`` in templates), and every
    text core and the plugins mark for them."""
    sources = [(HERE.parent, METHODS, {**DEFAULT_KEYWORDS, "_l": None})]
    sources += [(ROOT / d, [("**.py", "python")], CORE_KEYWORDS) for d in CORE_DIRS]
    ids: set[str] = set()
    for folder, methods, keywords in sources:
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(folder), method_map=methods, keywords=keywords
        ):
            text = message if isinstance(message, str) else message[0]
            if text:
                ids.add(text)
    return ids


def load() -> Catalog:
    with open(PO, "rb") as f:
        return read_po(f, locale="en")


def update() -> list[str]:
    """Add new message ids to the .po, write it and the .mo; return the untranslated ids."""
    catalog = load()
    for msgid in sorted(extracted()):
        if msgid not in catalog:
            catalog.add(msgid, "")
    catalog.fuzzy = False
    with open(PO, "wb") as f:
        write_po(f, catalog, width=100, no_location=True, sort_output=True)
    with open(MO, "wb") as f:
        write_mo(f, catalog)
    return [str(m.id) for m in catalog if m.id and not m.string]


if __name__ == "__main__":
    missing = update()
    if missing:
        raise SystemExit(f"Belum ada terjemahan Inggris untuk: {missing}")
