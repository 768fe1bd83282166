"""A page session ends on the server: at *Keluar* (a cookie copied before still opens nothing),
on a new password, after ``SESSION_IDLE_TIMEOUT`` unused and ``SESSION_LIFETIME`` after login.
A form posted into an ended session goes to the login page and, after logging in, is offered
again with what was typed. Time is ``web.ui.sessions.clock``, moved instead of slept."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select, update

from core.models import User
from core.services.accounts import set_password
from core.testing import Harness
from tests.ui.conftest import Ui, csrf_token, text
from web.ui import sessions


class Clock:
    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    clock = Clock()
    monkeypatch.setattr(sessions, "clock", clock)
    yield clock


def _opens_dashboard(ui: Ui) -> bool:
    response = ui.get("/")
    return response.status_code == 200


def test_a_cookie_copied_before_keluar_no_longer_opens_the_dashboard(
    ui: Ui, app: Flask, clock: Clock
) -> None:
    ui.login("dpppa.staf")
    assert _opens_dashboard(ui)
    copied = ui.client.get_cookie("session")
    assert copied is not None
    assert ui.post("/keluar", {}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied.value)
    response = thief.get("/")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_a_new_password_ends_open_sessions(ui: Ui, harness: Harness, clock: Clock) -> None:
    ui.login("dpppa.staf")
    with harness.factory() as s:
        user = s.execute(select(User).where(User.username == "dpppa.staf")).scalar_one()
        old = user.password_hash
        set_password(s, "dpppa.staf", "Kopi-Tubruk-Pagi-2026")
    try:
        response = ui.get("/")
        assert response.status_code == 302 and "/masuk" in response.headers["Location"]
    finally:  # the seeded users are shared by every test
        with harness.factory() as s:
            s.execute(update(User).where(User.username == "dpppa.staf").values(password_hash=old))
            s.commit()


def test_an_idle_session_ends_and_a_used_one_lives(ui: Ui, app: Flask, clock: Clock) -> None:
    idle = int(app.config["SESSION_IDLE_TIMEOUT"])
    assert idle == 30 * 60
    ui.login("dpppa.staf")
    for _ in range(3):  # used every 29 minutes: alive for 87
        clock.now += idle - 60
        assert _opens_dashboard(ui)
    clock.now += idle + 1
    response = ui.get("/kegiatan/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/masuk?next=/kegiatan/")
    page = ui.get(response.headers["Location"])
    assert "lama tidak aktif" in text(page)
    # Logging in again returns to the page that was asked for.
    again = ui.client.post(
        "/masuk?next=/kegiatan/",
        data={
            "username": "dpppa.staf",
            "password": "sepakat",
            "csrf_token": csrf_token(text(page)),
        },
    )
    assert again.status_code == 302 and again.headers["Location"] == "/kegiatan/"


def test_a_session_ends_after_its_lifetime_however_busy(ui: Ui, app: Flask, clock: Clock) -> None:
    assert int(app.config["SESSION_LIFETIME"]) == 12 * 3600
    ui.login("dpppa.staf")
    for _ in range(12 * 3):  # every 20 minutes for 12 hours
        assert _opens_dashboard(ui)
        clock.now += 20 * 60
    clock.now += 1  # twelve hours and a second after login
    response = ui.get("/")
    assert response.status_code == 302
    assert "terlalu lama terbuka" in text(ui.get(response.headers["Location"]))


def test_a_form_posted_into_an_ended_session_is_offered_again_after_login(
    ui: Ui, harness: Harness, clock: Clock
) -> None:
    activity_id = ui.create()
    ui.login("dpppa.staf")
    detail = f"/kegiatan/{activity_id}"
    token = csrf_token(text(ui.get(detail)))
    clock.now += 31 * 60  # lunch
    version = str(harness.version(activity_id))
    typed = {"action": "submit", "version": version, "comment": "Sudah dilengkapi, mohon ditinjau"}
    posted = ui.client.post(
        f"{detail}/aksi",
        data={**typed, "csrf_token": token},
        headers={"Referer": f"http://localhost{detail}"},
    )
    assert posted.status_code == 302
    assert posted.headers["Location"] == f"/masuk?next={detail}"
    login_page = text(ui.get(posted.headers["Location"]))
    assert "disimpan dan dapat dikirim ulang" in login_page
    logged_in = ui.client.post(
        posted.headers["Location"],
        data={
            "username": "dpppa.staf",
            "password": "sepakat",
            "csrf_token": csrf_token(login_page),
        },
    )
    assert logged_in.status_code == 302 and "/masuk/kirim-ulang" in logged_in.headers["Location"]
    offered = ui.get(logged_in.headers["Location"])
    assert offered.status_code == 200
    page = text(offered)
    assert "Sudah dilengkapi, mohon ditinjau" in page and f'action="{detail}/aksi"' in page
    sent = ui.client.post(f"{detail}/aksi", data={**typed, "csrf_token": csrf_token(page)})
    assert sent.status_code == 302 and sent.headers["Location"] == detail
    assert harness.version(activity_id) == int(version) + 1
    # Offered once: the kept form is gone.
    assert ui.get("/masuk/kirim-ulang").status_code == 302


def test_a_cross_site_post_into_an_ended_session_is_not_kept(ui: Ui, clock: Clock) -> None:
    activity_id = ui.create()
    ui.login("dpppa.staf")
    clock.now += 31 * 60
    forged = ui.client.post(
        f"/kegiatan/{activity_id}/aksi", data={"action": "submit", "version": "1"}
    )
    assert forged.status_code == 302
    assert "disimpan" not in text(ui.get(forged.headers["Location"]))


def test_a_page_reads_its_login_in_two_statements(ui: Ui, app: Flask, clock: Clock) -> None:
    """Every page request builds the actor and checks the session's generation: one statement
    each (issue 17: loading the ``User`` with its roles and province took four more), and the
    check still ends a session whose generation moved on."""
    from tests.test_round_trips import statements
    from web.extensions import session

    ui.login("dpppa.staf")
    with app.app_context():
        with statements(session()) as seen:
            assert _opens_dashboard(ui)
        engine = session().get_bind()
    reads_users = [s for s in seen if " FROM users" in " ".join(s.split())]
    assert len(reads_users) == 2, reads_users
    with engine.begin() as conn:
        conn.execute(
            update(User)
            .where(User.username == "dpppa.staf")
            .values(session_generation=User.session_generation + 1)
        )
    assert not _opens_dashboard(ui)
