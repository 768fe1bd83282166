"""The lean limit: hand-written psycopg on its own minimal tables — an activity table with
id/state/version; an audit table with the sha256 chain, only its primary key and the
(activity_id, seq) unique; an outbox table with a jsonb payload and its primary key. Per
transition: lock the row, check the state, update, read the chain tail, insert the audit row,
insert one outbox row, commit."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from bench.common import ROUTE, chain_hash, dsn

SCHEMA = """
CREATE TABLE lean_activity (id serial PRIMARY KEY, state text NOT NULL, version int NOT NULL);
CREATE TABLE lean_audit (
    id bigserial PRIMARY KEY, activity_id int NOT NULL, seq int NOT NULL, actor text NOT NULL,
    action text NOT NULL, from_state text, to_state text NOT NULL, prev_hash text NOT NULL,
    hash text NOT NULL, at timestamptz NOT NULL DEFAULT now(), UNIQUE (activity_id, seq));
CREATE TABLE lean_outbox (id bigserial PRIMARY KEY, payload jsonb NOT NULL);
"""


def prepare(url: str, count: int) -> list[int]:
    with psycopg.connect(dsn(url)) as conn:
        conn.execute(SCHEMA)
        ids = [
            row[0]
            for row in conn.execute(
                "INSERT INTO lean_activity (state, version) "
                "SELECT 'draft', 1 FROM generate_series(1, %s) RETURNING id",
                (count,),
            )
        ]
        conn.execute(
            "INSERT INTO lean_audit (activity_id, seq, actor, action, to_state, prev_hash, hash) "
            "SELECT id, 1, 'dpppa.staf', 'create', 'draft', '', md5(id::text) FROM lean_activity"
        )
    return ids


def setup(url: str) -> psycopg.Connection[Any]:
    return psycopg.connect(dsn(url))


def client(conn: psycopg.Connection[Any], ids: list[int]) -> int:
    with conn:
        return walk(conn, ids)


def walk(conn: psycopg.Connection[Any], ids: list[int]) -> int:
    """Walk each activity along ``ROUTE`` on ``conn``, left open; returns the transitions."""
    done = 0
    for activity_id in ids:
        for username, action, source, target in ROUTE:
            with conn.transaction(), conn.cursor() as cur:
                cur.execute(
                    "SELECT state FROM lean_activity WHERE id = %s FOR UPDATE", (activity_id,)
                )
                (state,) = cur.fetchone()  # type: ignore[misc]
                if state != source:
                    raise RuntimeError(f"{activity_id} is {state}, not {source}")
                cur.execute(
                    "UPDATE lean_activity SET state = %s, version = version + 1 WHERE id = %s",
                    (target, activity_id),
                )
                cur.execute(
                    "SELECT seq, hash FROM lean_audit WHERE activity_id = %s "
                    "ORDER BY seq DESC LIMIT 1",
                    (activity_id,),
                )
                seq, prev = cur.fetchone()  # type: ignore[misc]
                digest = chain_hash(prev, [activity_id, seq + 1, username, action, target])
                cur.execute(
                    "INSERT INTO lean_audit (activity_id, seq, actor, action, from_state, "
                    "to_state, prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                    (activity_id, seq + 1, username, action, source, target, prev, digest),
                )
                cur.execute(
                    "INSERT INTO lean_outbox (payload) VALUES (%s)",
                    (Jsonb({"activity_id": activity_id, "to": target}),),
                )
            done += 1
    return done


def finished(url: str, ids: list[int]) -> bool:
    with psycopg.connect(dsn(url)) as conn:
        states = conn.execute(
            "SELECT DISTINCT state FROM lean_activity WHERE id = ANY(%s)", (ids,)
        ).fetchall()
    return states == [("signed",)]
