"""Issue 15's fuzz pass over the pages: every parameter of every page, for every role.

Each demo role (and an anonymous visitor) walks the site from its dashboard and from every
route of Flask's ``url_map`` (filled with ids of activities in each state); every form found
(each field, the CSRF token and the buttons included) and every query parameter of a link or a
redirect is sent again with each of ``tests.ui.fuzz.HOSTILE``'s values in its place, the other
fields as the page filled them; every route's path arguments get the same values. The rule:
no 5xx, no page with a traceback, no writing statement run on a GET, nothing committed by a
POST that was refused (4xx). A parameter is fuzzed once per (route, form shape) across the
roles (the first role that sees it), the path arguments once per route and role kind, so the
pass stays near a minute on PostgreSQL; the figures are printed (``-s``).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.routing import Map
from werkzeug.test import TestResponse

from core.models import User
from core.services import acting, attachments, clarifications, users
from core.storage import LocalStorage
from core.testing import Harness
from core.timezones import local_date
from core.unit_of_work import unit_of_work
from sepakat.database import db
from tests.helpers import lampung_payload
from tests.seeded_rows import seeded_opds_and_pagu, seeded_users
from tests.ui.conftest import PASSWORD, Ui, csrf_token
from tests.ui.fuzz import HOSTILE, SqlWatch, encode, local, parse_page, values_for

pytestmark = pytest.mark.slow


@pytest.fixture(params=["postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


ROLES = [
    "dpppa.staf",
    "dpppa.kepala",
    "bappeda.verifikator",
    "gubernur",
    "auditor",
    "admin.lampung",
    "sulteng.gubernur",
    None,  # anonymous, last: its failed sign-ins must not throttle the others' sign-in
]
EVERYTHING = os.environ.get("SEPAKAT_FUZZ_ALL") == "1"
MAX_PAGES = 150  # per role: the admin's pages list every account, each with its forms
SKIP_PATHS = ("/static/", "/aset/", "/api/", "/healthz")
# Answers no GET may write for; a refused POST commits nothing either, except these, whose
# refusals are recorded on purpose (a failed sign-in: the throttle's counter and the event).
WRITING_REFUSALS = {"auth.login"}


@dataclass
class Tally:
    requests: int = 0
    by_status: Counter[int] = field(default_factory=Counter)
    endpoints: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)


@dataclass
class Fuzz:
    ui: Ui
    app: Flask
    watch: SqlWatch
    tally: Tally
    done: set[tuple[str, str, str]] = field(default_factory=set)  # (method, endpoint, name)
    errors: list[str] = field(default_factory=list)  # the app's logged exceptions

    @property
    def urls(self) -> Map:
        return self.app.url_map

    def endpoint(self, method: str, path: str) -> str | None:
        try:
            rule, _ = self.urls.bind("localhost").match(path, method=method, return_rule=True)
        except Exception:  # a 404, 405 or redirect: not a route
            return None
        return str(rule.endpoint)

    def send(self, method: str, path: str, wire: str, what: str) -> TestResponse:
        """One request with an already encoded query string (GET) or form body (POST)."""
        self.watch.start()
        if method == "GET":
            response = self.ui.client.get(path, query_string=wire)
        else:
            response = self.ui.client.post(
                path, data=wire.encode(), content_type="application/x-www-form-urlencoded"
            )
        self.check(method, path, response, what)
        return response

    def check(self, method: str, path: str, response: TestResponse, what: str) -> None:
        t = self.tally
        t.requests += 1
        t.by_status[response.status_code] += 1
        textual = (response.mimetype or "").startswith("text/")
        body = response.get_data(as_text=True) if textual else ""
        endpoint = self.endpoint(method, path) or "?"
        t.endpoints.add(endpoint)
        problems = []
        if response.status_code >= 500:
            problems.append(f"{response.status_code} {self.errors[-1] if self.errors else ''}")
        if "Traceback" in body or "Internal Server Error" in body:
            problems.append("traceback in the page")
        if method == "GET" and self.watch.written:
            problems.append(f"wrote on a GET: {self.watch.written[:3]}")
        refused = 400 <= response.status_code < 500 and endpoint not in WRITING_REFUSALS
        if method == "POST" and refused and self.watch.committed:
            problems.append(f"a refused POST committed: {self.watch.written[:3]}")
        if problems:
            t.failures.append(f"{method} {path} {what}: {'; '.join(problems)} | {body[:300]}")

    # --- what a role's browser finds ---

    def crawl(self, seeds: list[str]) -> Iterator[tuple[str, str, list[tuple[str, str]]]]:
        """(method, path, pairs) for every form and every link or redirect with a query."""
        queue, seen = list(seeds), set[str]()
        while queue and len(seen) < MAX_PAGES:
            url = queue.pop(0)
            found = local(url)
            if found is None or found[0].startswith(SKIP_PATHS) or url in seen:
                continue
            seen.add(url)
            path, pairs = found
            if pairs:
                yield "GET", path, pairs
            response = self.ui.client.get(url)
            self.check("GET", path, response, "(as found)")
            if response.status_code in (301, 302, 303) and response.location:
                queue.append(response.location)
                continue
            if response.mimetype != "text/html":
                continue
            page = parse_page(path, response.get_data(as_text=True))
            for form in page.forms:
                action = local(form.action)
                if action is None:
                    continue
                target = action[0] or path
                yield form.method, target, [*action[1], *form.fields]
            queue.extend(page.links)

    def values(self) -> list[str]:
        return values_for(len(self.done), EVERYTHING)

    def fuzz(self, method: str, path: str, pairs: list[tuple[str, str]]) -> None:
        endpoint = self.endpoint(method, path)
        if endpoint is None:
            return
        for name in dict.fromkeys(n for n, _ in pairs):
            key = (method, endpoint, name)
            if key in self.done:
                continue
            for label in self.values():
                self.send(method, path, encode(pairs, {name: HOSTILE[label]}), f"{name}={label}")
            self.done.add(key)
            if endpoint == "auth.logout":
                break  # signed out now: once is enough

    def fuzz_paths(self, role_kind: str) -> None:
        """Every route's path arguments (ids, codes), as a GET or a POST with a valid token."""
        token = csrf_token(self.ui.client.get("/masuk", follow_redirects=True).get_data(True))
        for rule in self.urls.iter_rules():
            if rule.rule.startswith(SKIP_PATHS) or not rule.arguments:
                continue
            method = "GET" if "GET" in (rule.methods or ()) else "POST"
            for argument in sorted(rule.arguments):
                key = (method, str(rule.endpoint), f"<{argument}> {role_kind}")
                if key in self.done:
                    continue
                for label in self.values():
                    path = _fill(rule.rule, argument, HOSTILE[label] or "%20")
                    wire = "" if method == "GET" else f"csrf_token={token}"
                    self.send(method, path, wire, f"<{argument}>={label}")
                self.done.add(key)


