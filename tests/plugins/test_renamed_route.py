"""A province that renames signing to ``tetapkan`` and sending back to ``kembalikan``, and adds a
second budget step (Bappeda verifies, then confirms): what a move means is data, so pagu
booking, its release, the decree rule, the queues, the dashboard, the batch sign-off, the
notices and the diagram all follow the flags, not the names."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from core.errors import RuleFailed
from core.hookspecs import hookimpl
from core.models import Ceiling, Opd, OutboxMessage, User
from core.services import ListFilters, batch_signoff, list_activities
from core.testing import Harness
from core.workflow import State, StateKind, Transition, WorkflowBuilder, reject_transition
from sepakat.app import create_app
from sepakat.database import db
from tests.plugins.contoh import Contoh, engine, payload
from tests.ui.conftest import Ui

DECREE = "Peraturan Gubernur Contoh Nomor 9 Tahun 2025"


class Ubahan(Contoh):
    @hookimpl
    def customize_workflow(self, workflow: WorkflowBuilder) -> None:
        for t in workflow.find(lambda t: t.requires_decree):
            workflow.replace_transition(t, action="tetapkan")
        for t in workflow.find(lambda t: t.sends_back):
            workflow.replace_transition(t, action="kembalikan")
        # Bappeda's one step becomes two: verify (books nothing), then confirm (books the pagu).
        (book,) = workflow.find(lambda t: t.books_budget)
        (back,) = workflow.find(lambda t: t.sends_back and t.source == book.source)
        final = State(
            "budget_final", "Konfirmasi Akhir Anggaran", stage_role="bappeda", kind=StateKind.BUDGET
        )
        workflow.add_state(final, after=book.source)
        workflow.replace_transition(
            book, action="konfirmasi_akhir", source=final.code, label="Konfirmasi akhir"
        )
        workflow.add_transition(
            Transition("verifikasi", book.source, final.code, book.roles, "Verifikasi anggaran")
        )
        workflow.add_transition(replace(back, source=final.code))
        workflow.add_transition(reject_transition(final.code, "bappeda"))


@pytest.fixture
def h(tmp_path: Any) -> Harness:
    return engine(tmp_path, Ubahan())


def _confirmed(h: Harness, opd: str = "dinas_a") -> int:
    """What Bappeda has booked against the OPD's 2025 pagu."""
    with h.session() as s:
        return int(
            s.execute(
                select(Ceiling.confirmed)
                .join(Opd, Opd.id == Ceiling.opd_id)
                .where(Ceiling.year == 2025, Opd.code == opd)
            ).scalar_one()
        )


def test_the_flags_survive_renaming(h: Harness) -> None:
    w = h.runtime.workflow
    assert "sign" not in w.actions and "return" not in w.actions
    assert {"tetapkan", "kembalikan", "verifikasi", "konfirmasi_akhir"} <= w.actions
    assert w.codes(StateKind.BUDGET) == ("budget_review", "budget_final")


def test_pagu_is_booked_at_the_second_step_and_released_on_kembalikan(h: Harness) -> None:
    a = h.create("a.staf", payload(h, budget=300_000_000)).id
    h.walk(a, "submit", "approve", "verifikasi")
    assert h.state(a) == "budget_final"
    assert _confirmed(h) == 0  # verifying books nothing
    h.walk(a, "konfirmasi_akhir")
    assert _confirmed(h) == 300_000_000
    h.walk(a, "kembalikan", comment="Mohon revisi rincian.")
    assert h.state(a) == "returned" and _confirmed(h) == 0


def test_the_pagu_still_refuses_too_much(h: Harness) -> None:
    a = h.create("a.staf", payload(h, budget=2_500_000_000)).id
    h.walk(a, "submit", "approve", "verifikasi")
    with pytest.raises(RuleFailed) as err:
        h.walk(a, "konfirmasi_akhir")
    assert "ceiling_exceeded" in {v.code for v in err.value.violations}


