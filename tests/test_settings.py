"""The settings table (core.settings): what ``load`` makes of the environment, and the README's
"Configuration (environment)" table listing exactly the settings that have a variable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.settings import SETTINGS, environment_table, load, value

ROOT = Path(__file__).resolve().parent.parent
ROW = re.compile(r"^\| `(?P<variable>[A-Z_]+)` \| (?P<default>.*) \| (?P<meaning>.*) \|$")


def readme_rows() -> dict[str, tuple[str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Configuration (environment)", 1)[1].split("\n## ", 1)[0]
    rows = [m for line in section.splitlines() if (m := ROW.match(line))]
    return {m["variable"]: (m["default"], m["meaning"]) for m in rows}


def test_readme_lists_every_environment_setting_and_no_other() -> None:
    documented = readme_rows()
    table = {s.variable: (s.shown, s.meaning) for s in SETTINGS if s.variable}
    hint = "paste core.settings.environment_table() into README.md:\n" + environment_table()
    assert sorted(set(table) - set(documented)) == [], "missing from README; " + hint
    assert sorted(set(documented) - set(table)) == [], "not in core.settings; " + hint
    assert documented == table, hint


def test_no_module_sets_a_default_of_its_own() -> None:
    """``config.setdefault("KEY", …)`` for a key of the table would be a second default."""
    keys = "|".join(re.escape(s.key) for s in SETTINGS)
    pattern = re.compile(rf"config\.setdefault\(\s*[\"'](?:{keys})[\"']")
    offenders = [
        str(path.relative_to(ROOT))
        for area in ("core", "web", "workers", "plugins")
        for path in (ROOT / area).rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_defaults_without_environment(tmp_path: Path) -> None:
    config = load({}, str(tmp_path))
    assert set(config) == {s.key for s in SETTINGS}
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/sepakat.db"
    assert config["REDIS_URL"] is None and config["SMTP_URL"] is None
    assert config["MAIL_FROM"] == "Sepakat <noreply@sepakat.local>"
    assert config["PUBLIC_URL"] == "http://127.0.0.1:5000"
    assert config["API_TOKEN_TTL"] == 28800
    assert config["UI_SECURE_COOKIES"] is None  # guessed from PUBLIC_URL by the pages
    assert config["EMAIL_MAX_ATTEMPTS"] == 1  # in process: one try
    assert len(config["SECRET_KEY"]) == 64


def test_environment_is_parsed_and_empty_means_unset(tmp_path: Path) -> None:
    config = load(
        {
            "DATABASE_URL": "postgres://u@h/db",
            "REDIS_URL": "redis://r:6379/0",
            "API_TOKEN_TTL": "60",
            "SESSION_COOKIE_SECURE": "0",
            "PUBLIC_URL": "",
        },
        str(tmp_path),
    )
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert config["API_TOKEN_TTL"] == 60
    assert config["UI_SECURE_COOKIES"] is False
    assert config["PUBLIC_URL"] == "http://127.0.0.1:5000"
    assert config["EMAIL_MAX_ATTEMPTS"] == 5  # a broker retries


def test_overrides_win_and_derived_defaults_follow_them(tmp_path: Path) -> None:
    env = {"MAIL_FROM": "Env <env@x>"}
    config = load(env, str(tmp_path), {"MAIL_FROM": "Test <t@x>", "REDIS_URL": "redis://r/1"})
    assert config["MAIL_FROM"] == "Test <t@x>"
    assert config["EMAIL_MAX_ATTEMPTS"] == 5


def test_a_bad_number_names_its_variable(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="API_TOKEN_TTL"):
        load({"API_TOKEN_TTL": "delapan jam"}, str(tmp_path))


def test_one_setting_without_an_app() -> None:
    assert value("WEB_CONCURRENCY", {}) == 2
    assert value("WEB_CONCURRENCY", {"WEB_CONCURRENCY": "4"}) == 4
