"""Contract v1.1's provider rules beyond the fixtures' golden cases: what the host implies, what
the request path implies, and the rules the bodies alone cannot show. Numbers worked by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from llmstat.protocols.openai import chunk_id_of


def har(tmp_path: Path, *entries: dict[str, Any]) -> str:
    path = tmp_path / "t.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": list(entries)}}))
    return str(path)


def entry(url: str, body: Any, req: Any = None, headers: dict[str, str] | None = None) -> dict[str, Any]:
    text = body if isinstance(body, str) else json.dumps(body)
    return {
        "startedDateTime": "2025-11-20T10:00:00.000Z",
        "time": 1000,
        "request": {
            "method": "POST",
            "url": url,
            "headers": [],
            "postData": {"mimeType": "application/json", "text": json.dumps(req or {})},
        },
        "response": {
            "status": 200,
            "statusText": "OK",
            "headers": [{"name": k, "value": v} for k, v in (headers or {}).items()],
            "content": {"mimeType": "application/json", "text": text},
        },
        "timings": {"send": 0, "wait": 100, "receive": 10},
    }


def records(cli: Any, path: str, *args: str) -> list[dict[str, Any]]:
    run = cli("parse", path, "--format", "json", *args)
    assert run.exit_code == 0, run.stderr
    out: list[dict[str, Any]] = run.json()
    return out


def test_xai_host_bills_reasoning_as_output_without_a_total(tmp_path: Path, cli: Any) -> None:
    body = {
        "id": "x1",
        "object": "chat.completion",
        "model": "grok-4",
        "choices": [],
        "usage": {
            "prompt_tokens": 10,
            "completion_tokens": 5,
            "completion_tokens_details": {"reasoning_tokens": 100},
        },
    }
    path = har(
        tmp_path,
        entry("https://api.x.ai/v1/chat/completions", body),
        entry("https://api.openai.com/v1/chat/completions", {**body, "id": "o1", "model": "o4-mini"}),
    )
    xai, openai = records(cli, path, "--no-cost")
    # xAI: 5 visible + 100 reasoning = 105; OpenAI's completion_tokens already hold its reasoning
    assert xai["tokens"]["output"] == 105 and xai["tokens"]["reasoning"] == 100
    assert openai["tokens"]["output"] == 5


def test_an_openai_total_that_includes_reasoning_is_not_xai(tmp_path: Path, cli: Any) -> None:
    # OpenAI: total 10 + 120 = 130; 130 - 10 - 120 = 0, not the reasoning 100: output stays 120
    body = {
        "usage": {
            "prompt_tokens": 10,
            "completion_tokens": 120,
            "total_tokens": 130,
            "completion_tokens_details": {"reasoning_tokens": 100},
        },
        "choices": [],
    }
    path = tmp_path / "o.json"
    path.write_text(json.dumps(body))
    [rec] = records(cli, str(path), "--no-cost")
    assert rec["tokens"]["output"] == 120


def test_a_top_level_reasoning_tokens_is_never_read(tmp_path: Path, cli: Any) -> None:
    body = {"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 4, "reasoning_tokens": 9}}
    path = tmp_path / "r.json"
    path.write_text(json.dumps(body))
    [rec] = records(cli, str(path), "--no-cost")
    assert rec["tokens"]["reasoning"] is None and rec["tokens"]["output"] == 4


def test_cached_fields_in_the_order_the_contract_names(tmp_path: Path, cli: Any) -> None:
    # prompt_tokens_details.cached_tokens wins over every other name; then DeepSeek's, Mistral's
    usage = {"prompt_tokens": 100, "completion_tokens": 1, "num_cached_tokens": 30, "cached_tokens": 40}
    both = {**usage, "prompt_tokens_details": {"cached_tokens": 20}}
    for name, u, want in (
        ("a", usage, 30),
        ("b", both, 20),
        ("c", {**usage, "prompt_cache_hit_tokens": 10}, 10),
    ):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"choices": [], "usage": u}))
        [rec] = records(cli, str(path), "--no-cost")
        assert rec["tokens"]["cache_read"] == want, name


def test_an_empty_chunk_id_is_never_a_boundary() -> None:
    assert chunk_id_of({"id": "", "choices": []}) is None
    assert chunk_id_of({"id": "", "object": "chat.completion.chunk", "choices": []}) is None
    assert chunk_id_of({"id": "c1", "object": "chat.completion.chunk", "choices": []}) == "c1"


def test_azure_filter_chunks_in_a_dump_of_two_responses(tmp_path: Path, cli: Any) -> None:
    one = (Path(__file__).parent.parent / "fixtures" / "bodies" / "azure-chat-stream.sse").read_bytes()
    path = tmp_path / "two.sse"
    path.write_bytes(one + one.replace(b"chatcmpl-CAz1", b"chatcmpl-CBz1"))
    recs = records(cli, str(path), "--no-cost")
    # the leading filter chunk of the second neither ends the first nor starts a record of its own
    assert [r["id"] for r in recs] == [
        "chatcmpl-CAz1x2y3z4A5B6C7D8E9F0G1H2I3",
        "chatcmpl-CBz1x2y3z4A5B6C7D8E9F0G1H2I3",
    ]
    assert [r["tokens"]["input"] for r in recs] == [25, 25]


def test_bedrock_and_cohere_models_come_from_the_request(tmp_path: Path, cli: Any) -> None:
    converse = {
        "output": {"message": {"content": []}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 5, "outputTokens": 2},
    }
    cohere = {
        "id": "c",
        "finish_reason": "COMPLETE",
        "message": {},
        "usage": {"tokens": {"input_tokens": 7, "output_tokens": 3}},
    }
    path = har(
        tmp_path,
        entry(
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse",
            converse,
        ),
        entry("https://api.cohere.com/v2/chat", cohere, req={"model": "command-a-03-2025", "messages": []}),
    )
    bedrock, co = records(cli, path, "--no-cost")
    assert (bedrock["api"], bedrock["model"], bedrock["tokens"]["input"]) == (
        "bedrock.converse",
        "anthropic.claude-3-5-haiku-20241022-v1:0",
        5,
    )
    assert (co["api"], co["model"], co["tokens"]["output"]) == ("cohere.chat", "command-a-03-2025", 3)


def test_non_inference_exchanges_are_skipped(tmp_path: Path, cli: Any) -> None:
    embedding = {
        "object": "list",
        "data": [{"object": "embedding", "embedding": [0.1]}],
        "usage": {"prompt_tokens": 8, "total_tokens": 8},
    }
    path = har(
        tmp_path,
        entry("https://api.openai.com/v1/embeddings", embedding),
        entry("https://api.anthropic.com/v1/messages/count_tokens", {"input_tokens": 12}),
        entry("https://api.cohere.com/v2/rerank", {"results": [{"index": 0, "relevance_score": 0.5}]}),
    )
    run = cli("summarize", path, "--format", "json", "--no-cost")
    data = run.json()
    assert data["totals"]["requests"] == 0
    assert [s["reason"] for s in data["skipped"]] == [
        "not an LLM call: POST /v1/embeddings",
        "not an LLM call: POST /v1/messages/count_tokens",
        "not an LLM call: POST /v2/rerank",
    ]


def test_llamacpp_timings_win_over_a_later_usage(tmp_path: Path, cli: Any) -> None:
    # timings (prompt_n 10 + cache_n 90 = 100) first, then a usage chunk saying 100 / 7: the
    # timings stand, and 100 does not exceed usage's 100, so no warning
    chunks = [
        {
            "id": "c",
            "object": "chat.completion.chunk",
            "model": "m",
            "choices": [],
            "timings": {
                "prompt_n": 10,
                "cache_n": 90,
                "predicted_n": 5,
                "prompt_ms": 10.0,
                "predicted_ms": 50.0,
            },
        },
        {
            "id": "c",
            "object": "chat.completion.chunk",
            "model": "m",
            "choices": [],
            "usage": {"prompt_tokens": 100, "completion_tokens": 7},
        },
    ]
    path = tmp_path / "t.sse"
    path.write_text("".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n")
    [rec] = records(cli, str(path), "--no-cost")
    assert rec["tokens"] == {
        "input": 100,
        "output": 5,
        "cache_read": 90,
        "cache_write": None,
        "reasoning": None,
    }
    assert rec["warnings"] == []


def test_a_count_is_a_non_negative_whole_number_and_nothing_else() -> None:
    from llmstat.protocols.state import count

    class Int(int):
        pass

    assert [count(v) for v in (0, 7, 10**12, Int(3), 5.0, 0.0)] == [0, 7, 10**12, 3, 5, 0]
    # llama-swap's -1 for unknown, JSON's true, fractions, strings, nothing: no count
    assert [count(v) for v in (-1, True, False, 2.5, -3.0, "12", None, [1], float("nan"))] == [None] * 9
