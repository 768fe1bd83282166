"""A production install starts without demo accounts: ``sepakat create-admin`` makes the first
province admin with a password of their own (asked twice, hidden, or from
``SEPAKAT_ADMIN_PASSWORD``) under the password policy; ``seed-demo --password`` refuses a short
password unless it is the demo's own default."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask.cli import ScriptInfo

from core.plugins import Registry
from core.security import password_problems
from sepakat.app import create_app
from sepakat.cli import main
from tests.helpers import SECRET_KEY

GOOD = "Kopi-Tubruk-Pagi-2026"
ADMIN = [
    "create-admin",
    "--province",
    "lampung",
    "--username",
    "rina.admin",
    "--full-name",
    "Rina Wulandari",
    "--email",
    "rina@lampungprov.go.id",
]


@pytest.fixture
def cli(tmp_path: Path, registry: Registry, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("SEPAKAT_ADMIN_PASSWORD", raising=False)
    config = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.db'}",
        "SECRET_KEY": SECRET_KEY,
    }
    app = create_app(config, registry)

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(
            main, list(args), obj=ScriptInfo(create_app=lambda: app), input=input, env=env
        )

    assert run("init-db").exit_code == 0
    run.app = app  # type: ignore[attr-defined]
    return run


def _sign_in(app, username: str, password: str) -> int:  # type: ignore[no-untyped-def]
    response = app.test_client().post(
        "/api/v1/auth/token", json={"username": username, "password": password}
    )
    return int(response.status_code)


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("pendek", "minimal 12"),
        ("rina.admin-2026", "nama pengguna"),
        ("RINA.ADMIN", "minimal 12"),
        ("bismillah123", "sering ditebak"),
        ("Password1234", "sering ditebak"),
    ],
)
def test_the_policy_names_what_is_wrong(password: str, why: str) -> None:
    assert any(why in p for p in password_problems(password, "rina.admin"))


def test_a_good_password_passes_the_policy() -> None:
    assert password_problems(GOOD, "rina.admin") == []


def test_create_admin_asks_the_password_twice_and_the_admin_signs_in(cli) -> None:  # type: ignore[no-untyped-def]
    done = cli(*ADMIN, input=f"{GOOD}\n{GOOD}\n")
    assert done.exit_code == 0, done.output
    assert GOOD not in done.output  # hidden prompt: never echoed
    assert _sign_in(cli.app, "rina.admin", GOOD) == 200
    token = (
        cli.app.test_client()
        .post("/api/v1/auth/token", json={"username": "rina.admin", "password": GOOD})
        .json["access_token"]
    )
    me = cli.app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json["roles"] == ["admin"] and me.json["province"] == "lampung"
    # No demo account came with it.
    assert _sign_in(cli.app, "admin.lampung", "sepakat") == 401


def test_create_admin_reads_the_password_from_the_environment(cli) -> None:  # type: ignore[no-untyped-def]
    done = cli(*ADMIN, env={"SEPAKAT_ADMIN_PASSWORD": GOOD})
    assert done.exit_code == 0, done.output
    assert _sign_in(cli.app, "rina.admin", GOOD) == 200


def test_create_admin_refuses_a_weak_password_and_writes_nothing(cli) -> None:  # type: ignore[no-untyped-def]
    done = cli(*ADMIN, env={"SEPAKAT_ADMIN_PASSWORD": "sepakat"})
    assert done.exit_code == 1 and "minimal 12 karakter" in done.output
    done = cli(
        *ADMIN,
        input="Kopi-Tubruk-Pagi-2026\nKopi-Tubruk-Sore-2026\n"
        "Kopi-Tubruk-Pagi-2026\nKopi-Tubruk-Pagi-2026\n",
    )
    assert done.exit_code == 0  # a mismatch is asked again, then it works
    assert _sign_in(cli.app, "rina.admin", "sepakat") == 401


def test_create_admin_refuses_a_taken_username_or_an_unknown_province(cli) -> None:  # type: ignore[no-untyped-def]
    env = {"SEPAKAT_ADMIN_PASSWORD": GOOD}
    assert cli(*ADMIN, env=env).exit_code == 0
    again = cli(*ADMIN, env=env)
    assert again.exit_code == 1 and "sudah dipakai" in again.output
    elsewhere = [*ADMIN]
    elsewhere[2] = "atlantis"
    elsewhere[4] = "orang.lain"
    done = cli(*elsewhere, env=env)
    assert done.exit_code == 1 and "tidak ada" in done.output


def test_set_password_replaces_the_password(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli(*ADMIN, env={"SEPAKAT_ADMIN_PASSWORD": GOOD}).exit_code == 0
    new = "Teh-Manis-Hangat-Sore"
    done = cli("set-password", "rina.admin", env={"SEPAKAT_ADMIN_PASSWORD": new})
    assert done.exit_code == 0, done.output
    assert _sign_in(cli.app, "rina.admin", new) == 200
    assert _sign_in(cli.app, "rina.admin", GOOD) == 401


@pytest.mark.parametrize("password", ["a", "sepakat1", "elevenchars"])
def test_seed_demo_refuses_a_short_password(cli, password: str) -> None:  # type: ignore[no-untyped-def]
    done = cli("seed-demo", "--password", password)
    assert done.exit_code == 2 and "minimal 12 karakter" in done.output
    assert _sign_in(cli.app, "admin.lampung", password) == 401


def test_seed_demo_takes_a_long_password(cli) -> None:  # type: ignore[no-untyped-def]
    done = cli("seed-demo", "--password", "uji-beban-panjang")
    assert done.exit_code == 0, done.output
    assert _sign_in(cli.app, "admin.lampung", "uji-beban-panjang") == 200


def test_the_readme_deploys_without_demo_accounts() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    deploy = readme.split("## Deploy", 1)[1].split("\n## ", 1)[0]
    assert "sepakat init-db" in deploy and "sepakat create-admin" in deploy
    assert "sepakat seed-demo &&" not in deploy and "run --rm web sepakat seed-demo`" not in deploy


def test_a_new_password_ends_the_api_tokens_issued_before(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli(*ADMIN, env={"SEPAKAT_ADMIN_PASSWORD": GOOD}).exit_code == 0
    client = cli.app.test_client()
    token = client.post(
        "/api/v1/auth/token", json={"username": "rina.admin", "password": GOOD}
    ).json["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=auth).status_code == 200
    new = "Teh-Manis-Hangat-Sore"
    assert cli("set-password", "rina.admin", env={"SEPAKAT_ADMIN_PASSWORD": new}).exit_code == 0
    refused = client.get("/api/v1/me", headers=auth)
    assert refused.status_code == 401 and "Kata sandi telah diganti" in refused.json["message"]


@pytest.mark.parametrize(
    ("password", "email", "why"),
    [
        ("x" * 129, "", "paling banyak 128"),
        ("rina.wulandari-2026", "rina.wulandari@lampungprov.go.id", "alamat e-mail"),
    ],
)
def test_the_policy_caps_the_length_and_refuses_the_address(
    password: str, email: str, why: str
) -> None:
    assert any(why in p for p in password_problems(password, "rina.admin", email))
    assert password_problems(GOOD, "rina.admin", "rina@lampungprov.go.id") == []
