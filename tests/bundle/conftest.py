"""Bundle fixtures: the hand-written bundles in fixtures/, copied so a test may spoil them,
and an empty portal to load them into."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
# The seed table and its comparison tool's path live with the reporting tests.
sys.path.append(str(Path(__file__).parents[1] / "reporting"))


@pytest.fixture
def bundle_copy(tmp_path):
    """copy(name) → a private copy of fixtures/<name> to edit."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(FIXTURES / name, target)
        return target

    return copy


def empty_portal() -> None:
    """Remove every partnership record, as in a freshly migrated database."""
    from indicators import demo
    from reporting.models import ExportJob, Layout, Publication

    ExportJob.objects.all().delete()
    Publication.objects.all().delete()
    Layout.objects.all().delete()
    demo.wipe()


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
