"""The plugin test kit: a province package's tests import only this (and ``core.plugin``).

As a pytest plugin (``pytest_plugins = ["core.plugin.testing"]`` in the package's
``tests/conftest.py``) it provides the fixtures ``sepakat_plugin``, ``sepakat_registry``,
``sepakat_engine``, ``sepakat_sessions`` and ``sepakat_harness`` (the same as
``core.pytest_plugin``, which existing packages keep using). The names:

- ``Harness`` (a real engine for one province: create, act, walk, state, ``notified``, ...)
  and ``harness_for(plugin, database_url)`` for use outside pytest;
- ``Registry`` / ``ProvinceRuntime`` (what ``sepakat_registry`` holds) and ``TransitionResult``
  (what ``Harness.act`` returns);
- ``RuleFailed`` (the error a refused create, edit or transition raises; ``.codes()``);
- ``check_province`` and ``Problem`` (what ``sepakat plugins check`` reports).

A module of re-exports only.
"""

from core.errors import RuleFailed
from core.plugin_check import Problem, check_province
from core.plugins import ProvinceRuntime, Registry
from core.pytest_plugin import (
    pytest_addoption,
    sepakat_engine,
    sepakat_harness,
    sepakat_plugin,
    sepakat_registry,
    sepakat_sessions,
)
from core.services import TransitionResult
from core.testing import Harness, harness_for

__all__ = [
    "Harness",
    "Problem",
    "ProvinceRuntime",
    "Registry",
    "RuleFailed",
    "TransitionResult",
    "check_province",
    "harness_for",
    "pytest_addoption",
    "sepakat_engine",
    "sepakat_harness",
    "sepakat_plugin",
    "sepakat_registry",
    "sepakat_sessions",
]
