"""OpenAI's list operations paginate and its chat completions stream chunk models, against a local server.
(That every corpus spec generates a client that imports and builds is tests/test_corpus.py's.)"""

from __future__ import annotations

import ast
import json
from typing import Any

import pytest

from tests.client.support.generate import CORPUS, SPECS, Generated, deref, generate
from tests.client.support.server import Recorded, Reply, SpecServer

if not CORPUS.is_dir():
    pytest.skip("../shared/corpus is absent: the corpus tests need it", allow_module_level=True)


# --- OpenAI ------------------------------------------------------------------------------------------------

OPENAI = CORPUS / "openai.yaml"
KEY = "sk-test-0123"


@pytest.fixture(scope="module")
def openai() -> Generated:
    if not OPENAI.exists():
        pytest.skip("openai.yaml is not in ../shared/corpus")
    return generate(OPENAI, "corpus_openai_sdk")


def _has_more(gen: Generated, operation: dict[str, Any]) -> bool:
    response = deref(gen.spec, (operation.get("responses") or {}).get("200")) or {}
    schema = deref(gen.spec, ((response.get("content") or {}).get("application/json") or {}).get("schema")) or {}
    return "has_more" in (schema.get("properties") or {})


@pytest.mark.slow
def test_openai_list_operations_paginate(openai: Generated) -> None:
    """Every GET that takes `after` and answers `has_more` is paginated, and each was reported to the maintainer."""
    every = [*openai.package.client.operations, *(op for r in openai.package.client.resources for op in r.operations)]
    by_route = {(ast.literal_eval(op.method_literal), ast.literal_eval(op.path_literal)): op for op in every}
    lists = []
    for path, item in openai.spec["paths"].items():
        operation = item.get("get")
        names = {deref(openai.spec, p).get("name") for p in (operation or {}).get("parameters") or []}
        if operation and "after" in names and _has_more(openai, operation):
            lists.append(by_route[("GET", path)])
    assert len(lists) >= 50
    assert [op.name for op in lists if op.pager is None] == []
    assert all(op.pager is not None and op.pager.kind == "cursor" for op in lists)
    noted = [n for n in openai.notes if n.message.startswith("paginated by cursor")]
    assert len(noted) >= len(lists)


@pytest.mark.slow
def test_openai_list_files_walks_every_page(openai: Generated) -> None:
    template = {"object": "file", "bytes": 120, "created_at": 1718600000, "purpose": "batch", "status": "processed"}
    files = [{**template, "id": f"file-{n}", "filename": f"f{n}.jsonl"} for n in range(5)]

    def listing(record: Recorded) -> Reply:
        after = dict(record.query).get("after")
        start = next((i + 1 for i, f in enumerate(files) if f["id"] == after), 0)
        data = files[start : start + 2]
        body = {
            "object": "list",
            "data": data,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
            "has_more": start + 2 < len(files),
        }
        return Reply(headers={"Content-Type": "application/json"}, body=json.dumps(body).encode())

    with SpecServer(openai.spec, secrets={"ApiKeyAuth": KEY}, prefix="/v1") as server:
        server.handlers["GET /files"] = listing
        client = getattr(openai.module, openai.package.client.class_name)(base_url=server.url, api_key=KEY)
        names = [f.filename for f in client.files.list_files(limit=2)]
        assert names == [f["filename"] for f in files]
        assert [dict(r.query).get("after") for r in server.requests] == [None, "file-1", "file-3"]
        assert all(r.headers["Authorization"] == f"Bearer {KEY}" for r in server.requests)
        assert server.problems == []


@pytest.mark.slow
def test_openai_chat_completion_streams_chunk_models(openai: Generated) -> None:
    recorded = (SPECS / "openai-chat-stream.sse").read_bytes()
    events = [event + b"\n\n" for event in recorded.split(b"\n\n") if event]

    def completions(record: Recorded) -> Reply:
        assert json.loads(record.body)["stream"] is True
        return Reply(headers={"Content-Type": "text/event-stream"}, chunks=iter(events))

    from_models = openai.models
    with SpecServer(openai.spec, secrets={"ApiKeyAuth": KEY}, prefix="/v1") as server:
        server.handlers["POST /chat/completions"] = completions
        client = getattr(openai.module, openai.package.client.class_name)(base_url=server.url, api_key=KEY)
        message = from_models.ChatCompletionRequestUserMessage.from_dict({"role": "user", "content": "Say hello"})
        with client.chat.create_chat_completion(messages=[message], model="gpt-4o-mini", stream=True) as stream:
            chunks = list(stream)
        assert server.problems == []
    assert {type(c).__name__ for c in chunks} == {"CreateChatCompletionStreamResponse"}
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "Hello!"
    assert str(chunks[-1].choices[0].finish_reason.value) == "stop"
    assert len(chunks) == 4  # `[DONE]` ends the stream
