"""Core's and the province's messages follow the page language; the API stays Indonesian."""

from __future__ import annotations

import copy
import pickle
import re
from html import unescape

from flask import Flask
from sqlalchemy import select

from core.errors import Violation
from core.messages import Text, msg
from core.models import Opd, OutboxMessage, Plan, RoleAssignment, User
from core.notifications import MailSettings, deliver
from core.notifications.language import Catalogues
from core.services import preferences
from core.testing import Harness
from tests.helpers import lampung_payload
from tests.ui.conftest import Ui, text
from tests.ui.test_activities import form, new_form
from web.ui.translations import catalog


def in_english(ui: Ui, username: str) -> None:
    ui.post("/bahasa", {"lang": "en", "next": "/masuk"})
    ui.login(username)


def test_a_message_is_its_indonesian_text_and_keeps_template_and_values() -> None:
    m = msg("Tahun {year} tidak ada pada kegiatan.", year=2023)
    assert m == "Tahun 2023 tidak ada pada kegiatan."
    assert (m.template, m.params) == ("Tahun {year} tidak ada pada kegiatan.", {"year": 2023})
    for twin in (copy.deepcopy(m), pickle.loads(pickle.dumps(m))):
        assert isinstance(twin, Text) and twin == m and twin.params == m.params
    # a violation carries it unchanged (the API serialises it as the plain text)
    assert Violation("x", m).message.template == m.template


def test_form_errors_from_core_and_plugin_in_english(ui: Ui) -> None:
    in_english(ui, "dpppa.staf")
    bad = new_form(ui)
    bad.update(
        {
            "title": "",
            "years.2023.budget": "seratus juta",
            "years.2024.target": "x" * 201,
            "years.2024.budget": "1",
        }
    )
    html = text(ui.post("/kegiatan/baru", bad))
    assert "Required." in html  # core schema, fixed text
    assert "Write the rupiah amount in figures" in html  # a budget, in words
    assert "At most 200 characters." in html  # core schema, with a value
    assert "Wajib diisi." not in html and "Paling banyak" not in html
    bad = new_form(ui)
    bad.update({"details.sub_activity_code": "2.08", "details.locations": []})
    html = text(ui.post("/kegiatan/baru", bad))
    assert "The sub-activity code must have six numeric parts" in html  # the plugin's rules
    assert "Choose at least one location." in html


def test_transition_rule_with_values_in_english(ui: Ui, harness: Harness) -> None:
    activity_id = ui.create()
    harness.move(activity_id, ("dpppa.staf", "submit"), ("dpppa.kepala", "approve"))
    in_english(ui, "bappeda.verifikator")
    response = ui.act(activity_id, "confirm_budget", **{"confirmed.2023": "Rp200.000.000"})
    assert response.status_code == 422
    assert "The 2023 budget may only be lowered, not raised (proposed Rp150.000.000)." in text(
        response
    )


def test_a_stale_action_and_a_refused_edit_in_english(ui: Ui, harness: Harness) -> None:
    activity_id = ui.create()
    in_english(ui, "dpppa.staf")
    response = ui.post(f"/kegiatan/{activity_id}/aksi", {"action": "submit", "version": "0"})
    assert response.status_code == 409
    assert "The activity has changed since you opened it; reload and try again." in text(response)
    harness.act("dpppa.staf", activity_id, "submit")
    edit = form(plan_id=str(harness.plan_id()), version=str(harness.version(activity_id)))
    response = ui.post(f"/kegiatan/{activity_id}/ubah", edit)
    assert response.status_code == 409
    # core's message, its state label translated too
    expected = "An activity in state &#39;Review by head of agency&#39; cannot be changed."
    assert expected in text(response)


