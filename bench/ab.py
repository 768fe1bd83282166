"""Before/after of the engine: two checkouts of Sepakat (``--before`` and ``--after``, e.g. a
``git worktree`` of the parent commit and this one) measured alternately in one process tree.

Every round runs the bench's engine contender (``bench/engine.py``: 2 client processes,
``core.services.transition`` along the 4-stage route) once from each checkout and the lean
baseline once, in an order that rotates per round, each on a fresh slice of activities prepared
before the clock starts; each run is a child interpreter whose ``sys.path`` starts with its
checkout, so it imports that checkout's code. Absolute rates on these shared machines drift by
±30 % between minutes: compare within a round. Prints the medians and spreads (min–max) of the
client CPU per transition, the rates and the ratios to lean, and writes
``bench/results/ab-<date>.json``.

``python -m bench.ab --before ../base --after . [--activities 300] [--rounds 6]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.common import recreate_database, server_cpu

HERE = Path(__file__).resolve().parent
BASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/sepakat_bench_ab"

# Runs in a child interpreter: argv = tree, contender, mode ("prepare" | "measure"), url, then
# the count (prepare) or the ids as JSON (measure). Prints one JSON line.
CHILD = """
import json, sys
tree, name, mode, url, arg = sys.argv[1:6]
sys.path.insert(0, tree)
import core
assert core.__file__.startswith(tree), core.__file__
from bench import engine, lean
from bench.common import measure
module = {"engine": engine, "lean": lean}[name]
if mode == "prepare":
    print(json.dumps(module.prepare(url, int(arg))))
else:
    ids = json.loads(arg)
    m = measure(module.setup, module.client, url, ids, int(sys.argv[6]))
    assert module.finished(url, ids), "not every activity reached the end of the route"
    print(json.dumps({"rate": m.rate, "cpu_ms": m.cpu_ms, "transitions": m.transitions}))
"""


# The HTTP side (``--part http``): the Flask app in process (a test client, no server), the
# caller's token checked on every request. argv as above, with the Redis URL last; measures the
# client CPU (this process: the app runs in it) of ``GET /me`` and of ``POST /transitions``
# along the route, after a warm-up on the first activities of the slice.
HTTP_CHILD = """
import importlib.util, json, secrets, sys, time
tree, name, mode, url, arg, _, redis, walker = sys.argv[1:9]
sys.path.insert(0, tree)
import core
assert core.__file__.startswith(tree), core.__file__
from bench import engine
from bench.common import ROUTE
if mode == "prepare":
    print(json.dumps(engine.prepare(url, int(arg))))
    raise SystemExit
from sepakat.app import create_app
config = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(32), "REDIS_URL": redis}
client = create_app(config).test_client()
spec = importlib.util.spec_from_file_location("api_walk", walker)
api_walk = importlib.util.module_from_spec(spec)
spec.loader.exec_module(api_walk)
tokens = api_walk.tokens(client)
def walk(ids):
    api_walk.walk(client, tokens, ids)
def me(n):
    for i in range(n):
        assert client.get("/api/v1/me", headers=tokens[ROUTE[i % 4][0]]).status_code == 200
