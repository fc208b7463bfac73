"""Helpers of the bundle tests: the hand-written bundles' folder, an empty portal to load
them into, and small file tools."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
# The seed table and its comparison tool's path live with the reporting tests.
sys.path.append(str(Path(__file__).parents[1] / "reporting"))


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


def pdf_text(content: bytes, folder: Path) -> str:
    """A PDF's text via pdftotext (Debian poppler-utils), whitespace collapsed."""
    import subprocess

    assert shutil.which("pdftotext"), "install poppler-utils (scripts/system_deps.sh)"
    path = folder / "dashboard.pdf"
    path.write_bytes(content)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())
