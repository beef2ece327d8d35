"""The peer of bench/load_reports.py: the least a Django application can do per report.

No middleware, no session, no form, no template: the POST is parsed and its client key
inserted with `INSERT … ON CONFLICT DO NOTHING` into `bench_peer` (made by the load test's
setup), then a redirect, as the real form answers. Same DATABASE_URL, same gunicorn
settings: the ceiling of Django plus one write on this machine.
"""

import os

import dj_database_url
import django
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="peer-of-the-load-test",  # noqa: S106
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)},
    USE_TZ=True,
)
if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    settings.DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
django.setup()


def insert(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_peer (client_key, body) VALUES (%s, %s) "
            "ON CONFLICT (client_key) DO NOTHING",
            [request.POST["client_key"], request.POST.get("text", "")],
        )
    return HttpResponseRedirect("/done/")


urlpatterns = [path("insert/", insert)]

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
