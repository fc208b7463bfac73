"""Bundle fixtures: the hand-written bundles in fixtures/, copied so a test may spoil them,
and an empty portal to load them into."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .bundle_helpers import FIXTURES


@pytest.fixture
def bundle_copy(tmp_path):
    """copy(name) → a private copy of fixtures/<name> to edit."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(FIXTURES / name, target)
        return target

    return copy


@pytest.fixture(scope="session")
def demo_bundle(django_db_setup, django_db_blocker, tmp_path_factory) -> Path:
    """The demo partnership exported once as a bundle; the database is left as it was.

    Loading the demo takes seconds; the tests that import its bundle start from the empty,
    freshly migrated test database instead of loading and wiping it each time.
    """
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import transaction

    from reporting.bundle import export_bundle

    folder = tmp_path_factory.mktemp("bundles") / "leicestershire"
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))
        export_bundle(folder)
        transaction.set_rollback(True)
    cache.clear()  # nothing cached from the rolled-back demo may reach a later test
    return folder
