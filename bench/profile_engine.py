"""Where the engine's client CPU goes on one transition: ``core.services.transition`` called in
process (the bench's engine harness: Lampung's plugins, the demo users, PostgreSQL) over
``--activities`` × 4 stages after a warm-up, under pyinstrument (or cProfile with
``--cprofile``, which counts CPU time, not wall time). ``python -m bench.profile_engine
[--activities 750] [--cprofile]``; the output is ``bench/results/profile-engine-transition.txt``.
The profiler's overhead inflates the figures 2–4×: read shares, not milliseconds."""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time

from bench.__main__ import RESULTS
from bench.common import recreate_database
from bench.engine import actors_of, approve, prepare

URL = "postgresql+psycopg://postgres@127.0.0.1:5432/sepakat_bench_prof_engine"
WARM = 20


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_engine", description=__doc__)
    parser.add_argument("--activities", type=int, default=750)
    parser.add_argument("--database", default=URL)
    parser.add_argument(
        "--cprofile", action="store_true", help="cProfile of CPU time instead of pyinstrument"
    )
    parser.add_argument("--pstats", help="with --cprofile: also dump the raw stats to this file")
    args = parser.parse_args()
    recreate_database(args.database)
    ids = prepare(args.database, args.activities + WARM)
    registry, factory, actors = actors_of(args.database)
    with factory() as s:
        approve(s, registry, actors, ids[:WARM])
        rest = ids[WARM:]
        start_cpu, start = time.process_time(), time.perf_counter()
        if args.cprofile:
            prof = cProfile.Profile(time.process_time)  # CPU, not wall: the client's share
            prof.enable()
            done = approve(s, registry, actors, rest)
            prof.disable()
            if args.pstats:
                prof.dump_stats(args.pstats)
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(60)
            text = out.getvalue()
        else:
            from pyinstrument import Profiler  # the dev extras

            profiler = Profiler(interval=0.0005)
            profiler.start()
            done = approve(s, registry, actors, rest)
            profiler.stop()
            text = profiler.output_text(unicode=False, color=False)
        cpu, wall = time.process_time() - start_cpu, time.perf_counter() - start
    head = (
        f"{done} transitions: client CPU {cpu / done * 1000:.2f} ms/transition, "
        f"wall {wall / done * 1000:.2f} ms/transition (profiler on)\n"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "profile-engine-transition.txt").write_text(head + text)
    print(head + text)


if __name__ == "__main__":
    main()
