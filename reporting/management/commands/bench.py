"""`python manage.py bench [--big]`: the performance goals of issue 11, one line each.

Prints `NAME measured=X goal=Y ratio=R pass|fail`. Needs PostgreSQL, and a database of its
own: it empties the database it is given (its name must contain "bench"), generates its
data, and serves pages through gunicorn on 127.0.0.1:--port. The measures live in `bench/`.
"""

from __future__ import annotations

import platform
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench import data, explain, measures
from indicators.models import Submission


def _fresh_database() -> None:
    """Drop and create the benchmark's database, then migrate it (data migrations too)."""
    settings = connection.settings_dict
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(settings['NAME'])}")
        cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(settings['NAME'])}")
    call_command("migrate", verbosity=0)


class Command(BaseCommand):
    help = "Measure the portal against the goals of issue 11 (empties a database named *bench*)."

    def add_arguments(self, parser):
        parser.add_argument("--big", action="store_true", help="add the growth lines")
        parser.add_argument("--port", type=int, default=8600)
        parser.add_argument("--indicators", type=int, default=300)
        parser.add_argument("--areas", type=int, default=8)
        parser.add_argument("--quarters", type=int, default=25, help="past quarters generated")
        parser.add_argument("--import-rows", type=int, default=20000)
        parser.add_argument("--memory-rows", type=int, default=200000)
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--load-seconds", type=float, default=20)
        parser.add_argument("--big-submissions", type=int, default=6_000_000)
        parser.add_argument(
            "--explain", action="store_true", help="print the query plans of history-free reads"
        )
        parser.add_argument(
            "--only", default="", help="comma-separated: committee,queue,imports,public,load"
        )

    def handle(self, *args, **opts):
        name = connection.settings_dict["NAME"]
        if connection.vendor != "postgresql" or "bench" not in name:
            raise CommandError(
                "The benchmark empties its database: run it on PostgreSQL with a database "
                f"whose name contains 'bench' (DATABASE_URL names '{name}')."
            )
        only = set(filter(None, opts["only"].split(",")))
        started = time.perf_counter()
        self.stdout.write(
            f"# {platform.node()} {platform.platform()} python {platform.python_version()}"
        )
        _fresh_database()
        world = data.build(opts["indicators"], opts["areas"], opts["quarters"])
        self.stdout.write(f"# generated {Submission.objects.count():,} submissions")

        def run(key: str, lines) -> None:
            if not only or key in only:
                for line in lines():
                    self.stdout.write(str(line))
                    self.stdout.flush()

        run("public", lambda: measures.public_vs_static(world, opts["port"]))
        run("committee", lambda: measures.committee(world))
        run("committee", lambda: measures.committee_queries(world))
        run("queue", lambda: measures.review_queue(world))
        run(
            "load",
            lambda: measures.mixed_load(
                world, opts["port"] + 1, opts["users"], opts["load_seconds"]
            ),
        )
        run("imports", lambda: measures.imports(opts["import_rows"], opts["memory_rows"]))
        if opts["big"]:
            small_size = Submission.objects.count()
            small = measures.page_times(world)
            data.grow_history(world, opts["big_submissions"])
            big_size = Submission.objects.count()
            self.stdout.write(f"# grew to {big_size:,} submissions")
            label = f"{small_size // 1000}k_vs_{big_size / 1e6:.1f}M"
            for line in measures.growth(small, measures.page_times(world), label):
                self.stdout.write(str(line))
        if opts["explain"]:
            self.stdout.write(f"# query plans at {Submission.objects.count():,} submissions")
            for line in explain.plans(world):
                self.stdout.write(line)
        self.stdout.write(f"# {time.perf_counter() - started:.0f}s")
