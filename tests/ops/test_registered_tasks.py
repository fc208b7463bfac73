"""Every task the code sends (or beat schedules) is registered by the worker.

The worker only knows the tasks of the modules it imports at start; a task defined
elsewhere is received as "unregistered" and its message dropped (the historic import stayed
"queued" for ever that way). The first test loads the app in a fresh process exactly as
`celery worker` does; tests/ops/test_faults.py asks a running worker the same question.
"""

from __future__ import annotations

import subprocess
import sys

from .sent_tasks import ROOT, sent_task_names

LOAD_AS_THE_WORKER_DOES = (
    "from portal.celery import app; app.loader.init_worker(); "
    "print('\\n'.join(sorted(n for n in app.tasks if not n.startswith('celery.'))))"
)


def worker_task_names() -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", LOAD_AS_THE_WORKER_DOES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return set(out.stdout.split())


def test_the_worker_registers_every_task_the_code_sends():
    sent, registered = sent_task_names(), worker_task_names()
    missing = {name: where for name, where in sent.items() if name not in registered}
    assert missing == {}


def test_the_scan_finds_the_tasks_sent_from_views_tasks_and_beat():
    sent = sent_task_names()
    assert {
        "reporting.tasks.run_export",
        "indicators.import_tasks.run_historic_import",
        "portal.tasks.send_outbox",
        "indicators.import_tasks.expire_import_previews",
        "reporting.tasks.sweep_stale_exports",
    } <= set(sent)
