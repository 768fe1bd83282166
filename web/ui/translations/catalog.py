"""Keeping the English catalogues in step with the pages.

Message ids are the Indonesian texts. ``en/LC_MESSAGES/messages.po`` here is the translators'
file of the pages and of core (it also carries the labels core gives: states, actions, roles,
pillars, which reach the pages through the ``|t`` filter). Each shipped province keeps the
English of its own texts in its own package, ``plugins/<name>/translations/en/...`` (what a
separately installed province does too; ``web.ui.i18n`` merges them). After changing texts run
``python -m web.ui.translations.catalog``: it adds new messages to every .po (keeping every
translation), then compiles the .mo the app loads. ``tests/ui/test_translations.py`` and
``tests/plugins/test_translations.py`` fail while a message has no English or a .mo is older
than its .po.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from core.plugins import ProvinceRuntime, Registry

HERE = Path(__file__).resolve().parent
LOCALE_PO = Path("en", "LC_MESSAGES", "messages.po")
PO = HERE / LOCALE_PO
MO = PO.with_suffix(".mo")
ROOT = HERE.parents[2]
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
PROVINCES = ("lampung", "sulteng")  # the packages under plugins/


# Where core and the plugins write texts a page may show: ``msg``/``N_`` (core.messages), the
# message of a ``Violation`` (its second argument) and of the domain errors; and the plural
# texts notifications count with (``Reader.n_``: singular, plural, n).
CORE_KEYWORDS: dict[str, Any] = {
    "msg": None,
    "N_": None,
    "n_": (1, 2),
    "Violation": (2,),
    **dict.fromkeys(("NotFound", "NotAllowed", "Conflict", "StaleVersion"), None),
}


# A message id: its text, or (singular, plural) for a text that counts (``ngettext``); a
# catalogue read back gives a plural's id as a tuple or a list.
MessageId = str | tuple[str, ...] | list[str]


def _extract(
    folder: Path, methods: list[tuple[str, str]], keywords: dict[str, Any]
) -> set[MessageId]:
    ids: set[MessageId] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(folder), method_map=methods, keywords=keywords
    ):
        if isinstance(message, str):
            text: MessageId | None = message or None
        elif len(message) > 1 and message[0] and message[1]:
            text = (message[0], message[1])
        else:
            text = message[0] or None
        if text:
            ids.add(text)
    return ids


def _empty(msgid: MessageId) -> str | tuple[str, str]:
    return "" if isinstance(msgid, str) else ("", "")


def key(msgid: MessageId) -> str:
    """What a catalogue is indexed by: the (singular) text."""
    return msgid if isinstance(msgid, str) else msgid[0]


def translated(catalog: Catalog, msgid: MessageId) -> bool:
    """Whether the catalogue has English for ``msgid`` (every form, for a plural)."""
    message = catalog.get(key(msgid))
    if message is None or not message.string:
        return False
    forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return all(forms)


def extracted() -> set[MessageId]:
    """Every message id the pages use (``_``/``_l`` in Python, ``_`` in templates), and every
    text core marks for them."""
    return _extract(HERE.parent, METHODS, {**DEFAULT_KEYWORDS, "_l": None}) | _extract(
        ROOT / "core", [("**.py", "python")], CORE_KEYWORDS
    )


def load(po: Path = PO) -> Catalog:
    with open(po, "rb") as f:
        return read_po(f, locale="en")


def province_po(name: str) -> Path:
    return ROOT / "plugins" / name / "translations" / LOCALE_PO


# Reference lists that are names (of OPDs, regencies): they stay as they are in English.
NAMES = ("opds", "locations", "sipd_units")  # names and codes: never translated


def labels(runtime: ProvinceRuntime) -> set[MessageId]:
    """The labels a province gives that the pages translate (``|t``): its states, actions (of
    both workflow types), roles, the choices of its reference lists (pillars, funding sources,
    target groups…), the words of its route's conditions and its reporting periods' labels.
    The lists that are names (``NAMES``) stay as they are."""
    workflow, reports = runtime.workflow, runtime.report_workflow
    texts: set[str] = (
        {s.label for s in (*workflow.states, *reports.states)}
        | {t.label for t in (*workflow.transitions, *reports.transitions)}
        | {r.label for r in runtime.roles.values()}
        | {c.label for k, v in runtime.reference.lists.items() if k not in NAMES for c in v}
        | {label for name in runtime.conditions if (label := runtime.condition_label(name))}
        | {
            p.label
            for plan in runtime.info.plans
            for p in runtime.reporting_periods(plan, plan.start_year)
        }
        | {
            text
            for s in workflow.gated_states
            if s.gate is not None
            for text in (s.gate.label, s.gate.concur_label, s.gate.object_label)
        }
    )
    return set(texts)


def province_ids(name: str) -> set[MessageId]:
    """The province's own texts: what its code marks, and its labels, less what core's
    catalogue already translates (core's English wins on the pages anyway)."""
    (runtime,) = Registry([importlib.import_module(f"plugins.{name}")])
    own = _extract(ROOT / "plugins" / name, [("**.py", "python")], CORE_KEYWORDS) | labels(runtime)
    core = load()
    return {i for i in own if not translated(core, i)}


def _write(po: Path, ids: Iterable[MessageId]) -> list[str]:
    """Add ``ids`` to the .po, write it and its .mo; return the untranslated ids."""
    catalog = load(po)
    for msgid in sorted(ids, key=key):
        if key(msgid) not in catalog:
            catalog.add(msgid if isinstance(msgid, str) else tuple(msgid), _empty(msgid))
    catalog.fuzzy = False
    with open(po, "wb") as f:
        write_po(f, catalog, width=100, no_location=True, sort_output=True)
    with open(po.with_suffix(".mo"), "wb") as f:
        write_mo(f, catalog)
    return [key(m.id) for m in catalog if m.id and not translated(catalog, m.id)]


def update() -> list[str]:
    """Core's catalogue, then each shipped province's; the untranslated ids of all."""
    missing = _write(PO, extracted())
    for name in PROVINCES:
        missing += _write(province_po(name), province_ids(name))
    return missing


if __name__ == "__main__":
    missing = update()
    if missing:
        raise SystemExit(f"Belum ada terjemahan Inggris untuk: {missing}")
