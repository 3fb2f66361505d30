from django.urls import path

from .api import api

# config/urls.py mounts this at api/v1/: the schema is /api/v1/openapi.json, the docs /api/v1/docs.
urlpatterns = [path("", api.urls)]
