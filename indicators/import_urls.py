"""URLs of the spreadsheet import (included by indicators/urls.py under /import/)."""

from django.urls import path

from . import import_views as views

urlpatterns = [
    path("", views.upload, name="import_upload"),
    path("template/", views.template, name="import_template"),
    path("<int:pk>/", views.preview, name="import_preview"),
    path("<int:pk>/confirm/", views.confirm, name="import_confirm"),
    path("historic/", views.historic, name="import_historic"),
    path("historic/<int:pk>/", views.job, name="import_job"),
]
