"""Fixtures of the notification tests: a real SMTP server, the machine's Redis (a dedicated
database index), Flask apps bound to the test PostgreSQL, real Celery workers."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from flask import Flask

from core.plugins import Registry
from sepakat.app import create_app
from sepakat.database import db
from tests.conftest import PG_URL, REQUIRE, _factory
from tests.notify.services import MailCatcher, smtp_server

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PUBLIC_URL = "https://sepakat.lampungprov.test"


@pytest.fixture(scope="session")
def smtp() -> Iterator[tuple[str, MailCatcher]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def mail(smtp: tuple[str, MailCatcher]) -> MailCatcher:
    """The SMTP server's catcher, emptied for this test."""
    smtp[1].clear()
    return smtp[1]


@pytest.fixture(scope="session")
def smtp_url(smtp: tuple[str, MailCatcher]) -> str:
    return smtp[0]


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The machine's Redis, database ``TEST_REDIS_URL`` (index 15 by default), emptied once:
    queued messages of an earlier run must not reach this run's workers."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.flushdb()
    except redis.ConnectionError:
        if REQUIRE:
            pytest.fail(f"Redis not reachable at {REDIS_URL}")
        pytest.skip("Redis not reachable")
    finally:
        client.close()
    return REDIS_URL


AppFactory = Callable[..., Flask]


@pytest.fixture
def app_factory(registry: Registry) -> Iterator[AppFactory]:
    """Flask apps on the test PostgreSQL; ``redis_url=None`` is the embedded (no broker) mode."""
    apps: list[Flask] = []

    def make(redis_url: str | None, smtp_url: str | None, **extra: Any) -> Flask:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": PG_URL,
                "REDIS_URL": redis_url,
                "SMTP_URL": smtp_url,
                "PUBLIC_URL": PUBLIC_URL,
                "SECRET_KEY": "uji",
                "TESTING": True,
                **extra,
            },
            registry=registry,
        )
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def pg_ready(
    _factories: dict[str, object], registry: Registry, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """The seeded test PostgreSQL, before any worker connects (workers outlive one test)."""
    _factory("postgresql", _factories, registry, tmp_path_factory.getbasetemp())
    return PG_URL