class _Errors(logging.Handler):
    def __init__(self, into: list[str]) -> None:
        super().__init__(logging.ERROR)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            self.into.append(f"{type(error).__name__}: {str(error)[:200]!r}")


ARGUMENT = re.compile(r"<(?:[^<>]*:)?(\w+)>")


def _fill(rule: str, argument: str, value: str) -> str:
    """The rule's path with ``value`` (encoded) in ``argument`` and 1 in any other."""
    return ARGUMENT.sub(lambda m: value.replace("/", "%2F") if m[1] == argument else "1", rule)


def _world(h: Harness, files: str) -> list[str]:
    """Activities in every state of the plain route (a draft, one at each review, one
    signed), so each role finds its forms; the seed URLs for the walk."""
    plan = h.plan_id()
    ids = [h.create("dpppa.staf", lampung_payload(plan)).id for _ in range(5)]
    steps: list[tuple[str, str] | tuple[str, str, dict[str, Any]]] = [
        ("dpppa.staf", "submit"),
        ("dpppa.kepala", "approve"),
        ("bappeda.verifikator", "confirm_budget"),
        ("gubernur", "sign", {"decree_number": "G/288/V.09/HK/2023"}),
    ]
    for n, activity_id in enumerate(ids):
        h.move(activity_id, *steps[:n])
    with h.factory() as s:  # an acting head (the admin's form that ends it)
        day = local_date(dt.datetime.now(dt.UTC), "Asia/Jakarta")
        data = {"username": "dinsos.staf", "role": "opd_head", "opd": "dpppa", "kind": "plh",
                "start_date": day.isoformat(), "end_date": day.isoformat(),
                "decree_number": "800/1/BKD/2026"}  # fmt: skip
        acting.appoint(
            s, h.registry, h.actor("admin.lampung"), acting.parse(acting.ActingInputSchema(), data)
        )
    with h.factory() as s:  # a question for the OPD to answer (its answer form)
        clarifications.ask(s, h.registry, h.actor("bappeda.verifikator"), ids[2], "Dasar biaya?")
    with h.factory() as s, unit_of_work(s):  # a file on the draft (its link and removal)
        attachments.add_to_activity(
            s,
            h.registry,
            LocalStorage(files),
            attachments.Limits(10**6, 10),
            h.actor("dpppa.staf"),
            ids[0],
            data=b"%PDF-1.4\n%%EOF\n",
            filename="kak.pdf",
            kind="tor",
        )
    # A progress report on the signed one (issue 14), with evidence: its form, its actions,
    # its upload and removal; the other period's "Buat laporan" leads to the new-report form.
    report = h.file_report("dpppa.staf", ids[4], 2023, "S1", output_realised=1, budget_realised=1)
    with h.factory() as s, unit_of_work(s):
        attachments.add_to_report(
            s,
            h.registry,
            LocalStorage(files),
            attachments.Limits(10**6, 10),
            h.actor("dpppa.staf"),
            report.id,
            data=b"%PDF-1.4\n%%EOF\n",
            filename="daftar-hadir.pdf",
            kind="attendance",
        )
    urls = ["/", "/masuk", "/masuk/kirim-ulang", "/kegiatan/?year=2023&state=&q=", "/verifikasi/"]
    urls += [f"/kegiatan/{i}" for i in ids] + [f"/kegiatan/{i}/ubah" for i in ids[:1]]
    urls += ["/laporan/?year=2023&period=S1&state=", f"/laporan/{report.id}"]
    urls += [f"/rencana/{plan}/", f"/rencana/{plan}/impor", "/alur/?provinsi=lampung"]
    # Addresses no link names: the old login path, form addresses opened directly.
    urls += ["/login", "/keluar", "/pagu/dpppa", "/bahasa?next=/", "/admin/pengguna/"]
    return urls


