"""The measures of issue 11, each a ratio taken side by side in one run.

Every function returns `Line`s printed as `NAME measured=X goal=Y ratio=R pass|fail`.
"""

from __future__ import annotations

import gzip
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Indicator, Submission
from reporting.publishing import publish

from . import http
from .data import World


@dataclass
class Line:
    name: str
    measured: str
    goal: str
    ratio: float
    passed: bool

    def __str__(self) -> str:
        verdict = "pass" if self.passed else "fail"
        return f"{self.name} measured={self.measured} goal={self.goal} ratio={self.ratio:.2f} {verdict}"


def at_most(name: str, measured: str, ratio: float, goal: float, unit: str = "x") -> Line:
    return Line(name, measured, f"<={goal:g}{unit}", ratio, ratio <= goal)


def at_least(name: str, measured: str, ratio: float, goal: float) -> Line:
    return Line(name, measured, f">={goal:g}x", ratio, ratio >= goal)


def median_seconds(action: Callable[[], object], repeat: int = 5) -> float:
    action()  # warm: templates compiled, caches filled
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _get(client: Client, url: str, **params) -> Callable[[], None]:
    def action() -> None:
        response = client.get(url, params, secure=True)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")

    return action


# --- committee ----------------------------------------------------------------------------


def _raw_fetch(area_ids: list[int], period_ids: list[int]) -> Callable[[], None]:
    sql = (
        "SELECT indicator_id, area_id, period_id, value, numerator, denominator, "
        "covered_label, is_nil_return, is_provisional, is_estimated, footnote, commentary "
        "FROM indicators_submission WHERE is_latest_approved AND area_id = ANY(%s) "
        "AND period_id = ANY(%s)"
    )

    def action() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, [area_ids, period_ids])
            cursor.fetchall()

    return action


def committee(world: World, quarters: int = 14) -> list[Line]:
    """The committee dashboard against one raw SQL fetch of the approved values it shows:
    the area's own for a county, the district's and its siblings' (ranks) for a district."""
    client = client_for(world.viewer)
    periods = [p.pk for p in world.periods[-quarters:]]
    lines = []
    district = world.districts[0]
    for name, area, area_ids in (
        ("committee_vs_raw_sql_county", None, [world.county.pk]),
        ("committee_vs_raw_sql_district", district, [d.pk for d in world.districts]),
    ):
        args = [world.latest.code] + ([area.code] if area else [])
        page = median_seconds(_get(client, reverse("reporting:committee_dashboard", args=args)))
        raw = median_seconds(_raw_fetch(area_ids, periods))
        lines.append(at_most(name, f"{page * 1000:.0f}ms", page / raw, 3))
    return lines


def committee_queries(world: World, small: int = 12) -> list[Line]:
    """Queries of one committee page with `small` active indicators and with all of them."""
    client = client_for(world.viewer)
    url = reverse("reporting:committee_dashboard", args=[world.latest.code])
    counts = {}
    hidden = Indicator.objects.filter(pk__in=[i.pk for i in world.indicators[small:]])
    hidden.update(is_active=False)
    try:
        for label in ("small", "all"):
            if label == "all":
                hidden.update(is_active=True)
            client.get(url, secure=True)
            with CaptureQueriesContext(connection) as queries:
                client.get(url, secure=True)
            counts[label] = len(queries)
    finally:
        hidden.update(is_active=True)
    worst = max(counts.values())
    measured = f"{counts['small']}@{small},{counts['all']}@{len(world.indicators)}"
    line = at_most("committee_queries", measured, worst / 10, 1)
    line.goal = "<=10,equal"
    line.passed = worst <= 10 and counts["small"] == counts["all"]
    return [line]


# --- pages whose cost must not follow history ---------------------------------------------


def page_times(world: World) -> dict[str, float]:
    """Seconds for the pages that grow with history if anything does."""
    submitter = world.submitters[0]
    return {
        "committee_index": median_seconds(
            _get(client_for(world.viewer), reverse("reporting:committee_index"))
        ),
        "my_submissions": median_seconds(
            _get(client_for(submitter), reverse("indicators:my_submissions"))
        ),
        "review_queue_all_states": median_seconds(
            _get(client_for(world.approver), reverse("indicators:review_queue"), state="")
        ),
        "committee_dashboard": median_seconds(
            _get(
                client_for(world.viewer),
                reverse("reporting:committee_dashboard", args=[world.latest.code]),
            )
        ),
    }


def review_queue(world: World) -> list[Line]:
    seconds = page_times(world)["review_queue_all_states"]
    size = f"{Submission.objects.count() // 1000}k"
    return [at_most(f"review_queue_all_states_{size}", f"{seconds * 1000:.0f}ms", seconds / 0.3, 1)]


def growth(small: dict[str, float], big: dict[str, float], label: str) -> list[Line]:
    return [
        at_most(f"growth_{name}_{label}", f"{big[name] * 1000:.0f}ms", big[name] / small[name], 1.5)
        for name in small
    ]


# --- imports ------------------------------------------------------------------------------


