"""Scale-out on one machine (issue 17, item 8; docs/scaling.md): the same HTTP load against
1 web process + 1 delivering worker process and against 3 + 2, on one PostgreSQL and one Redis.

Each layout walks its own slice of activities through ``POST /transitions`` (``bench.http``), the
layouts alternate for ``rounds`` rounds so the machine's drift hits both, and the figure is the
ratio of their throughputs within each round. On this 2-core machine the answer is bounded by
the cores, not by Sepakat: more processes only help while a core is idle (waiting on PostgreSQL
or the network); docs/scaling.md sizes the national deployment from the per-transition costs
instead."""

from __future__ import annotations

import statistics
from typing import Any

from bench.engine import prepare as prepare_activities
from bench.http import run as run_http

LAYOUTS = ((1, 1), (3, 2))  # (web processes, delivering worker processes)


def run(url: str, redis_url: str, activities: int, threads: int, rounds: int) -> dict[str, Any]:
    ids = prepare_activities(url, activities * len(LAYOUTS) * rounds)
    per_round: list[dict[str, Any]] = []
    chunks = iter(ids[i : i + activities] for i in range(0, len(ids), activities))
    for r in range(rounds):
        order = LAYOUTS if r % 2 == 0 else LAYOUTS[::-1]
        got = {}
        for web, deliverers in order:
            result = run_http(url, redis_url, 0, threads, web, deliverers, next(chunks))
            halves = (result["first_half"], result["second_half"])
            got[f"{web}+{deliverers}"] = {
                "rate": sum(h["transitions"] for h in halves) / sum(h["seconds"] for h in halves),
                "errors": sum(h["errors"] for h in halves),
                "web_cpu_ms": result["web_cpu_ms_per_transition"],
            }
        per_round.append(got)
    small, large = (f"{w}+{d}" for w, d in LAYOUTS)
    ratios = [row[large]["rate"] / row[small]["rate"] for row in per_round]
    return {
        "activities": activities,
        "threads": threads,
        "rounds": rounds,
        "per_round": per_round,
        "rate": {
            name: statistics.median(row[name]["rate"] for row in per_round)
            for name in (small, large)
        },
        "ratio": {"median": statistics.median(ratios), "min": min(ratios), "max": max(ratios)},
        "errors": sum(v["errors"] for row in per_round for v in row.values()),
    }


def report(r: dict[str, Any]) -> list[str]:
    (small, a), (large, b) = r["rate"].items()
    q = r["ratio"]
    return [
        f"Scale-out on this machine: HTTP transitions ({r['threads']} client threads, "
        f"{r['activities']} activities per layout and round, {r['rounds']} rounds alternating) "
        "against web processes + delivering worker processes on one PostgreSQL and Redis.",
        "",
        "| layout | transitions/s (median) |",
        "|---|---|",
        f"| {small} | {a:,.0f} |",
        f"| {large} | {b:,.0f} |",
        "",
        f"{large} / {small}: {q['median']:.2f}× ({q['min']:.2f}–{q['max']:.2f}); errors "
        f"{r['errors']}. See docs/scaling.md for what this means on more cores.",
    ]
