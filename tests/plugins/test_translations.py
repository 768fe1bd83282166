"""A province ships the English of its own texts beside its code (``translations/`` next to its
module); the pages merge it with core's catalogue, core's English winning."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo

import plugins.sulteng
from tests.plugins.contoh import Contoh
from tests.ui.conftest import Ui, app, backend, text, ui  # noqa: F401 - the pages' fixtures
from web.ui import i18n
from web.ui.translations import catalog

PLACEHOLDER = re.compile(r"\{\w+\}|%\(\w+\)s")


@pytest.mark.parametrize("province", catalog.PROVINCES)
def test_a_shipped_province_has_english_for_its_own_texts(province: str) -> None:
    po = catalog.load(catalog.province_po(province))
    own = catalog.province_ids(province)
    assert own, "the province should have texts of its own"
    missing = sorted(m for m in own if not (po.get(m) and po.get(m).string))
    assert not missing, "run python -m web.ui.translations.catalog and translate: " + repr(missing)
    with open(catalog.province_po(province).with_suffix(".mo"), "rb") as f:
        compiled = {m.id: m.string for m in read_mo(f) if m.id}
    assert compiled == {m.id: m.string for m in po if m.id and m.string}, "stale .mo"
    assert all(
        set(PLACEHOLDER.findall(m.id)) == set(PLACEHOLDER.findall(m.string)) for m in po if m.id
    )


def test_core_catalogue_no_longer_carries_the_provinces_texts() -> None:
    core = catalog.load()
    for province in catalog.PROVINCES:
        assert not {m for m in catalog.province_ids(province) if m in core}


def test_translations_folder_is_found_beside_the_plugin() -> None:
    assert i18n.plugin_translations(plugins.sulteng) == Path(plugins.sulteng.__file__).with_name(
        "translations"
    )
    assert i18n.plugin_translations(Contoh()) is None  # tests/plugins has no translations/
    dirs = i18n.translation_directories("/etc/x", [Contoh(), plugins.sulteng]).split(";")
    assert dirs == ["/etc/x", str(i18n.plugin_translations(plugins.sulteng)), i18n.TRANSLATIONS]


def test_province_texts_in_english_come_from_its_own_catalogue(ui: Ui) -> None:  # noqa: F811
    ui.post("/bahasa", {"lang": "en", "next": "/masuk"})
    ui.login("sulteng.dp3a.staf")
    diagram = text(ui.get("/alur/"))
    assert "Review by the Legal Bureau" in diagram  # plugins/sulteng/translations
    assert "Declare legally sound" in diagram
    assert "Reviu Biro Hukum" not in diagram
    assert "Review by head of agency" in diagram  # core's catalogue, merged beside it
