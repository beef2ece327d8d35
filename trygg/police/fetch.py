"""Fetching the police's public events API politely.

A User-Agent that says who is asking; at most one request a minute, also across runs (the
time of the last request is kept in the import directory); a timeout on every request; and a
few retries, each after the same minute, when the server or the network fails.
"""

import time
import urllib.error
import urllib.request
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from trygg.imports.services import import_dir

API_URL = "https://polisen.se/api/events"
MIN_INTERVAL = 60.0
MAX_BYTES = 20 * 1024 * 1024
RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
STAMP = "police-events.last-request"


class FetchError(Exception):
    pass


def user_agent() -> str:
    try:
        version = metadata.version("trygg")
    except metadata.PackageNotFoundError:
        version = "dev"
    contact = getattr(settings, "TRYGG_CONTACT", "")
    about = "open-source EST tool for Swedish municipalities"
    return f"Trygg/{version} ({about}{'; ' + contact if contact else ''})"


# The clock and the pause, as functions of this module so that tests can replace them.
def now() -> float:
    return time.time()


def sleep(seconds: float) -> None:
    time.sleep(seconds)


def _stamp() -> Path:
    return import_dir() / STAMP


def wait_for_turn(interval: float) -> float:
    """Sleep until `interval` seconds have passed since the last request; returns the wait."""
    try:
        last = float(_stamp().read_text())
    except (FileNotFoundError, ValueError):
        return 0.0
    wait = interval - (now() - last)
    if wait > 0:
        sleep(wait)
        return wait
    return 0.0


def _mark_request() -> None:
    _stamp().write_text(repr(now()))


def fetch(
    url: str,
    out: IO[bytes],
    *,
    timeout: float = 30.0,
    retries: int = 2,
    interval: float = MIN_INTERVAL,
    log: Any = None,
) -> int:
    """Download `url` into `out`; the number of bytes. FetchError when every try failed."""
    if not url.startswith(("http://", "https://")):
        raise FetchError(_("Only http and https URLs can be fetched."))
    interval = max(interval, MIN_INTERVAL)
    problem = ""
    for attempt in range(retries + 1):
        wait_for_turn(interval)
        _mark_request()
        try:
            return _download(url, out, timeout)
        except urllib.error.HTTPError as e:
            problem = f"HTTP {e.code} {e.reason}"
            if e.code not in RETRY_STATUS:
                break
        except (urllib.error.URLError, TimeoutError, OSError) as e:
            problem = str(getattr(e, "reason", e))
        if log and attempt < retries:
            log(
                _("Try %(n)d failed (%(problem)s); trying again in a minute.")
                % {
                    "n": attempt + 1,
                    "problem": problem,
                }
            )
    raise FetchError(_("Could not fetch %(url)s: %(problem)s.") % {"url": url, "problem": problem})


def _download(url: str, out: IO[bytes], timeout: float) -> int:
    out.seek(0)
    out.truncate()
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url, headers={"User-Agent": user_agent(), "Accept": "application/json"}
    )
    size = 0
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        while chunk := response.read(64 * 1024):
            size += len(chunk)
            if size > MAX_BYTES:
                raise FetchError(_("The answer is larger than 20 MB: not the events API."))
            out.write(chunk)
    out.flush()
    return size