def _bench_import(rows: int, file_format: str) -> dict[str, float]:
    command = ["manage.py", "bench_import", "--rows", str(rows), "--format", file_format]
    done = subprocess.run(
        [sys.executable, *command], cwd=settings.BASE_DIR, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    out = done.stdout
    number = r"([\d,.]+)"

    def find(pattern: str) -> float:
        return float(re.search(pattern + number, out).group(1).replace(",", ""))

    return {
        "portal": find(r"portal import path: "),
        "ratio": find(r"ratio \(portal / bare\): "),
        "peak_mb": find(r"tracemalloc "),
        "rss_mb": find(r"process max RSS "),
    }


def imports(rows: int = 20000, memory_rows: int = 200000) -> Iterator[Line]:
    """Each line as soon as it is measured: the 200,000-row run takes minutes."""
    runs = {}
    for file_format in ("csv", "xlsx"):
        runs[file_format] = run = _bench_import(rows, file_format)
        yield at_least(
            f"import_{file_format}_vs_bulk_create_{rows // 1000}k",
            f"{run['portal']:.0f}rows/s",
            run["ratio"],
            0.25,
        )
    big = _bench_import(memory_rows, "csv")
    yield at_most(
        f"import_memory_{memory_rows // 1000}k_vs_{rows // 1000}k",
        f"{big['peak_mb']:.0f}MB(rss {big['rss_mb']:.0f}MB)",
        big["peak_mb"] / runs["csv"]["peak_mb"],
        2,
    )


# --- through gunicorn ---------------------------------------------------------------------


def _publish_latest(world: World) -> str:
    publish(world.latest, world.approver, areas=[world.county])
    return reverse("reporting:public_dashboard", args=[world.latest.code])


def public_vs_static(world: World, port: int, seconds: float = 5, users: int = 8) -> list[Line]:
    """Requests per second of the published page and of a static file of the same size,
    both gzipped, through the same gunicorn, alternating so the machine's load hits both."""
    page = _publish_latest(world)
    with tempfile.TemporaryDirectory() as folder:
        html = Client().get(page, secure=True).content
        Path(folder, "page.html").write_bytes(html)
        Path(folder, "page.html.gz").write_bytes(gzip.compress(html))
        gz = {"Accept-Encoding": "gzip", **http.BEHIND_PROXY}
        with http.gunicorn(port, Path(folder)):
            static = http.Request("/bench-static/page.html", headers=gz)
            public = http.Request(page, headers=gz)
            rates = {"static": [], "page": []}
            for _ in range(2):
                for name, request in (("static", static), ("page", public)):
                    result = http.load(port, lambda _u, r=request: r, users, seconds / 2)
                    if result.errors:
                        raise RuntimeError(f"{result.errors} errors fetching {request.path}")
                    rates[name].append(result.per_second)
    page_rate, static_rate = sum(rates["page"]), sum(rates["static"])
    return [
        at_least(
            "public_page_vs_static_file",
            f"{page_rate / 2:.0f}req/s({len(html) // 1024}KB)",
            page_rate / static_rate,
            0.5,
        )
    ]


def _session(user) -> str:
    client = client_for(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def mixed_load(world: World, port: int, users: int = 50, seconds: float = 20) -> list[Line]:
    """`users` people at once: the public, the committee, submitters saving drafts and
    approvers working the queue. Errors are answers other than the expected status."""
    page = reverse("reporting:public_dashboard", args=[world.latest.code])
    csrf = "benchcsrftokenbenchcsrftoken1234"  # an unmasked secret is accepted as a token
    drafts = list(
        Submission.objects.filter(period=world.open_period, state=Submission.State.DRAFT)
        .select_related("indicator")
        .order_by("pk")[:users]
    )
    owners = {d.pk: world.submitter_for(d.indicator) for d in drafts}
    sessions = {user.pk: _session(user) for user in set(owners.values())}
    viewer, approver = _session(world.viewer), _session(world.approver)
    row_versions = {d.pk: d.row_version for d in drafts}
    rng = random.Random(11)

    def cookie(session: str) -> dict[str, str]:
        return {"Cookie": f"sessionid={session}; csrftoken={csrf}", **http.BEHIND_PROXY}

    def next_request(user: int) -> http.Request:
        roll = rng.random()
        draft = drafts[user % len(drafts)]
        mine = cookie(sessions[owners[draft.pk].pk])
        if roll < 0.5:
            return http.Request(page, headers={"Accept-Encoding": "gzip", **http.BEHIND_PROXY})
        if roll < 0.6:
            return http.Request(reverse("indicators:my_submissions"), headers=mine)
        if roll < 0.75:
            row_versions[draft.pk] += 1  # the save moves it on, whatever the answer
            body = (
                f"csrfmiddlewaretoken={csrf}&row_version={row_versions[draft.pk] - 1}"
                f"&numerator={rng.randint(1, 999)}&action=save"
            ).encode()
            headers = {
                **mine,
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"https://{http.HOST}:{port}",
            }
            url = reverse("indicators:submission_edit", args=[draft.pk])
            return http.Request(url, "POST", headers, body, expect=(302,))
        if roll < 0.95:
            return http.Request(reverse("indicators:review_queue"), headers=cookie(approver))
        url = reverse("reporting:committee_dashboard", args=[world.latest.code])
        return http.Request(url, headers=cookie(viewer))

    with tempfile.TemporaryDirectory() as folder, http.gunicorn(port, Path(folder)):
        result = http.load(port, next_request, users, seconds)
    p95 = result.percentile(0.95)
    line = at_most(
        f"mixed_load_{users}_users",
        f"p95={p95 * 1000:.0f}ms,errors={result.errors},{result.per_second:.0f}req/s",
        p95 / 0.3,
        1,
    )
    line.goal = "p95<=300ms,0errors"
    line.passed = line.passed and result.errors == 0
    return [line]
