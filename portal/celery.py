"""The Celery app. Tasks run eagerly in-process unless CELERY_BROKER_URL is set.

The worker loads every module that defines tasks: each app's `tasks.py` by autodiscovery,
and the modules named in `imports` (tests/ops/test_registered_tasks.py checks that every
task the code sends or beat schedules is registered). Work is sent through
`portal.background.enqueue`, never `.delay` in a request.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.imports = ("indicators.import_tasks",)

app.conf.beat_schedule = {
    "send-outbox": {
        "task": "portal.tasks.send_outbox",
        # Seconds; the fault tests shorten it. Each commit also wakes the sender at once.
        "schedule": float(os.environ.get("OUTBOX_SEND_INTERVAL", "60")),
    },
    "sweep-stale-exports": {
        "task": "reporting.tasks.sweep_stale_exports",
        "schedule": 120.0,
    },
    "sweep-stale-imports": {
        "task": "indicators.import_tasks.sweep_stale_imports",
        "schedule": 120.0,
    },
    "deadline-reminders": {
        "task": "indicators.tasks.send_deadline_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "overdue-notices": {
        "task": "indicators.tasks.send_overdue_notices",
        "schedule": crontab(hour=7, minute=15),
    },
    "review-digest": {
        "task": "indicators.tasks.send_review_digest",
        "schedule": crontab(hour=8, minute=0, day_of_week="mon-fri"),
    },
    "expire-import-previews": {
        "task": "indicators.import_tasks.expire_import_previews",
        "schedule": crontab(hour=2, minute=0),
    },
    "purge-old-exports": {
        "task": "reporting.tasks.purge_old_exports",
        "schedule": crontab(hour=2, minute=30),
    },
}
