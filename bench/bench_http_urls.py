"""Aduan's URLs plus ``/bench/insert/``: the floor of a write, for bench/bench_http.py only.

The view inserts one row into ``bench_http_row`` (made by the bench) in its own
transaction and answers 201: what any Django POST costs under the same gunicorn,
database and middleware, with none of Aduan's work.
"""

from django.db import connection, transaction
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from aduan.urls import urlpatterns as aduan_urlpatterns


@csrf_exempt
def insert(request):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_http_row (body, at) VALUES (%s, now())",
            [request.POST.get("body", "")[:500]],
        )
    return HttpResponse(b'{"ok": true}', status=201, content_type="application/json")


urlpatterns = [path("bench/insert/", insert), *aduan_urlpatterns]
