"""The home page sends each role to where it works; the throttled password reset."""

from django.apps import apps
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from . import access, security

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


RESET_THROTTLED = (
    "Too many password reset requests have been made for this address or from this "
    "computer. Check your inbox (and spam folder) for the link already sent, or try again "
    "in an hour."
)


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's reset form, refusing (429) once the address or the client asks too often."""

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if not security.password_reset_allowed(email, security.client_ip(self.request)):
            form.add_error(None, RESET_THROTTLED)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)
