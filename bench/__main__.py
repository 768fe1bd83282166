"""``python -m bench [--quick]``: the engine against the lean limit and against its peers.

Every round runs each contender once on a fresh slice of activities, in an order that rotates
per round, so drift on this shared machine (±30 % between minutes) hurts all alike; ratios are
taken within a round, and the report gives each figure's median and spread (min–max) over the
rounds. ``--quick`` is a smoke run (few activities, two rounds) that writes only its JSON."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg

from bench import (
    documents,
    engine,
    fsm,
    http,
    lean,
    notifications,
    pages,
    reads,
    scaleout,
    spiff,
)
from bench.common import Measured, dsn, measure, recreate_database

CONTENDERS: dict[str, ModuleType] = {"lean": lean, "engine": engine, "spiff": spiff, "fsm": fsm}
# What the engine is compared with, and the target for the ratio engine / that.
TARGETS = {"lean": 0.6, "spiff": 1.5, "fsm": 1.2}
READ_TARGETS = {"list": 50.0, "dashboard": 200.0}  # p95 in ms
HTTP_TARGET = 0.3  # HTTP throughput ≥ 0.3 × the lean baseline; p99 ≤ 10 × p50
RSS_GROWTH = 0.10  # a web worker's RSS grows < 10 % from 5,000 to 10,000 requests
PARTS = ("peers", "reads", "http", "notifications", "pages", "scaleout", "documents")
HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
REPORT = HERE.parent / "BENCHMARKS.md"
MARK = "<!-- bench: newest full run first -->"


def machine(url: str) -> dict[str, Any]:
    with psycopg.connect(dsn(url)) as conn:
        server = conn.execute("SHOW server_version").fetchone()
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        "python": platform.python_version(),
        "postgresql": server[0] if server else "?",
    }


def run_reads(args: argparse.Namespace) -> dict[str, Any]:
    """Item 4: the national-scale reads, on a database of their own."""
    url = args.database + "_reads"
    recreate_database(url)
    start = time.perf_counter()
    reads.prepare(url, args.national)
    generated = time.perf_counter() - start
    where = RESULTS / ("quick-explain" if args.quick else "explain")
    result = reads.measure(url, args.repeat, where)
    return {**result, "generate_seconds": generated}


def run_http(args: argparse.Namespace, lean_rate: float | None) -> dict[str, Any]:
    """Items 3 and 6: transitions through ``sepakat serve``; the lean baseline beside it."""
    url = args.database + "_http"
    recreate_database(url)
    result = http.run(url, args.redis, args.http_activities, args.threads, 2)
    if lean_rate is None:  # no peers part in this run: measure the baseline here
        lean_ids = lean.prepare(url, args.activities)
        lean_rate = measure(lean.setup, lean.client, url, lean_ids, args.processes).rate
    result["lean_rate"] = lean_rate
    return result


def run(args: argparse.Namespace) -> dict[str, Any]:
    n, rounds = args.activities, args.rounds
    recreate_database(args.database)
    ids = {name: m.prepare(args.database, n * rounds) for name, m in CONTENDERS.items()}
    names = list(CONTENDERS)
    table: list[dict[str, Measured]] = []
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        got = {}
        for name in order:
            chunk = ids[name][r * n : (r + 1) * n]
            module = CONTENDERS[name]
            got[name] = measure(module.setup, module.client, args.database, chunk, args.processes)
            print(
                f"round {r + 1} {name:>6}: {got[name].rate:8,.0f}/s, "
                f"client CPU {got[name].cpu_ms:.2f} ms/transition, "
                f"server CPU {got[name].server_ms:.2f} ms",
                flush=True,
            )
        table.append(got)
    for name, m in CONTENDERS.items():
        if not m.finished(args.database, ids[name]):
            raise SystemExit(f"{name}: not every activity reached the end of the route")
    return summarize(table, args)


def _spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def summarize(table: list[dict[str, Measured]], args: argparse.Namespace) -> dict[str, Any]:
    rates = {name: _spread([row[name].rate for row in table]) for name in CONTENDERS}
    cpu = {name: _spread([row[name].cpu_ms for row in table]) for name in CONTENDERS}
    server = {name: _spread([row[name].server_ms for row in table]) for name in CONTENDERS}
    ratios = {
        other: {
            **_spread([row["engine"].rate / row[other].rate for row in table]),
            "target": target,
        }
        for other, target in TARGETS.items()
    }
    return {
        "activities_per_round": args.activities,
        "rounds": args.rounds,
        "client_processes": args.processes,
        "rate_per_s": rates,
        "client_cpu_ms": cpu,
        "server_cpu_ms": server,
        "engine_ratio": ratios,
        "per_round": [
            {
                name: {"rate": m.rate, "cpu_ms": m.cpu_ms, "server_ms": m.server_ms}
                for name, m in row.items()
            }
            for row in table
        ],
    }


def header(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": "python -m bench " + " ".join(sys.argv[1:]),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE
        ).stdout.strip(),
        "machine": machine(args.database.rsplit("/", 1)[0] + "/postgres"),
    }


def markdown(result: dict[str, Any]) -> str:
    m = result["machine"]
    lines = [
        f"### {result['date']} (commit {result['commit']})",
        "",
        f"`{result['command']}`. Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, "
        f"Python {m['python']}, PostgreSQL {m['postgresql']} (server and clients share the "
        "cores).",
    ]
    if "peers" in result:
        lines += ["", *peers_markdown(result["peers"])]
    if "reads" in result:
        lines += ["", *reads_markdown(result["reads"])]
    if "http" in result:
        lines += ["", *http_markdown(result["http"])]
    if "notifications" in result:
        lines += ["", *notifications.report(result["notifications"])]
    if "pages" in result:
        lines += ["", *pages.report(result["pages"])]
    if "scaleout" in result:
        lines += ["", *scaleout.report(result["scaleout"])]
    if "documents" in result:
        lines += ["", *documents.report(result["documents"])]
    return "\n".join(lines) + "\n"


def http_markdown(r: dict[str, Any]) -> list[str]:
    both = [r["first_half"], r["second_half"]]
    rate = sum(h["transitions"] for h in both) / sum(h["seconds"] for h in both)
    p50 = statistics.median(h["p50"] for h in both)
    p99 = max(h["p99"] for h in both)
    ratio = rate / r["lean_rate"]
    rss = r["rss_mib"]
    growth = (rss["end"] - rss["half"]) / rss["half"]
    errors = sum(h["errors"] for h in both)

    def met(ok: bool) -> str:
        return "yes" if ok else "**no**"

    return [
        f"HTTP: `sepakat serve` with {r['workers']} workers, {r['threads']} client threads "
        f"(closed loop), notifications {r['broker']}; {r['requests']:,} transition requests.",
        "",
        "| figure | value | target | met |",
        "|---|---|---|---|",
        f"| throughput | {rate:,.0f}/s = {ratio:.2f}× lean ({r['lean_rate']:,.0f}/s) | "
        f"≥ {HTTP_TARGET}× | {met(ratio >= HTTP_TARGET)} |",
        f"| latency p50 / p95 / p99 | {p50:.0f} / {max(h['p95'] for h in both):.0f} / "
        f"{p99:.0f} ms | p99 ≤ 10 × p50 | {met(p99 <= 10 * p50)} |",
        f"| errors (not 200) | {errors} | 0 | {met(errors == 0)} |",
        f"| web workers' CPU per transition | {r['web_cpu_ms_per_transition']:.1f} ms | | |",
        f"| largest web worker RSS: start / half / end | {rss['start']:.0f} / {rss['half']:.0f} / "
        f"{rss['end']:.0f} MiB | growth < {RSS_GROWTH:.0%} | {met(growth < RSS_GROWTH)} |",
    ]


def peers_markdown(result: dict[str, Any]) -> list[str]:
    lines = [
        f"The engine and its peers: {result['activities_per_round']} activities × 4 stages per "
        f"contender and round, {result['rounds']} rounds, {result['client_processes']} client "
        "processes.",
        "",
        "| contender | transitions/s median (min–max) | client CPU ms/transition | "
        "PostgreSQL CPU ms/transition |",
        "|---|---|---|---|",
    ]
    for name in CONTENDERS:
        r, c = result["rate_per_s"][name], result["client_cpu_ms"][name]
        # Results written before the server's CPU was measured have none.
        server = result.get("server_cpu_ms", {}).get(name)
        on_server = f"{server['median']:.2f}" if server else "–"
        lines.append(
            f"| {name} | {r['median']:,.0f} ({r['min']:,.0f}–{r['max']:,.0f}) | "
            f"{c['median']:.2f} | {on_server} |"
        )
    lines += ["", "| engine / … | median (min–max) | target | met |", "|---|---|---|---|"]
    for other, q in result["engine_ratio"].items():
        met = "yes" if q["median"] >= q["target"] else "**no**"
        lines.append(
            f"| {other} | {q['median']:.2f}× ({q['min']:.2f}–{q['max']:.2f}) | "
            f"≥ {q['target']}× | {met} |"
        )
    return lines


def reads_markdown(r: dict[str, Any]) -> list[str]:
    lines = [
        f"Reads at national scale: {r['activities']:,} activities over {reads.PROVINCES} "
        f"provinces (Lampung {r['lampung_activities']:,}), generated in "
        f"{r['generate_seconds']:.0f} s; in-process requests as Lampung's Bappeda verifier, "
        f"{r['list']['first page']['n']} each. `EXPLAIN (ANALYZE, BUFFERS)`: "
        + ", ".join(f"`{f}`" for f in r["explain"]),
        "",
        "| request | p50 ms | p95 ms | target p95 | met |",
        "|---|---|---|---|---|",
    ]
    rows: list[tuple[str, dict[str, float], float | None]] = [
        (f"list: {k}", v, READ_TARGETS["list"]) for k, v in r["list"].items()
    ]
    rows += [
        ("OFFSET deep page (SQL only, baseline)", r["offset baseline (SQL only)"], None),
        ("dashboard (page)", r["dashboard"], READ_TARGETS["dashboard"]),
        ("Bappeda queue (page)", r["queue"], None),
    ]
    for name, v, target in rows:
        met = "" if target is None else ("yes" if v["p95"] < target else "**no**")
        goal = "" if target is None else f"< {target:.0f}"
        lines.append(f"| {name} | {v['p50']:.1f} | {v['p95']:.1f} | {goal} | {met} |")
    return lines


def write_report(result: dict[str, Any]) -> None:
    text = REPORT.read_text() if REPORT.exists() else f"# Benchmarks\n\n{MARK}\n"
    head, _, rest = text.partition(MARK)
    REPORT.write_text(f"{head}{MARK}\n\n{markdown(result)}{rest}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smoke run: 60 activities, 2 rounds")
    parser.add_argument("--activities", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument(
        "--database", default="postgresql+psycopg://postgres@127.0.0.1:5432/sepakat_bench_peers"
    )
    parser.add_argument("--national", type=int, default=1_000_000, help="activities for the reads")
    parser.add_argument("--repeat", type=int, default=30, help="requests per read measured")
    parser.add_argument(
        "--http-activities", type=int, default=2500, help="activities walked over HTTP"
    )
    parser.add_argument("--threads", type=int, default=4, help="HTTP client threads")
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS_URL"), help="broker for the HTTP part"
    )
    parser.add_argument(
        "--notify-transitions", type=int, default=10_000, help="transitions whose notices count"
    )
    parser.add_argument("--notify-rate", type=float, default=50.0, help="steady transitions/s")
    parser.add_argument("--notify-seconds", type=float, default=60.0, help="the steady phase")
    parser.add_argument(
        "--notify-redis",
        default=os.environ.get("BENCH_NOTIFY_REDIS_URL", "redis://127.0.0.1:6379/13"),
        help="a Redis database of the notifications part's own (flushed)",
    )
    parser.add_argument(
        "--page-loads", type=int, default=5, help="loads of each page per link (weak links)"
    )
    parser.add_argument(
        "--scaleout-activities", type=int, default=150, help="per layout and round (scale-out)"
    )
    parser.add_argument(
        "--xlsx-activities", type=int, default=10_000, help="activities in the matrix workbook"
    )
    parser.add_argument(
        "--pdf-activities", type=int, default=3_000, help="activities in the lampiran's sign-off"
    )
    parser.add_argument("--only", choices=PARTS, help="one part only")
    args = parser.parse_args()
    if args.quick:
        args.activities, args.rounds, args.national, args.repeat = 60, 2, 3000, 3
        args.http_activities, args.threads, args.redis = 20, 2, None
        args.page_loads = 1
        args.notify_transitions, args.notify_seconds = 200, 2.0
        args.scaleout_activities = 5
        args.xlsx_activities, args.pdf_activities = 50, 20
    parts = [args.only] if args.only else list(PARTS)
    result = header(args)
    if "peers" in parts:
        result["peers"] = run(args)
    if "reads" in parts:
        result["reads"] = run_reads(args)
    if "http" in parts:
        lean_rate = result["peers"]["rate_per_s"]["lean"]["median"] if "peers" in result else None
        result["http"] = run_http(args, lean_rate)
    if "notifications" in parts:
        url = args.database + "_notify"
        recreate_database(url)
        result["notifications"] = notifications.run(
            url, args.notify_redis, args.notify_transitions, args.notify_rate, args.notify_seconds
        )
    if "pages" in parts:
        result["pages"] = pages.run(args.page_loads)
    if "scaleout" in parts:
        url = args.database + "_scaleout"
        recreate_database(url)
        result["scaleout"] = scaleout.run(
            url, args.notify_redis, args.scaleout_activities, args.threads, 1 if args.quick else 3
        )
    if "documents" in parts:
        result["documents"] = documents.run(
            args.database + "_documents", args.xlsx_activities, args.pdf_activities
        )
    RESULTS.mkdir(exist_ok=True)
    stamp = result["date"].replace(":", "").replace("-", "")
    # A smoke run (CI) overwrites one ignored file; a full run is kept and reported.
    name = "quick.json" if args.quick else f"{stamp}.json"
    (RESULTS / name).write_text(json.dumps(result, indent=2) + "\n")
    print(markdown(result))
    if not args.quick:
        write_report(result)


if __name__ == "__main__":
    main()