def test_every_page_parameter_survives_hostile_values(ui: Ui, app: Flask, tmp_path: Path) -> None:
    app.config["ATTACHMENTS_DIR"] = str(tmp_path)
    seeds = _world(ui.harness, str(tmp_path))
    with app.app_context():
        engine = db.engine
    watch, tally = SqlWatch(), Tally()
    fuzz = Fuzz(ui, app, watch, tally)
    # A 500 is an answer to count, not an exception stopping the pass; its cause is logged.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.logger.addHandler(_Errors(fuzz.errors))
    started = time.monotonic()
    # The admin's forms may rename an OPD or deactivate an account: put them back after.
    seeded = seeded_opds_and_pagu(ui.harness.factory), seeded_users(ui.harness.factory)
    with seeded[0], seeded[1], watch.attach(engine):
        with ui.harness.factory() as s:  # an inactive account (the form that reactivates it)
            dinsos = s.execute(select(User.id).where(User.username == "dinsos.kepala")).scalar()
            users.set_active(s, ui.harness.actor("admin.lampung"), int(dinsos or 0), False)
        for role in ROLES:
            ui.client.delete_cookie("session")
            if role:
                ui.login(role, PASSWORD)
            targets = list(fuzz.crawl(seeds))
            # Signing out last: the other forms are fuzzed signed in.
            targets.sort(key=lambda t: t[1] == "/keluar")
            for method, path, pairs in targets:
                fuzz.fuzz(method, path, pairs)
            if role:
                ui.login(role, PASSWORD)
            fuzz.fuzz_paths("anonymous" if role is None else "signed-in")
    took = time.monotonic() - started
    routes = {
        str(r.endpoint) for r in app.url_map.iter_rules() if not r.rule.startswith(SKIP_PATHS)
    }
    print(
        f"\npage fuzz: {tally.requests} requests in {took:.0f} s, "
        f"{len(fuzz.done)} parameters of {len(tally.endpoints & routes)} routes, "
        f"statuses {dict(sorted(tally.by_status.items()))}, {len(tally.failures)} failures"
    )
    assert not tally.failures, "\n".join(f[:260] for f in tally.failures[:60])
    assert not routes - tally.endpoints, " ".join(sorted(routes - tally.endpoints))  # every page
