"""Clients of the example package pointed at a test server, with every credential unless told otherwise."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

from example_api import AsyncExampleClient, ExampleClient

from tests.runtime.app import ALL_CREDENTIALS

T = TypeVar("T")


def sync_client(url: str, **options: Any) -> ExampleClient:
    return ExampleClient(base_url=url, **{**ALL_CREDENTIALS, **options})


def async_client(url: str, **options: Any) -> AsyncExampleClient:
    return AsyncExampleClient(base_url=url, **{**ALL_CREDENTIALS, **options})


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


ALL_IDS = [f"item-{i:02d}" for i in range(23)]
