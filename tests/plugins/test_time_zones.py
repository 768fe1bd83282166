"""A province declares its zone in ``ProvinceInfo.timezone``: ``plugins check`` refuses one that
is unknown or outside Indonesia, and a province on Asia/Jayapura reads WIT in its e-mails, its
pages and its reminder days (a test plugin with its own registry, both backends)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select, update

from core.hookspecs import hookimpl
from core.models import Activity, Notification, OutboxMessage, Province, WorkflowDefinition
from core.notifications import MailSettings, deliver, due
from core.plugin_check import check_province
from core.plugins import Registry
from core.testing import Harness, harness_for
from core.types import DemoData, ProvinceInfo
from sepakat.app import create_app
from sepakat.cli import main
from sepakat.database import db
from tests.helpers import SECRET_KEY
from tests.notify.services import smtp_server
from tests.plugins.contoh import Contoh, payload
from tests.ui.conftest import Ui, text

# Monday 2 March 2026, 07.38 UTC is 16.38 WIT in Jayapura.
MOMENT = dt.datetime(2026, 3, 2, 7, 38, tzinfo=dt.UTC)


class Zoned(Contoh):
    """Contoh on another zone, its demo users with e-mail addresses."""

    zone = "Asia/Jayapura"

    @hookimpl
    def province_info(self) -> ProvinceInfo:
        return replace(super().province_info(), timezone=self.zone)

    @hookimpl
    def demo_data(self) -> DemoData:
        base = super().demo_data()
        users = tuple(replace(u, email=f"{u.username}@contoh.test") for u in base.users)
        return replace(base, users=users)


def _problems(zone: str) -> list[str]:
    plugin = Zoned()
    plugin.zone = zone
    (runtime,) = Registry([plugin])
    return [p.message for p in check_province(runtime) if p.code == "timezone"]


def test_plugins_check_refuses_zones_outside_indonesia() -> None:
    assert _problems("Asia/Jayapura") == []
    assert _problems("Asia/Pontianak") == []
    [outside] = _problems("Asia/Singapore")
    assert "di luar Indonesia" in outside and "Asia/Makassar (WITA)" in outside
    [unknown] = _problems("Asia/Palu")
    assert "tidak dikenal" in unknown


@pytest.fixture
def papua(database_url: str) -> Harness:
    return harness_for(Zoned(), database_url)


def _submitted(h: Harness) -> tuple[int, int]:
    activity_id = h.create("a.staf", payload(h)).id
    [outbox_id] = h.act("a.staf", activity_id, "submit").outbox_ids
    with h.session() as s:
        s.execute(
            update(OutboxMessage).where(OutboxMessage.id == outbox_id).values(created_at=MOMENT)
        )
        s.commit()
    return activity_id, outbox_id


def test_the_province_row_keeps_the_declared_zone(papua: Harness) -> None:
    with papua.session() as s:
        assert s.execute(select(Province.timezone)).scalar_one() == "Asia/Jayapura"


def test_a_jayapura_email_reads_wit(papua: Harness) -> None:
    _, outbox_id = _submitted(papua)
    with smtp_server() as (url, mail), papua.session() as s:
        result = deliver(s, outbox_id, MailSettings(url, "noreply@contoh.test", "http://x"))
        assert result is not None and result.email_status == "sent"
        [message] = mail.messages
    assert "Waktu            : 2 Maret 2026 pukul 16.38 WIT" in message.get_content().splitlines()


@pytest.fixture
def papua_ui(papua: Harness) -> Iterator[Ui]:
    url = papua.factory.kw["bind"].url.render_as_string(hide_password=False)
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url},
        registry=papua.registry,
    )
    yield Ui(app.test_client(), papua)
    with app.app_context():
        db.engine.dispose()


def test_a_jayapura_page_reads_wit(papua: Harness, papua_ui: Ui) -> None:
    _, outbox_id = _submitted(papua)
    with papua.session() as s:
        deliver(s, outbox_id, MailSettings(None, "noreply@contoh.test", "http://x"))
        s.execute(update(Notification).values(created_at=MOMENT))
        s.commit()
    papua_ui.login("a.kepala")
    assert "2 Maret 2026 pukul 16.38 WIT<" in text(papua_ui.get("/notifikasi/"))


def test_jayapura_working_days_start_at_its_midnight(papua: Harness) -> None:
    """15.30 UTC on Monday 6 July 2026 is 00.30 WIT on Tuesday: the wait counts from Tuesday."""
    activity_id, _ = _submitted(papua)
    arrived = dt.datetime(2026, 7, 6, 15, 30, tzinfo=dt.UTC)
    with papua.session() as s:
        s.execute(
            update(Activity).where(Activity.id == activity_id).values(state_changed_at=arrived)
        )
        s.commit()
        # Tuesday 14 July, 09.00 WIT: 5 working days since Tuesday 7 July, not yet due;
        # the same moment counted in WIB would be 6.
        assert due(s, papua.registry, dt.datetime(2026, 7, 14, 0, 0, tzinfo=dt.UTC)) == []
        [reminder] = due(s, papua.registry, dt.datetime(2026, 7, 15, 0, 0, tzinfo=dt.UTC))
    assert (reminder.since, reminder.working_days) == (dt.date(2026, 7, 7), 6)


def test_workflow_diff_lists_versions_in_the_provinces_zone(papua: Harness) -> None:
    url = papua.factory.kw["bind"].url.render_as_string(hide_password=False)
    with papua.session() as s:
        s.execute(update(WorkflowDefinition).values(created_at=MOMENT))
        s.commit()
    result = CliRunner().invoke(
        main,
        ["workflow", "diff", "contoh"],
        obj=ScriptInfo(
            create_app=lambda: create_app(
                {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY}, papua.registry
            )
        ),
    )
    assert result.exit_code == 0, result.output
    assert f"{papua.runtime.workflow.version}  2026-03-02 16.38 WIT  " in result.output
