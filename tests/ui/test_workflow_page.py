"""The workflow page in words (issue 16, item 11): conditions as the province labels them,
every arrow numbered against the list of steps, the version numbered and dated."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from flask import Flask

from core.plugins import Registry
from core.testing import Harness
from tests.plugins.contoh import Inspektorat
from tests.ui.conftest import Ui, text
from web.ui.diagram import condition_text

SVG = "{http://www.w3.org/2000/svg}"


def test_conditions_are_words_and_versions_are_numbered_and_dated(ui: Ui) -> None:
    ui.create()  # the first activity stores the current version (today)
    ui.login("auditor")
    html = text(ui.get("/alur/"))
    for code in ("kesbangpol_conflict", "has_partners", "Versi alur"):
        assert code not in html, code
    guards = set(re.findall(r'data-label="Syarat">([^<]*)</td>', html))
    assert {  # the Kepala OPD's approval: three routes, each in words
        "jika ada OPD mitra; bukan oleh pengaju",
        "jika jenis konflik lahan atau intoleransi; bukan oleh pengaju",
        "selain itu; bukan oleh pengaju",
    } <= guards
    workflow = ui.harness.registry.get("lampung").workflow
    assert workflow.version not in html
    assert re.search(r"Versi 1 · \d{1,2} [A-Z][a-z]+ 20\d\d", html)


def test_every_arrow_is_numbered_against_the_list(ui: Ui) -> None:
    ui.login("auditor")
    root = ET.fromstring(text(ui.get("/alur/lampung.svg")))
    arrows = [p for p in root.iter(f"{SVG}path") if "e" in (p.get("class") or "").split()]
    workflow = ui.harness.registry.get("lampung").workflow
    assert len(arrows) == len({(t.source, t.target) for t in workflow.transitions})
    numbers = [
        n
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "n"
        for n in "".join(g.itertext()).split(",")
    ]
    assert sorted(map(int, numbers)) == list(range(1, len(workflow.transitions) + 1))
    for arrow in arrows:  # and says what it is when pointed at
        title = arrow.find(f"{SVG}title")
        assert title is not None and re.match(r"\d+\. ", title.text or "")
    words = " ".join(t.text or "" for t in root.iter(f"{SVG}tspan"))
    assert "jika ada OPD mitra" in words
    assert re.search(r"Versi 1 · ", root.find(f"{SVG}title").text or "")  # type: ignore[union-attr]


def test_a_plain_predicate_still_works_and_reads_by_its_name(app: Flask, harness: Harness) -> None:
    """Provinces written before ``Condition`` keep their plain functions."""
    runtime = Registry([Inspektorat()]).get("contoh")
    assert runtime.condition_label("besar") is None
    (big,) = [t for t in runtime.workflow.transitions if t.when == "besar"]
    with app.test_request_context():
        assert condition_text(big, runtime.workflow, runtime) == "jika syarat “besar” terpenuhi"
    lampung = harness.registry.get("lampung")
    assert lampung.condition_label("has_partners") == "ada OPD mitra"
