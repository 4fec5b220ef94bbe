"""ASGI entry point (uvicorn): `madoguchi serve`. Sync views run in a fixed thread pool (runtime/asgi.py)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madoguchi.config.settings")

from madoguchi.runtime.asgi import get_application

application = get_application()
