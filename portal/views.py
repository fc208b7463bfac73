"""The home page sends each role to where it works."""

from django.apps import apps
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from . import access

SECTIONS = [
    (
        "submitter",
        "My submissions",
        "Enter and submit your organisation's figures for the open quarters.",
        "indicators:my_submissions",
    ),
    ("approver", "Review queue", "Approve or return submitted figures.", "indicators:review_queue"),
    (
        "approver",
        "Submission tracker",
        "See who has submitted, who is late, and send reminders.",
        "indicators:period_list",
    ),
    (
        "viewer",
        "Committee dashboard",
        "Approved figures before publication, with commentary and overrides.",
        "reporting:committee_index",
    ),
    (
        "admin",
        "Administration",
        "Organisations, users, areas, outcomes, indicators and quarters.",
        "admin:index",
    ),
    (
        "everyone",
        "Published dashboards",
        "The partnership's published quarterly performance dashboards and open data.",
        "reporting:public_index",
    ),
]


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _todo(user) -> list[dict]:
    """Each app's to-do panels for the user. Apps offer them through a `home_todo` method
    on their AppConfig, because portal may not import the apps built on it."""
    if not user.is_authenticated:
        return []
    panels = []
    for config in apps.get_app_configs():
        hook = getattr(config, "home_todo", None)
        if hook is not None:
            panels.extend(hook(user))
    return panels


def home(request):
    sections = [
        {"title": title, "description": text, "url": url}
        for who, title, text, name in SECTIONS
        if access.has_role(request.user, who) and (url := _url(name))
    ]
    return render(
        request,
        "portal/home.html",
        {
            "sections": sections,
            "todo": _todo(request.user),
            "public_dashboard_url": _url("reporting:public_index"),
        },
    )
