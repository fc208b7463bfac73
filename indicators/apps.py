from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Indicators and submissions"

    def home_todo(self, user) -> list[dict]:
        """The home page's to-do panels for `user` (portal's home view asks every app)."""
        from .todo import panels_for  # models are not ready when apps.py is imported

        return panels_for(user)
