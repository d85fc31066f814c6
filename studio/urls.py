from django.contrib import admin
from django.urls import include, path

from studio.health import healthz
from studio.openapi import openapi_json

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/openapi.json", openapi_json, name="openapi"),
    path("admin/", admin.site.urls),
    path("", include("projects.urls")),  # sign in and out
    path("", include("accounts.urls")),  # users, passwords, API keys
    path("", include("annotation.apis.urls")),
    path("", include("modeling.apis.urls")),
    path("", include("modeling.apis.runtime_urls")),
    path("", include("annotation.urls")),
    path("", include("modeling.urls")),
]

# Unknown API paths and errors outside the API views answer in Azure's JSON too (`studio.api`).
handler404 = "studio.api.not_found"
handler500 = "studio.api.server_error"
