"""``sepakat new-province``: the package it writes implements every hook, imports Sepakat only
through the plugin API (``core.plugin``), installs from its own folder into a fresh virtualenv
beside Sepakat, shows up in ``sepakat plugins``, passes ``sepakat plugins check``, the API and the
import contract, shows its own English on the pages, and its own tests pass against the plugin
test kit."""

from __future__ import annotations

import ast
import json
import os
import site
import subprocess
import venv
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from click.testing import CliRunner

from core.errors import DomainError
from core.scaffold import new_province
from tests.helpers import SECRET_KEY
from tests.plugins.contract import contract_for, lint
from tests.plugins.test_docs import hook_names

ROOT = Path(__file__).resolve().parents[2]  # the repository under test, wherever it is cloned


def test_hook_module_stubs_every_hook(tmp_path: Path) -> None:
    made = new_province("maluku", "Provinsi Maluku", tmp_path, start_year=2026)
    assert made.root == tmp_path / "sepakat-maluku"
    tree = ast.parse((made.root / "sepakat_maluku" / "__init__.py").read_text(encoding="utf-8"))
    hooks = {
        f.name
        for f in tree.body
        if isinstance(f, ast.FunctionDef)
        and any(ast.unparse(d) == "hookimpl" for d in f.decorator_list)
    }
    assert hooks == set(hook_names())
    assert all(
        ast.get_docstring(f)
        for f in tree.body
        if isinstance(f, ast.FunctionDef) and f.name in hooks
    )
    cfg = (made.root / "setup.cfg").read_text(encoding="utf-8")
    assert "sepakat.provinces =\n    maluku = sepakat_maluku" in cfg
    province = json.loads((made.root / "sepakat_maluku" / "province.json").read_text())
    assert province["plans"][0]["start_year"] == 2026
    assert province["decree_format"].startswith("Peraturan Gubernur Maluku Nomor")
    mo = made.root / "sepakat_maluku" / "translations" / "en" / "LC_MESSAGES" / "messages.mo"
    assert {mo, mo.with_suffix(".po")} <= set(made.files)
    with mo.open("rb") as f:
        assert read_mo(f).get("Cara pelaksanaan").string == "Delivery mode"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.add(node.module)
    return out


def test_generated_package_uses_only_the_plugin_api(tmp_path: Path) -> None:
    """Module and tests alike: Sepakat only as ``core.plugin`` (and its test kit), besides the
    standard library, marshmallow, pytest and the package itself."""
    made = new_province("maluku", "Provinsi Maluku", tmp_path)
    allowed_core = {"core.plugin", "core.plugin.testing"}
    for path in made.root.rglob("*.py"):
        sepakat = {
            m for m in imported_modules(path) if m.split(".")[0] in ("core", "web", "plugins")
        }
        assert sepakat <= allowed_core, f"{path.name}: {sepakat - allowed_core}"
    conftest = (made.root / "tests" / "conftest.py").read_text(encoding="utf-8")
    assert 'pytest_plugins = ["core.plugin.testing"]' in conftest


