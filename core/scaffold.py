"""``sepakat new-province``: a new province as its own pip-installable package, from the
templates in ``core/scaffold_templates`` (``string.Template``), its English catalogue compiled
(``.mo``) beside the ``.po`` so the pages find it at once."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from string import Template

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from core.errors import DomainError

CODE = re.compile(r"^[a-z][a-z0-9_]{1,30}$")
# Names go into JSON, Python strings and a regular expression: letters, digits, spaces, and the
# punctuation of Indonesian place names only.
NAME = re.compile(r"^[A-Za-z0-9 .,'()\-]{3,120}$")
TEMPLATES = "core.scaffold_templates"

# template → path in the new package ({module} is the Python package name)
LAYOUT = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "setup.cfg.tmpl": "setup.cfg",
    "README.md.tmpl": "README.md",
    "module_init.py.tmpl": "{module}/__init__.py",
    "province.json.tmpl": "{module}/province.json",
    "reference.json.tmpl": "{module}/reference.json",
    "demo.json.tmpl": "{module}/demo.json",
    "messages_en.po.tmpl": "{module}/translations/en/LC_MESSAGES/messages.po",
    "tests_conftest.py.tmpl": "tests/conftest.py",
    "tests_test_province.py.tmpl": "tests/test_province.py",
}


@dataclass(frozen=True)
class Scaffold:
    code: str
    name: str
    root: Path
    module: str
    distribution: str
    files: tuple[Path, ...]


def region_of(name: str) -> str:
    """``Provinsi Maluku Utara`` → ``Maluku Utara`` (as decrees name the province)."""
    return re.sub(r"^Provinsi\s+", "", name.strip())


def new_province(code: str, name: str, parent: Path, *, start_year: int | None = None) -> Scaffold:
    """Write the package into ``parent/sepakat-<code>``; refuses to overwrite anything."""
    if not CODE.match(code):
        raise DomainError(
            f"Kode provinsi '{code}' harus 2–31 huruf kecil, angka atau garis bawah, diawali huruf."
        )
    if not NAME.match(name.strip()):
        raise DomainError(
            "Nama provinsi harus 3–120 karakter: huruf, angka, spasi dan tanda baca nama tempat."
        )
    module = f"sepakat_{code}"
    distribution = f"sepakat-{code.replace('_', '-')}"
    root = parent / distribution
    if root.exists():
        raise DomainError(f"Folder {root} sudah ada; pilih --dir lain atau hapus dulu.")
    start = start_year or dt.date.today().year
    values = {
        "code": code,
        "name": name.strip(),
        "region": region_of(name),
        "region_regex": re.escape(region_of(name)),
        "module": module,
        "distribution": distribution,
        "start_year": str(start),
        "next_year": str(start + 1),
        "end_year": str(start + 4),
    }
    written: list[Path] = []
    for template, target in LAYOUT.items():
        text = files(TEMPLATES).joinpath(template).read_text(encoding="utf-8")
        path = root / target.format(module=module)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Template(text).substitute(values), encoding="utf-8")
        written.append(path)
        if path.suffix == ".po":
            written.append(compile_catalogue(path))
    return Scaffold(code, name.strip(), root, module, distribution, tuple(written))


def compile_catalogue(po: Path) -> Path:
    """``messages.po`` → ``messages.mo`` (what Flask-Babel loads), as ``pybabel compile``."""
    with po.open("rb") as f:
        catalog = read_po(f)
    mo = po.with_suffix(".mo")
    with mo.open("wb") as f:
        write_mo(f, catalog)
    return mo
