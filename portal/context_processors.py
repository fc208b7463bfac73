"""Template context shared by every page: the partnership's name and the role-based menu."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from . import access

# (label, url name, who sees it). Apps register their pages by url name; a name that is not
# wired yet is skipped, so the menu never links to a missing page.
NAV = [
    ("Dashboard", "reporting:public_index", "everyone"),
    ("My submissions", "indicators:my_submissions", "submitter"),
    ("Review queue", "indicators:review_queue", "approver"),
    ("Quarters", "indicators:period_list", "approver"),
    ("Committee", "reporting:committee_index", "viewer"),
    ("Administration", "admin:index", "admin"),
]


def portal(request):
    user = request.user
    items = []
    for label, name, who in NAV:
        if not access.has_role(user, who):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append(
            {"label": label, "url": url, "active": request.path.startswith(url) and url != "/"}
        )
    return {"partnership_name": settings.PARTNERSHIP_NAME, "nav_items": items}
