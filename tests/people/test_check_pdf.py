"""`make run` checks the PDF libraries and says what to install (issue 12, item 10)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check_pdf.py"


def load_script():
    spec = importlib.util.spec_from_file_location("check_pdf", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_check_makes_a_pdf_where_weasyprint_works():
    run = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "made a test PDF" in run.stdout


def test_a_missing_pango_names_the_debian_packages_to_install():
    check_pdf = load_script()

    def missing_pango() -> bytes:
        raise OSError(
            "cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object "
            "file: No such file or directory.\nAdditionally, ctypes.util.find_library() did not"
        )

    ok, message = check_pdf.check(missing_pango)

    assert not ok
    assert "cannot load library 'libpango-1.0-0'" in message
    assert "Additionally" not in message
    assert "sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0" in message


def test_output_that_is_not_a_pdf_fails_the_check():
    ok, message = load_script().check(lambda: b"<html>")
    assert not ok and "not a PDF" in message
