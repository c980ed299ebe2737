"""The Redis cache backend keeps one client per connection pool (cop_platform/rediscache.py)."""

import os

import pytest

from cop_platform.rediscache import RedisCache

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI sets it)")


def test_one_client_serves_every_operation_and_values_round_trip():
    cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "test-rediscache"})
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
    cache.set("answer", {"n": 42}, 30)
    cache.set_many({"a": 1, "b": 2}, 30)
    assert cache.get("answer") == {"n": 42}
    assert cache.get_many(["a", "b", "missing"]) == {"a": 1, "b": 2}
    assert cache.incr("a") == 2
    cache.delete_many(["answer", "a", "b"])
    assert cache.get("answer") is None