def test_the_api_keeps_bahasa_indonesia(ui: Ui, harness: Harness) -> None:
    """The API contract: 422 messages in Bahasa Indonesia, whatever the page language."""
    activity_id = ui.create()
    in_english(ui, "dpppa.staf")
    token = ui.client.post(
        "/api/v1/auth/token", json={"username": "dpppa.kepala", "password": "sepakat"}
    ).get_json()["access_token"]
    harness.act("dpppa.staf", activity_id, "submit")
    response = ui.client.post(
        f"/api/v1/activities/{activity_id}/transitions",
        json={"action": "return", "version": harness.version(activity_id)},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422
    assert "Catatan wajib diisi." in response.get_data(as_text=True)


# --- Issue 16, item 14: every page every role reaches, in English ---------------------------

# Words only the interface says (never a title, a name or a place of the demo data): any of
# them on an English page is a text left untranslated.
INDONESIAN = re.compile(
    r"\b(Pencegahan|Penanganan|Beranda|Keluar|Notifikasi|Riwayat|Simpan|Batal|"
    r"Ajukan|Setujui|Tetapkan|Kembalikan|Tolak|Usulan|Terapkan|Semua|Menunggu|Ditetapkan|"
    r"Dikembalikan|Reviu|Perlu tindakan|Selesai|Belum|Tidak ada|sejak|hari kerja|wajib|Pilih|"
    r"Tahun|Anggaran|Catatan|Kegiatan|telah|oleh|Lainnya|Hibah)\b"
)
# A count written with the plural whatever the number (``1 activities``).
ONE_PLURAL = re.compile(r"\b1 (activities|drafts|days|minutes|concurrences|working days)\b")
SKIP = re.compile(r"^/(static|api|keluar)|\.(xlsx|pdf)$|/unduh|/lampiran/\d+$")
PER_PATTERN = 2  # pages per URL shape (``/kegiatan/<n>``): the rest look the same
MAX_PAGES = 45


def visible(html: str) -> str:
    """What the reader sees: the text outside tags, scripts and styles, unescaped."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def names(h: Harness) -> str:
    """The data's names (people, OPDs, places, plans): a catalogue text inside one is a name."""
    with h.session() as s:
        found = [
            *s.execute(select(User.full_name)).scalars(),
            *s.execute(select(Opd.name)).scalars(),
        ]
        found += list(s.execute(select(Plan.title)).scalars())
    for runtime in h.registry:
        found += [c.label for k in catalog.NAMES for c in runtime.reference.lists.get(k, [])]
    return "\n".join(found)


def untranslated_ids(h: Harness) -> list[str]:
    """Catalogue texts (core's and the provinces') whose English differs: the Indonesian of
    any of them on an English page was never passed through the catalogue (names left out)."""
    known_names = names(h)
    ids: set[str] = set()
    for po in (catalog.PO, *(catalog.province_po(p) for p in catalog.PROVINCES)):
        for m in catalog.load(po):
            if not isinstance(m.id, str) or not isinstance(m.string, str):
                continue
            differs = m.string and m.string != m.id and m.id not in known_names
            if " " in m.id and differs and not PLACEHOLDER.search(m.id):
                ids.add(m.id)
    return sorted(ids, key=len, reverse=True)


PLACEHOLDER = re.compile(r"\{\w+\}|%\(\w+\)s")


def crawl(ui: Ui) -> dict[str, str]:
    """Every page reachable by links from the dashboard (GET), breadth first: path → text."""
    seen: dict[str, str] = {}
    shapes: dict[str, int] = {}
    queue = ["/"]
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        bare, _, query = path.partition("?")
        shape = re.sub(r"\d+", "N", bare) + "?" + ",".join(sorted(re.findall(r"(\w+)=", query)))
        if path in seen or SKIP.search(path.split("?")[0]) or shapes.get(shape, 0) >= PER_PATTERN:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        response = ui.get(path)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        html = text(response)
        seen[path] = html
        queue += [unescape(h) for h in re.findall(r'href="(/[^"#]*)"', html)]
    return seen


def one_user_per_role(h: Harness) -> list[str]:
    with h.session() as s:
        rows = s.execute(
            select(User.username, RoleAssignment.role, User.province_id)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .order_by(User.id)
        ).all()
    chosen: dict[tuple[str, int], str] = {}
    for username, role, province in rows:
        chosen.setdefault((role, province), username)
    return sorted(set(chosen.values()))


def signed_one(h: Harness) -> int:
    activity_id = h.create("dpppa.staf", lampung_payload(h.plan_id())).id
    h.walk(
        activity_id, "submit", "approve", "confirm_budget", "sign", decree_number="G/8/V.09/HK/2023"
    )
    return activity_id


def activities_in_every_state(h: Harness, app: Flask) -> None:
    """Lampung activities from draft to signed, returned and rejected, a Sulawesi Tengah one
    under review, their notifications delivered (every user reads English)."""
    with h.session() as s:
        for user_id in s.execute(select(User.id)).scalars():
            preferences.set_language(s, user_id, "en")
    ids = [h.create("dpppa.staf", lampung_payload(h.plan_id())).id for _ in range(5)]
    h.walk(ids[1], "submit")
    h.walk(ids[2], "submit", "approve")
    h.walk(ids[3], "submit", "approve", "confirm_budget", "sign", decree_number="G/7/V.09/HK/2023")
    h.walk(ids[4], "submit", "approve", "return", comment="Lengkapi.")
    # Progress reports on the signed one (issue 14): a draft, one at the Kepala, one returned.
    done = {"output_target": 60, "output_realised": 2.5, "budget_realised": 45_000_000}
    h.file_report("dpppa.staf", ids[3], 2023, "S1", **done)
    waiting = h.file_report("dpppa.staf", ids[3], 2023, "S2", **done).id
    h.report_walk(waiting, "submit")
    other_year = signed_one(h)
    back = h.file_report("dpppa.staf", other_year, 2023, "S1", **done).id
    h.report_walk(back, "submit", "return", comment="Lampirkan daftar hadir.")
    rejected = h.create("dpppa.staf", lampung_payload(h.plan_id())).id
    h.walk(rejected, "submit", "approve", "reject", comment="Tumpang tindih.")
    sulteng = Harness(h.factory, h.registry, province="sulteng")
    other = sulteng.create("sulteng.dp3a.staf", sulteng.demo_payload(0)).id
    sulteng.walk(other, "submit")
    catalogues = Catalogues.from_path(app.config["BABEL_TRANSLATION_DIRECTORIES"])
    settings = MailSettings(None, "noreply@sepakat.test", "http://x", catalogues=catalogues)
    with h.session() as s:
        outbox_ids = list(s.execute(select(OutboxMessage.id).order_by(OutboxMessage.id)).scalars())
    for outbox_id in outbox_ids:
        with h.session() as s:
            deliver(s, outbox_id, settings)


def test_every_page_every_role_reaches_is_english(ui: Ui, harness: Harness, app: Flask) -> None:
    activities_in_every_state(harness, app)
    ids = untranslated_ids(harness)
    problems: list[str] = []
    for username in one_user_per_role(harness):
        client = Ui(app.test_client(), harness)
        in_english(client, username)
        pages = crawl(client)
        assert len(pages) > 3, f"{username} reached only {sorted(pages)}"
        for path, html in pages.items():
            seen = visible(html)
            problems += [f"{username} {path}: {w!r}" for w in INDONESIAN.findall(seen)[:3]]
            problems += [f"{username} {path}: {m[0]!r}" for m in ONE_PLURAL.finditer(seen)]
            problems += [f"{username} {path}: {i!r}" for i in ids if i in seen][:3]
    assert not problems, "Indonesian on English pages:\n" + "\n".join(sorted(set(problems)))


def test_counts_take_the_singular_for_one(ui: Ui, harness: Harness) -> None:
    ui.create()
    in_english(ui, "dpppa.staf")
    page = visible(text(ui.get("/")))
    assert "Total: 1 activity" in page and "1 activities" not in page
