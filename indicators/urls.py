from django.urls import include, path

app_name = "indicators"

urlpatterns = [
    path("", include("indicators.workflow_urls")),
    path("import/", include("indicators.import_urls")),
]
