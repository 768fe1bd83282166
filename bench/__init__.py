"""Benchmarks run side by side in one process tree (issue 17): ``python -m bench --quick`` for a
smoke run, ``python -m bench`` for the full one. Each contender does the same 4-stage approval
of the same number of activities on the same PostgreSQL, in rounds that alternate the
contenders (a noisy neighbour hurts all alike); results go to ``bench/results/*.json`` and the
full run's summary to BENCHMARKS.md. See BENCHMARKS.md for what each contender does."""
