"""The WSGI application for the production server (granian, gunicorn)."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haard.settings")
application = get_wsgi_application()

# What is loaded by now (Django, the apps, every view through the URL configuration) lives as
# long as the process. Freeze it out of the garbage collector's sight, so that a full
# collection walks only what requests create: measured in bench/RESULTS.md, a full collection
# took about 100 ms without this and 20 to 30 ms with it, and it stalls every request the
# process is serving.
get_resolver().url_patterns  # noqa: B018 - imports every view module before the freeze
gc.freeze()
