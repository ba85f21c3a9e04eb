"""Judges: reply parsing, the OpenAI-compatible judge against a local HTTP server, and the offline judge."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from llamo.errors import ConfigError
from llamo.eval.judges import Judgement, OfflineJudge, OpenAIJudge, parse_judgement


@pytest.fixture
def chat_server():
    """A local /v1/chat/completions endpoint: answers each POST with the next canned reply (a content string,
    or an int for an HTTP error) and records the request bodies and headers."""
    replies, requests = [], []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
            reply = replies.pop(0)
            if isinstance(reply, int):
                self.send_error(reply)
                return
            data = json.dumps({"id": "x", "object": "chat.completion", "model": body["model"],
                               "choices": [{"index": 0, "message": {"role": "assistant", "content": reply},
                                            "finish_reason": "stop"}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):  # keep pytest output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1/", replies, requests
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.parametrize("reply, expected", [
    ("{'pred': 'yes', 'score': 4}", Judgement("yes", 4.0)),
    ('Sure! {"pred": "No", "score": 1.5} hope this helps', Judgement("no", 1.5)),
    ("{'pred': 'yes', 'score': 9}", Judgement("yes", 5.0)),
    ("{'pred': 'maybe', 'score': 3}", None),
    ("{'pred': 'yes', 'score': '4'}", None),
    ("{'pred': 'yes', 'score': True}", None),
    ("pred: yes, score: 4", None),
    ("{'pred': 'yes', 'score': foo}", None),
])
def test_parse_judgement(reply, expected):
    assert parse_judgement(reply) == expected


def test_openai_judge_request_and_parsing(chat_server):
    url, replies, requests = chat_server
    replies += ["{'pred': 'yes', 'score': 4}", "I cannot judge this.", "{'pred': 'no', 'score': 0}"]
    judge = OpenAIJudge(url, "judge-model", api_key="secret")
    assert judge.judge("Which leg kicks?", "left", "the left leg") == Judgement("yes", 4.0)
    assert judge.judge("Which leg kicks?", "left", "right") == Judgement("no", 0.0)
    assert judge.parse_failures == 1
    assert judge.judge("q", "a", "b") == Judgement("no", 0.0) and judge.parse_failures == 1

    first = requests[0]
    assert first["path"] == "/v1/chat/completions" and first["auth"] == "Bearer secret"
    body = first["body"]
    assert body["model"] == "judge-model" and body["temperature"] == 0
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    user = body["messages"][1]["content"]
    assert "Question: Which leg kicks?\nCorrect Answer: left\nPredicted Answer: the left leg" in user
    assert "Python dictionary string" in user


def test_openai_judge_http_error_names_endpoint(chat_server):
    url, replies, requests = chat_server
    replies.append(500)
    judge = OpenAIJudge(url, "m")
    with pytest.raises(ConfigError, match="HTTP 500"):
        judge.judge("q", "a", "b")
    assert requests[0]["auth"] is None


def test_offline_judge_without_embeddings():
    judge = OfflineJudge()
    assert judge.judge("q", "left", "Left.") == Judgement("yes", 5.0)
    assert judge.judge("q", "left", "the left leg") == Judgement("yes", 0.0)
    assert judge.judge("q", "left", "right") == Judgement("no", 0.0)


def test_offline_judge_with_embeddings():
    table = {"walk": [1.0, 0.0], "stroll": [0.9, 0.1], "jump": [0.0, 1.0], "hop": [0.6, 0.8]}
    judge = OfflineJudge(embed=lambda texts: np.array([table[t] for t in texts]))
    assert judge.judge("q", "walk", "stroll") == Judgement("yes", 5.0)  # cos 0.994 → yes, round(4.97) = 5
    assert judge.judge("q", "walk", "hop") == Judgement("no", 3.0)  # cos 0.6 < 0.8
    assert judge.judge("q", "walk", "jump") == Judgement("no", 0.0)
