"""DEBUG=0 refuses unsafe settings; HSTS preload and subdomains are the operator's choice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The test run's own settings must not leak into the production process under test.
UNSET = {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
STRONG_KEY = "k" * 20 + "-a-long-random-production-secret-for-tests-only"
SHOW = (
    "from django.conf import settings; "
    "print(settings.SECURE_HSTS_PRELOAD, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
)


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in UNSET}
    clean.update({"DJANGO_SETTINGS_MODULE": "portal.settings", **env})
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )


def last_line(result: subprocess.CompletedProcess) -> str:
    return result.stderr.strip().splitlines()[-1]


DEVELOPMENT_KEY = "django-insecure-development-only-key-change-me-in-production-0123456789"
HOSTS = "portal.example.org"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALLOWED_HOSTS": HOSTS}, "DEBUG=0 needs a SECRET_KEY of your own"),
        ({"SECRET_KEY": DEVELOPMENT_KEY, "ALLOWED_HOSTS": HOSTS}, "needs a SECRET_KEY of your own"),
        ({"SECRET_KEY": STRONG_KEY}, "DEBUG=0 needs ALLOWED_HOSTS"),
    ],
    ids=["no-key", "development-key", "no-hosts"],
)
def test_production_refuses_to_start_with_unsafe_settings(env, message):
    result = run(["manage.py", "check"], DEBUG="0", **env)
    assert result.returncode != 0
    assert last_line(result).startswith("django.core.exceptions.ImproperlyConfigured")
    assert message in last_line(result)


def test_production_starts_with_its_own_key_and_hosts():
    result = run(["manage.py", "check"], DEBUG="0", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS=HOSTS)
    assert result.returncode == 0, result.stderr


def test_hsts_preload_and_subdomains_are_off_unless_chosen():
    base = {"DEBUG": "0", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": HOSTS}
    assert run(["-c", f"import django; django.setup(); {SHOW}"], **base).stdout.split() == [
        "False",
        "False",
    ]
    chosen = run(
        ["-c", f"import django; django.setup(); {SHOW}"],
        SECURE_HSTS_PRELOAD="1",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        **base,
    )
    assert chosen.stdout.split() == ["True", "True"]


@pytest.mark.parametrize("preload", ["0", "1"])
def test_deploy_check_is_clean_with_preload_on_or_off(preload):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="0",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS=HOSTS,
        SECURE_HSTS_PRELOAD=preload,
        SECURE_HSTS_INCLUDE_SUBDOMAINS=preload,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_demo_data_is_refused_exactly_when_debug_is_off():
    show = "import django; django.setup(); from django.conf import settings; "
    show += "print(settings.DEMO_DATA_ALLOWED)"
    production = run(["-c", show], DEBUG="0", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS=HOSTS)
    assert production.stdout.split() == ["False"]
    assert run(["-c", show], DEBUG="1").stdout.split() == ["True"]
