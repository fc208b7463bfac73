"""URLs of the spreadsheet import (included by indicators/urls.py)."""

urlpatterns: list = []
