"""Who may do what: role look-ups used by every app's access helpers.

Roles come from memberships. Approvers and admins act partnership-wide; submitters act for
the organisations they belong to; viewers read committee pages. Django superusers count as
admins. The look-up is cached on the user object so a page asks the database once.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

from .models import Membership

Role = Membership.Role


def memberships(user: User | AnonymousUser) -> list[Membership]:
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_portal_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("organisation"))
        user._portal_memberships = cached
    return cached


def roles(user: User | AnonymousUser) -> set[str]:
    found = {m.role for m in memberships(user)}
    if getattr(user, "is_superuser", False):
        found.add(Role.ADMIN)
    return found


def is_admin(user) -> bool:
    return Role.ADMIN in roles(user)


def is_approver(user) -> bool:
    """Performance managers (and admins) review, approve, override and publish."""
    return bool(roles(user) & {Role.APPROVER, Role.ADMIN})


def is_viewer(user) -> bool:
    """Anyone who may read approved but unpublished figures (committee pages)."""
    return bool(roles(user) & {Role.VIEWER, Role.APPROVER, Role.ADMIN})


def submitter_organisation_ids(user) -> set[int]:
    """Organisations whose submissions this user may enter and edit."""
    return {m.organisation_id for m in memberships(user) if m.role == Role.SUBMITTER}


def is_submitter(user) -> bool:
    return bool(submitter_organisation_ids(user))


def has_role(user, who: str) -> bool:
    """`who` is 'everyone', 'submitter', 'approver', 'viewer' or 'admin' (staff)."""
    if who == "everyone":
        return True
    if who == "admin":
        return bool(user.is_authenticated and user.is_staff)
    return {"submitter": is_submitter, "approver": is_approver, "viewer": is_viewer}[who](user)
