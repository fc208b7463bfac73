"""URLs of the submission and approval workflow (included by indicators/urls.py)."""

urlpatterns: list = []
