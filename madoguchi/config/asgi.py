"""ASGI entry point (uvicorn): `madoguchi serve`."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madoguchi.config.settings")

application = get_asgi_application()