@pytest.mark.parametrize(
    ("code", "name"),
    [("Maluku", "Provinsi Maluku"), ("1maluku", "Provinsi Maluku"), ("maluku", 'Provinsi "X"')],
)
def test_refuses_bad_input(tmp_path: Path, code: str, name: str) -> None:
    with pytest.raises(DomainError):
        new_province(code, name, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_never_overwrites(tmp_path: Path) -> None:
    new_province("maluku", "Provinsi Maluku", tmp_path)
    marker = tmp_path / "sepakat-maluku" / "setup.cfg"
    marker.write_text("diubah")
    with pytest.raises(DomainError, match="sudah ada"):
        new_province("maluku", "Provinsi Maluku", tmp_path)
    assert marker.read_text() == "diubah"


def test_cli_writes_into_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sepakat.cli import main

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main, ["new-province", "ntb", "--name", "Provinsi Nusa Tenggara Barat"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "sepakat-ntb" / "sepakat_ntb" / "__init__.py").is_file()
    assert "pip install -e" in result.output
    result = CliRunner().invoke(main, ["new-province", "ntb", "--name", "Provinsi NTB"])
    assert result.exit_code == 1 and "sudah ada" in result.output


def run(*args: str | Path, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


API_CHECK = """
from sepakat.app import create_app
app = create_app()
client = app.test_client()
token = client.post(
    "/api/v1/auth/token", json={"username": "maluku.admin", "password": "sepakat"}
).get_json()["access_token"]
auth = {"Authorization": f"Bearer {token}"}
codes = [p["code"] for p in client.get("/api/v1/provinces", headers=auth).get_json()]
workflow = client.get("/api/v1/provinces/maluku/workflow", headers=auth)
print(" ".join(codes), workflow.status_code)
"""


ENGLISH_PAGE = """
import re
from sepakat.app import create_app
client = create_app().test_client()

def form(path, **data):
    page = client.get("/masuk").get_data(as_text=True)
    token = re.search('name="csrf_token" value="([^"]+)"', page)[1]
    return client.post(path, data={**data, "csrf_token": token})

form("/bahasa", lang="en", next="/masuk")
form("/masuk", username="maluku.staf", password="sepakat")
page = client.get("/kegiatan/baru").get_data(as_text=True)
print("Delivery mode" in page, "In person" in page, "Cara pelaksanaan" in page)
"""


@pytest.mark.slow
def test_scaffolded_province_installs_into_a_fresh_virtualenv(tmp_path: Path) -> None:
    made = new_province("maluku", "Provinsi Maluku", tmp_path)
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    # The fresh environment borrows the running one's libraries (Flask, SQLAlchemy, pip, ...)
    # through a .pth file, so no package index is needed; its own site-packages come first, so
    # what is installed into it (Sepakat from this clone, the new province) wins.
    purelib = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                  cwd=tmp_path, env=dict(os.environ)).strip()  # fmt: skip
    parents = [*site.getsitepackages(), site.getusersitepackages()]
    Path(purelib, "zz_parent_env.pth").write_text(
        "".join(f"import site; site.addsitedir({p!r})\n" for p in parents)
    )
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    }
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'maluku.db'}",
        "SECRET_KEY": SECRET_KEY,
        "PATH": f"{env_dir / 'bin'}{os.pathsep}{env['PATH']}",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    pip = (python, "-m", "pip", "install", "-q", "--no-deps")
    run(*pip, "-e", ROOT, cwd=tmp_path, env=env)
    run(*pip, made.root, cwd=tmp_path, env=env)  # a regular install, from its own folder

    sepakat = env_dir / "bin" / "sepakat"
    listing = run(sepakat, "plugins", cwd=tmp_path, env=env)
    assert "maluku\tProvinsi Maluku" in listing
    assert "lampung\tProvinsi Lampung" in listing
    assert "Tidak ada masalah" in run(sepakat, "plugins", "check", "maluku", cwd=tmp_path, env=env)
    assert "Provinsi baru: 3" in run(sepakat, "init-db", cwd=tmp_path, env=env)
    run(sepakat, "seed-demo", cwd=tmp_path, env=env)
    assert run(python, "-c", API_CHECK, cwd=tmp_path, env=env).split() == [
        "lampung", "maluku", "sulteng", "200",
    ]  # fmt: skip
    # Its generated tests, run from its folder with the fresh environment's pytest.
    tests = run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=made.root, env=env)
    assert "5 passed" in tests
    # The installed package keeps the plugin-API contract (import-linter, as for plugins/).
    config = tmp_path / "contract.ini"
    config.write_text(contract_for("sepakat_maluku"))
    checked = lint(config, cwd=tmp_path, python=str(python), env=env)
    assert checked.returncode == 0 and "KEPT" in checked.stdout, checked.stdout + checked.stderr
    # Its own English, from the catalogue beside its module, on a page in English.
    assert run(python, "-c", ENGLISH_PAGE, cwd=tmp_path, env=env).split() == [
        "True", "True", "False",
    ]  # fmt: skip
    # The province module is the installed one, not Sepakat's source tree.
    where = run(python, "-c", "import sepakat_maluku; print(sepakat_maluku.__file__)",
                cwd=tmp_path, env=env)  # fmt: skip
    assert str(env_dir) in where
