"""Rate limits for anonymous and API writes, shared by every server process.

A fixed-window counter per (scope, key) in the database cache (table `trygg_ratelimit`, made by
a migration), so that every gunicorn worker sees the same counts. Keys are hashed with the
secret key: no address is stored in the clear.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _name(scope: str, key: str, per: int) -> str:
    window = int(time.time() // per)
    digest = hashlib.sha256(f"{settings.SECRET_KEY}|{scope}|{key}".encode()).hexdigest()[:32]
    return f"{scope}:{digest}:{window}"


def hits(scope: str, key: str, *, per: int) -> int:
    """How many hits `key` has in `scope` in the current window, without counting one.

    With `allow` this counts only some events, e.g. failed logins: check `hits` first, call
    `allow` when the event to count happened.
    """
    return int(caches["ratelimit"].get(_name(scope, key, per), 0))


def allow(scope: str, key: str, *, limit: int, per: int) -> bool:
    """Count one hit for `key` in `scope`; False once more than `limit` fall in `per` seconds."""
    name = _name(scope, key, per)
    cache = caches["ratelimit"]
    if cache.add(name, 1, timeout=per + 1):
        return limit >= 1
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=per + 1)
        count = 1
    return count <= limit
