from django.urls import path, register_converter
from django.views.decorators.csrf import csrf_exempt

from portal.converters import AreaCodeConverter

from . import views
from .cache import published_page
from .converters import QuarterCodeConverter

app_name = "reporting"
register_converter(QuarterCodeConverter, "quarter_code")
register_converter(AreaCodeConverter, "area_code")

urlpatterns = [
    # Public: published snapshots only.
    path("dashboard/", published_page(views.public_index), name="public_index"),
    path("dashboard/latest/", views.public_latest, name="public_latest"),
    path("dashboard/open-data.csv", views.open_data, name="open_data"),
    path("dashboard/indicators/<slug:code>/", views.indicator_detail, name="indicator_detail"),
    # Published pages change only when a quarter is published: cached (reporting/cache.py).
    path(
        "dashboard/<quarter_code:period>/",
        published_page(views.public_dashboard),
        name="public_dashboard",
    ),
    path(
        "dashboard/<quarter_code:period>/<area_code:area>/",
        published_page(views.public_dashboard),
        name="public_dashboard",
    ),
    path(
        "dashboard/<quarter_code:period>/<area_code:area>/dashboard.csv",
        published_page(views.public_csv),
        name="public_csv",
    ),
    path(
        "dashboard/<quarter_code:period>/<area_code:area>/export/<str:fmt>/",
        # Acts for no one (the one public file of a published revision), so a forged
        # request gains nothing; exempt, the cached public page carries no token.
        csrf_exempt(views.public_export),
        name="public_export",
    ),
    path("exports/<uuid:token>/", views.export_status, name="export_status"),
    path("exports/<uuid:token>/download/", views.export_download, name="export_download"),
    # Committee: approved figures, published or not (viewer and up).
    path("committee/", views.committee_index, name="committee_index"),
    path("committee/<quarter_code:period>/publish/", views.publish, name="publish"),
    path("committee/<quarter_code:period>/", views.committee_dashboard, name="committee_dashboard"),
    path(
        "committee/<quarter_code:period>/<area_code:area>/",
        views.committee_dashboard,
        name="committee_dashboard",
    ),
    path(
        "committee/<quarter_code:period>/<area_code:area>/export/<str:fmt>/",
        views.committee_export,
        name="committee_export",
    ),
]
