"""docker-compose.yml: the services the issue asks for, healthchecks, a PostgreSQL volume, the
README's environment variables, and commands that exist in the ``sepakat`` CLI. When ``docker
compose`` is installed it must accept the file too."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from sepakat.cli import main

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
LONG_RUNNING = {"postgres", "redis", "web", "worker", "mailpit"}
APP_SERVICES = {"web": "serve", "worker": "worker"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(data, dict)
    return data


def readme_variables() -> set[str]:
    """The names in the README's configuration table (``| `NAME` | default | meaning |``)."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([A-Z_]+)` \|", section, flags=re.MULTILINE))


def command(service: dict[str, Any]) -> list[str]:
    cmd = service.get("command", [])
    return cmd.split() if isinstance(cmd, str) else list(cmd)


def test_the_services_are_there_with_healthchecks(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) >= LONG_RUNNING
    for name in LONG_RUNNING:
        check = services[name].get("healthcheck", {})
        assert check.get("test"), f"{name} has no healthcheck"
        assert check["test"][0] in ("CMD", "CMD-SHELL"), name


def test_postgresql_keeps_its_data_in_a_named_volume(compose: dict[str, Any]) -> None:
    mounts = compose["services"]["postgres"]["volumes"]
    named = [m.split(":")[0] for m in mounts if m.endswith(":/var/lib/postgresql/data")]
    assert named and named[0] in compose["volumes"]


def test_every_sepakat_command_exists_in_the_cli(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name, subcommand in APP_SERVICES.items():
        assert command(services[name])[:2] == ["sepakat", subcommand]
    for name, service in services.items():
        cmd = command(service)
        if cmd[:1] == ["sepakat"]:
            assert cmd[1] in main.commands, f"{name}: sepakat {cmd[1]} does not exist"


def test_app_services_get_the_readme_environment_pointing_at_the_services(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    wanted = readme_variables()
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "SMTP_URL"} <= wanted
    hosts = {"DATABASE_URL": "postgres", "REDIS_URL": "redis", "SMTP_URL": "mailpit"}
    for name in APP_SERVICES:
        env = services[name]["environment"]
        assert wanted <= set(env), f"{name} lacks {wanted - set(env)}"
        for variable, host in hosts.items():
            assert urlsplit(env[variable]).hostname == host, variable
            assert host in services


def test_start_order_waits_for_healthy_dependencies(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name, service in services.items():
        for dependency, rule in (service.get("depends_on") or {}).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            if rule["condition"] == "service_healthy":
                assert "healthcheck" in services[dependency], dependency
    assert "postgres" in services["init-db"]["depends_on"]
    for name in APP_SERVICES:
        assert services[name]["depends_on"]["init-db"]["condition"] == (
            "service_completed_successfully"
        )
        if "build" in services[name]:
            assert (ROOT / "Dockerfile").is_file()


def compose_cli() -> list[str] | None:
    """``docker compose`` (v2) or ``docker-compose`` (v1, e.g. Debian's package), if any."""
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True)
        if probe.returncode == 0:
            return ["docker", "compose"]
    return ["docker-compose"] if shutil.which("docker-compose") else None


@pytest.mark.skipif(compose_cli() is None, reason="docker compose is not installed")
def test_docker_compose_accepts_the_file() -> None:
    cli = compose_cli()
    assert cli is not None

    def config(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*cli, "-f", str(COMPOSE), "config", "--quiet"],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )

    base = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    result = config({**base, "SECRET_KEY": "b" * 8 + "0123456789abcdef" * 3})
    assert result.returncode == 0, result.stderr
    refused = config(base)  # no published default key to fall back on
    assert refused.returncode != 0 and "SECRET_KEY" in refused.stderr
