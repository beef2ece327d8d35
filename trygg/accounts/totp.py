"""Time-based one-time passwords (RFC 6238, HOTP of RFC 4226 with SHA-1, 6 digits, 30 s).

The parameters every authenticator app uses by default; written with the standard library
because it is this short.
"""

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

STEP = 30
DIGITS = 6
DRIFT = 1  # steps accepted before and after the current one (clock skew, slow typing)


def new_secret() -> str:
    """160 random bits in base32, the length RFC 4226 recommends."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def hotp(secret: str, counter: int) -> str:
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**DIGITS).zfill(DIGITS)


def step_at(when: float | None = None) -> int:
    return int((time.time() if when is None else when) // STEP)


def code_at(secret: str, when: float | None = None) -> str:
    return hotp(secret, step_at(when))


def match(secret: str, code: str, *, after: int = 0, when: float | None = None) -> int | None:
    """The time step `code` belongs to (now ± DRIFT), only if later than step `after`."""
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    now = step_at(when)
    for step in range(now - DRIFT, now + DRIFT + 1):
        if step > after and hmac.compare_digest(hotp(secret, step), code):
            return step
    return None


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    label = quote(f"{issuer}:{account}")
    query = urlencode({"secret": secret, "issuer": issuer, "digits": DIGITS, "period": STEP})
    return f"otpauth://totp/{label}?{query}"
