"""The shared rate limiter counts in the database, per scope and key, per window."""

from typing import Any

from trygg.ratelimit import allow


def test_it_allows_up_to_the_limit_then_refuses(db: Any) -> None:
    assert [allow("test", "10.0.0.1", limit=3, per=60) for _ in range(5)] == [
        True, True, True, False, False,
    ]  # fmt: skip


def test_keys_and_scopes_are_counted_apart(db: Any) -> None:
    assert allow("test", "a", limit=1, per=60)
    assert not allow("test", "a", limit=1, per=60)
    assert allow("test", "b", limit=1, per=60)
    assert allow("other", "a", limit=1, per=60)


def test_no_address_is_stored_in_the_clear(db: Any) -> None:
    from django.db import connection

    allow("test", "192.0.2.77", limit=5, per=60)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM trygg_ratelimit")
        keys = [row[0] for row in cursor.fetchall()]
    assert keys and not any("192.0.2.77" in key for key in keys)
