"""A known, short or trivial ``SECRET_KEY`` would let anyone sign a token or a session cookie
offline: the app refuses to start with one (``sepakat demo`` and tests that say ``TESTING``
excepted), naming what to do. The demo starting with a weak key is tests/ui/test_browser.py's
``sepakat demo`` subprocess (``SECRET_KEY=browser-test``)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import click
import pytest

from core.settings import UnsafeSecretKey, secret_key_problem
from sepakat.app import create_app
from sepakat.cli import create_cli_app, main

COMPOSE_DEFAULT = "ganti-kunci-ini-sebelum-dipakai-sungguhan"
WEAK = ["a", COMPOSE_DEFAULT, "test", "x" * 64, "ab" * 20, "0123456789"]


@pytest.mark.parametrize("key", WEAK)
def test_weak_keys_are_named(key: str) -> None:
    assert secret_key_problem(key)


def test_a_random_key_is_fine() -> None:
    assert secret_key_problem(secrets.token_hex(32)) is None
    assert secret_key_problem(secrets.token_urlsafe(32)) is None


@pytest.mark.parametrize("key", ["a", COMPOSE_DEFAULT])
def test_the_app_refuses_to_start_with_a_weak_key_from_the_environment(
    key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECRET_KEY", key)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(UnsafeSecretKey) as refused:
        create_app()
    assert "openssl rand -hex 32" in str(refused.value)


def test_the_instance_key_is_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    assert len(app.config["SECRET_KEY"]) == 64


def _cli(key: str, *args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SECRET_KEY": key, "DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}
    env.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "sepakat.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("command", [["serve", "--port", "1"], ["init-db"], ["worker"]])
def test_commands_refuse_a_weak_key_with_one_clear_line(command: list[str], tmp_path: Path) -> None:
    done = _cli("a", *command, tmp_path=tmp_path)
    assert done.returncode != 0
    assert "SECRET_KEY terlalu pendek" in done.stderr
    assert "Traceback" not in done.stderr


def test_only_the_demo_builds_its_app_with_a_weak_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECRET_KEY", "a")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'd.db'}")
    with click.Context(main, info_name="demo"):
        assert create_cli_app().config["SECRET_KEY"] == "a"
    with click.Context(main, info_name="serve"), pytest.raises(click.ClickException):
        create_cli_app()


def test_a_good_key_from_the_environment_starts(tmp_path: Path) -> None:
    done = _cli(secrets.token_hex(32), "init-db", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