def test_tetapkan_needs_the_decree_and_records_it(h: Harness) -> None:
    a = h.create("a.staf", payload(h)).id
    h.walk(a, "submit", "approve", "verifikasi", "konfirmasi_akhir")
    with pytest.raises(RuleFailed) as err:
        h.walk(a, "tetapkan")
    assert {v.code for v in err.value.violations} == {"decree_required"}
    h.walk(a, "tetapkan", decree_number=DECREE)
    assert h.state(a) == "signed"


def test_kembalikan_tells_the_submitter_and_the_head(h: Harness) -> None:
    a = h.create("a.staf", payload(h)).id
    h.walk(a, "submit", "approve")
    result = h.walk(a, "kembalikan", comment="Lengkapi indikator.")[0]
    assert result.to_state == "returned"
    with h.session() as s:
        told = s.execute(
            select(User.username)
            .join(OutboxMessage, OutboxMessage.recipient_id == User.id)
            .where(OutboxMessage.id.in_(result.outbox_ids))
        ).scalars()
        assert sorted(told) == ["a.kepala", "a.staf"]  # Bappeda sent it back


def test_batch_signoff_uses_the_renamed_action(h: Harness) -> None:
    ids = []
    for _ in range(2):
        a = h.create("a.staf", payload(h)).id
        h.walk(a, "submit", "approve", "verifikasi", "konfirmasi_akhir")
        ids.append(a)
    with h.session() as s:
        items = batch_signoff(s, h.registry, h.actor("gubernur"), h.plan_id(), ids, DECREE)
    assert [i.result.action for i in items if i.result] == ["tetapkan", "tetapkan"]
    assert [h.state(i) for i in ids] == ["signed", "signed"]


def test_both_budget_states_are_in_bappedas_queue(h: Harness) -> None:
    first = h.create("a.staf", payload(h)).id
    h.walk(first, "submit", "approve")
    second = h.create("a.staf", payload(h)).id
    h.walk(second, "submit", "approve", "verifikasi")
    with h.session() as s:
        queued, _ = list_activities(
            s,
            h.actor("bappeda"),
            ListFilters(states=h.runtime.workflow.codes(StateKind.BUDGET)),
        )
    assert {a.id for a in queued} == {first, second}


@pytest.fixture
def ui(h: Harness) -> Iterator[Ui]:
    url = h.factory.kw["bind"].url.render_as_string(hide_password=False)
    app: Flask = create_app(
        {"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url},
        registry=h.registry,
    )
    yield Ui(app.test_client(), h)
    with app.app_context():
        db.engine.dispose()


def test_pages_follow_the_flags(ui: Ui, h: Harness) -> None:
    waiting = h.create("a.staf", payload(h, title="Menunggu konfirmasi akhir")).id
    h.walk(waiting, "submit", "approve", "verifikasi")
    signing = h.create("a.staf", payload(h, title="Menunggu penetapan")).id
    h.walk(signing, "submit", "approve", "verifikasi", "konfirmasi_akhir")

    ui.login("bappeda")
    queue = ui.get("/antrean/").get_data(as_text=True)
    assert "Menunggu konfirmasi akhir" in queue
    detail = ui.get(f"/kegiatan/{waiting}").get_data(as_text=True)
    assert "Konfirmasi akhir" in detail and 'name="confirmed.2025"' in detail  # the pagu form
    assert ui.get("/").status_code == 200
    diagram = ui.get("/alur/").get_data(as_text=True)
    assert "Konfirmasi Akhir Anggaran" in diagram
    assert 'class="e back"' in diagram  # kembalikan is drawn as a setback

    ui.post("/keluar", {})
    ui.login("gubernur")
    page = ui.get("/penetapan/").get_data(as_text=True)
    assert "Menunggu penetapan" in page and "Menunggu konfirmasi akhir" not in page
    detail = ui.get(f"/kegiatan/{signing}").get_data(as_text=True)
    assert 'name="decree_number"' in detail
    form = {"activity_ids": str(signing), "decree_number": DECREE, "step": "final"}
    done = ui.post("/penetapan/", form)  # the summary step confirmed
    assert done.status_code == 200 and h.state(signing) == "signed"
