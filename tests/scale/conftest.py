"""Fixtures of the many-replica tests: a private Redis (never the machine's own)."""

from __future__ import annotations

import uuid

import pytest

from tests.services import RedisServer


@pytest.fixture(scope="session")
def redis_server():
    server = RedisServer()
    yield server
    server.close()


@pytest.fixture
def redis_prefix(redis_server):
    """A key prefix of the test's own; its keys are deleted afterwards."""
    import redis

    prefix = f"cockpit-test-{uuid.uuid4().hex[:8]}"
    yield prefix
    client = redis.Redis.from_url(redis_server.url())
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()