ids = json.loads(arg)
warm = max(1, len(ids) // 10)
walk(ids[:warm])
me(50)
start = time.process_time()
me(400)
me_ms = (time.process_time() - start) / 400 * 1000
start = time.process_time()
walk(ids[warm:])
post_ms = (time.process_time() - start) / ((len(ids) - warm) * 4) * 1000
print(json.dumps({"me_cpu_ms": me_ms, "transition_cpu_ms": post_ms}))
"""


def child(tree: Path, name: str, mode: str, url: str, arg: str, processes: int, *extra: str) -> Any:
    code = HTTP_CHILD if extra else CHILD
    if extra:  # the walk over the API, from this checkout (``bench/api_walk.py``)
        extra = (*extra, str(HERE / "api_walk.py"))
    out = subprocess.run(
        [sys.executable, "-c", code, str(tree), name, mode, url, arg, str(processes), *extra],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        raise SystemExit(f"{name} from {tree} ({mode}) failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ab", description=__doc__)
    parser.add_argument("--before", type=Path, required=True, help="checkout measured as before")
    parser.add_argument(
        "--after", type=Path, default=HERE.parent, help="checkout measured as after"
    )
    parser.add_argument("--activities", type=int, default=300, help="per contender and round")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--database", default=BASE_URL, help="a prefix: one database per side")
    parser.add_argument("--part", choices=("engine", "http"), default="engine")
    parser.add_argument(
        "--redis", default="redis://127.0.0.1:6379/9", help="the app's broker (--part http)"
    )
    args = parser.parse_args()
    if args.part == "http":
        http(args)
        return
    sides = {
        "before": (args.before.resolve(), "engine"),
        "after": (args.after.resolve(), "engine"),
        "lean": (args.after.resolve(), "lean"),
    }
    n, rounds = args.activities, args.rounds
    ids: dict[str, list[int]] = {}
    for side, (tree, name) in sides.items():
        url = f"{args.database}_{side}"
        recreate_database(url)
        ids[side] = child(tree, name, "prepare", url, str(n * rounds), args.processes)
    names = list(sides)
    table: list[dict[str, dict[str, float]]] = []
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        got: dict[str, dict[str, float]] = {}
        for side in order:
            tree, name = sides[side]
            chunk = json.dumps(ids[side][r * n : (r + 1) * n])
            # PostgreSQL's CPU over the whole child (its set-up and final check included:
            # a few statements against 4 × n transitions).
            server_before = server_cpu()
            got[side] = child(
                tree, name, "measure", f"{args.database}_{side}", chunk, args.processes
            )
            got[side]["server_ms"] = (server_cpu() - server_before) / got[side]["transitions"]
            got[side]["server_ms"] *= 1000
            print(
                f"round {r + 1} {side:>6}: {got[side]['rate']:8,.0f}/s, "
                f"client CPU {got[side]['cpu_ms']:.3f} ms/transition, "
                f"server CPU {got[side]['server_ms']:.3f} ms",
                flush=True,
            )
        table.append(got)
    summary = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": "python -m bench.ab " + " ".join(sys.argv[1:]),
        "activities_per_round": n,
        "rounds": rounds,
        "client_processes": args.processes,
        "rate_per_s": {s: spread([row[s]["rate"] for row in table]) for s in names},
        "client_cpu_ms": {s: spread([row[s]["cpu_ms"] for row in table]) for s in names},
        "server_cpu_ms": {s: spread([row[s]["server_ms"] for row in table]) for s in names},
        "after_over_before_rate": spread(
            [row["after"]["rate"] / row["before"]["rate"] for row in table]
        ),
        "after_over_before_cpu": spread(
            [row["after"]["cpu_ms"] / row["before"]["cpu_ms"] for row in table]
        ),
        "engine_over_lean": {
            s: spread([row[s]["rate"] / row["lean"]["rate"] for row in table])
            for s in ("before", "after")
        },
        "per_round": table,
    }
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    stamp = summary["date"].replace(":", "").replace("-", "")
    (results / f"ab-{stamp}.json").write_text(json.dumps(summary, indent=2) + "\n")
    for key in ("client_cpu_ms", "server_cpu_ms", "rate_per_s"):
        for side, v in summary[key].items():
            print(f"{key:>14} {side:>6}: {v['median']:.3f} ({v['min']:.3f}–{v['max']:.3f})")
    for key in ("after_over_before_cpu", "after_over_before_rate"):
        v = summary[key]
        print(f"{key}: {v['median']:.2f} ({v['min']:.2f}–{v['max']:.2f})")
    for side, v in summary["engine_over_lean"].items():
        print(f"engine {side} / lean: {v['median']:.2f}× ({v['min']:.2f}–{v['max']:.2f})")


def http(args: argparse.Namespace) -> None:
    """``--part http``: the API's CPU per request, before and after, alternating."""
    sides = {"before": args.before.resolve(), "after": args.after.resolve()}
    n, rounds = args.activities, args.rounds
    ids: dict[str, list[int]] = {}
    for side, tree in sides.items():
        url = f"{args.database}_http_{side}"
        recreate_database(url)
        ids[side] = child(tree, "engine", "prepare", url, str(n * rounds), 1, args.redis)
    table: list[dict[str, dict[str, float]]] = []
    names = list(sides)
    for r in range(rounds):
        got: dict[str, dict[str, float]] = {}
        for side in names[r % 2 :] + names[: r % 2]:
            chunk = json.dumps(ids[side][r * n : (r + 1) * n])
            url = f"{args.database}_http_{side}"
            got[side] = child(sides[side], "engine", "measure", url, chunk, 1, args.redis)
            print(
                f"round {r + 1} {side:>6}: GET /me {got[side]['me_cpu_ms']:.2f} ms, "
                f"POST /transitions {got[side]['transition_cpu_ms']:.2f} ms of CPU",
                flush=True,
            )
        table.append(got)
    summary: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": "python -m bench.ab " + " ".join(sys.argv[1:]),
        "activities_per_round": n,
        "rounds": rounds,
        "per_round": table,
    }
    for key in ("me_cpu_ms", "transition_cpu_ms"):
        summary[key] = {s: spread([row[s][key] for row in table]) for s in names}
        summary[key + "_after_over_before"] = spread(
            [row["after"][key] / row["before"][key] for row in table]
        )
        for side, v in summary[key].items():
            print(f"{key} {side:>6}: {v['median']:.2f} ({v['min']:.2f}–{v['max']:.2f})")
        v = summary[key + "_after_over_before"]
        print(f"{key} after/before: {v['median']:.2f} ({v['min']:.2f}–{v['max']:.2f})")
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    stamp = summary["date"].replace(":", "").replace("-", "")
    (results / f"ab-http-{stamp}.json").write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
