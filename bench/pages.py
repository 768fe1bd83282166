"""Weak connections (issue 17, item 7): what each page weighs and how long it takes to become
usable in Chromium on an emulated slow 3G link.

``sepakat demo`` (SQLite, the demo data) serves the pages; Debian's chromium, driven by
Playwright, signs in as the demo users and opens the dashboard, the activity list, an activity,
the queue and the forms. Through the DevTools protocol each page is loaded with the cache off
under ~400 kbit/s both ways and 400 ms of latency (``Network.emulateNetworkConditions``), and:

* **bytes**: every response's ``encodedDataLength`` (what crossed the wire: headers and the
  compressed or plain body) of the page's HTML, CSS, scripts and images;
* **external**: requests to any other host (there must be none: no CDN, no fonts, no analytics);
* **usable**: from navigation to the ``load`` event (HTML parsed, styles and scripts applied,
  images in), the point where the official can read and act;
* the same ``load`` time on the plain local link, as the baseline of the same run.

Each page is loaded ``repeat`` times; the report gives the median and the spread (min–max)."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "sepakat"
# ~400 kbit/s down and up, 400 ms round trip: DevTools' throughputs are bytes per second.
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 400_000 / 8,
}
BYTES_TARGET = 100 * 1024
USABLE_TARGET_MS = 3000.0
# (who, what the page is, its path; "{activity}" is an activity the user may see, "{draft}" an
# editable draft of theirs)
PAGES = (
    ("dpppa.staf", "dashboard", "/"),
    ("dpppa.staf", "list", "/kegiatan/"),
    ("dpppa.staf", "activity", "/kegiatan/{activity}"),
    ("dpppa.staf", "new form", "/kegiatan/baru"),
    ("dpppa.staf", "edit form", "/kegiatan/{draft}/ubah"),
    ("bappeda.verifikator", "dashboard", "/"),
    ("bappeda.verifikator", "queue", "/antrean/"),
    ("bappeda.verifikator", "activity", "/kegiatan/{activity}"),
    ("gubernur", "sign-off form", "/penetapan/"),
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def demo() -> Iterator[str]:
    """``sepakat demo`` on a fresh SQLite file, as the README runs it; yields its URL."""
    with tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
        env.update(DATABASE_URL=f"sqlite:///{tmp}/demo.db", SECRET_KEY=os.urandom(32).hex())
        cmd = [sys.executable, "-c", "from sepakat.cli import main; main()", "demo"]
        with open(Path(tmp) / "demo.log", "wb") as log:
            proc = subprocess.Popen(
                [*cmd, "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
            )
            url = f"http://127.0.0.1:{port}"
            try:
                deadline = time.monotonic() + 120
                while True:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError((Path(tmp) / "demo.log").read_text(errors="replace"))
                    try:
                        with urllib.request.urlopen(url + "/masuk", timeout=2):
                            break
                    except OSError:
                        time.sleep(0.3)
                yield url
            finally:
                proc.terminate()
                proc.wait(30)


class Probe:
    """One signed-in browser context with a DevTools session counting what crosses the wire."""

    def __init__(self, browser: Any, base: str, username: str) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": 1366, "height": 768})
        self.page = self.context.new_page()
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Network.enable")
        self.cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        self.bytes = 0.0
        self.hosts: list[str] = []
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.on("Network.requestWillBeSent", self._sent)
        page = self.page
        page.goto(base + "/masuk")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        page.press("#password", "Enter")
        page.wait_for_url(base + "/")

    def _finished(self, event: dict[str, Any]) -> None:
        self.bytes += float(event.get("encodedDataLength", 0))

    def _sent(self, event: dict[str, Any]) -> None:
        url = urlparse(event["request"]["url"])
        if url.scheme in ("http", "https", "ws", "wss"):  # data: and blob: never leave the page
            self.hosts.append(url.hostname or "")

    def link(self, conditions: dict[str, Any] | None) -> None:
        self.cdp.send(
            "Network.emulateNetworkConditions",
            conditions or {"offline": False, "latency": 0, "downloadThroughput": -1,
                           "uploadThroughput": -1},
        )  # fmt: skip

    def load(self, path: str) -> tuple[float, float, list[str]]:
        """(milliseconds to ``load``, bytes on the wire, hosts asked) for one cold load."""
        self.bytes, self.hosts = 0.0, []
        start = time.perf_counter()
        response = self.page.goto(self.base + path, wait_until="load")
        elapsed = (time.perf_counter() - start) * 1000
        if response is None or response.status != 200:
            raise RuntimeError(f"{path}: {response.status if response else 'no answer'}")
        self.page.wait_for_timeout(50)  # let the last loadingFinished events arrive
        return elapsed, self.bytes, list(self.hosts)

    def close(self) -> None:
        self.context.close()


def _ids(probe: Probe) -> dict[str, str]:
    """An activity the operator sees and an editable draft of theirs, read from the list."""
    page = probe.page
    page.goto(probe.base + "/kegiatan/")
    links = page.locator("a[href^='/kegiatan/']").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))"
    )
    ids = [h.split("/")[2] for h in links if h.split("/")[2].isdigit()]
    draft = next(
        (i for i in ids if probe.page.goto(f"{probe.base}/kegiatan/{i}/ubah").status == 200),
        None,
    )
    if not ids or draft is None:
        raise RuntimeError("the demo has no activity or no editable draft for dpppa.staf")
    return {"activity": ids[0], "draft": draft}


def _spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def run(repeat: int = 3) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} missing (apt-get install chromium)")
    rows: list[dict[str, Any]] = []
    with demo() as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        probes: dict[str, Probe] = {}
        try:
            for username, _, _ in PAGES:
                if username not in probes:
                    probes[username] = Probe(browser, base, username)
            ids = _ids(probes["dpppa.staf"])
            for username, what, template in PAGES:
                probe, path = probes[username], template.format(**ids)
                local, slow, weight, external = [], [], [], set()
                for _ in range(repeat):
                    probe.link(None)
                    ms, _, _ = probe.load(path)
                    local.append(ms)
                    probe.link(SLOW_3G)
                    ms, size, hosts = probe.load(path)
                    slow.append(ms)
                    weight.append(size)
                    external |= {h for h in hosts if h not in ("127.0.0.1", "localhost")}
                probe.link(None)
                rows.append({
                    "user": username, "page": what, "path": path,
                    "kib": _spread([w / 1024 for w in weight]),
                    "local_ms": _spread(local), "slow3g_ms": _spread(slow),
                    "external_hosts": sorted(external),
                })  # fmt: skip
        finally:
            for probe in probes.values():
                probe.close()
            browser.close()
    return {
        "repeat": repeat,
        "conditions": SLOW_3G,
        "pages": rows,
        "heaviest_kib": max(r["kib"]["max"] for r in rows),
        "slowest_ms": max(r["slow3g_ms"]["median"] for r in rows),
        "external": sorted({h for r in rows for h in r["external_hosts"]}),
    }


def report(result: dict[str, Any]) -> list[str]:
    """The Markdown lines of BENCHMARKS.md for this part."""
    c = result["conditions"]
    lines = [
        f"Weak connections: Chromium, cache off, {c['downloadThroughput'] * 8 / 1000:.0f} kbit/s "
        f"each way and {c['latency']} ms latency (DevTools network emulation); each page loaded "
        f"{result['repeat']}× on the local link and {result['repeat']}× on the slow one; "
        "median (min–max).",
        "",
        "| page (user) | bytes on the wire | load, local | load, slow 3G | external requests |",
        "|---|---|---|---|---|",
    ]
    for r in result["pages"]:
        k, lo, s = r["kib"], r["local_ms"], r["slow3g_ms"]
        lines.append(
            f"| {r['page']} ({r['user']}) | {k['median']:.1f} KiB | {lo['median']:.0f} ms "
            f"({lo['min']:.0f}–{lo['max']:.0f}) | {s['median']:.0f} ms ({s['min']:.0f}–"
            f"{s['max']:.0f}) | {len(r['external_hosts'])} |"
        )
    heavy, slow = result["heaviest_kib"], result["slowest_ms"]
    lines += [
        "",
        "| figure | value | target | met |",
        "|---|---|---|---|",
        f"| heaviest page | {heavy:.1f} KiB | < 100 KB | "
        f"{'yes' if heavy * 1024 < BYTES_TARGET else '**no**'} |",
        f"| slowest page to usable (slow 3G, median) | {slow:.0f} ms | < 3 s | "
        f"{'yes' if slow < USABLE_TARGET_MS else '**no**'} |",
        f"| external requests | {len(result['external'])} | 0 | "
        f"{'yes' if not result['external'] else '**no**'} |",
        "",
    ]
    return lines


if __name__ == "__main__":
    import json

    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 3), indent=2))
