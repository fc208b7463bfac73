from django.contrib import admin
from django.urls import include, path

from . import health, pages, views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/password_reset/",
        views.ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("privacy/", pages.privacy, name="privacy"),
    path("cookies/", pages.cookies, name="cookies"),
    path("health/", health.health, name="health"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("indicators.urls")),
    path("", include("reporting.urls")),
]
