"""A real `llamo serve` process on a free loopback port, with the shipped default model, shared by the API,
browser and load tests (queue of 4 and a 5 MB upload limit, so 'busy' and 'too large' are reachable)."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

EXAMPLES = Path(__file__).parents[2] / "examples"
QUEUE_SIZE = 4
MAX_UPLOAD_MB = 5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"llamo serve exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"llamo serve did not answer within {timeout} s")


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> str:
    port = free_port()
    uploads = tmp_path_factory.mktemp("uploads")
    with open(tmp_path_factory.mktemp("log") / "serve.log", "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "llamo", "serve", "--port", str(port), "--queue-size", str(QUEUE_SIZE),
             "--max-upload-mb", str(MAX_UPLOAD_MB), "--upload-dir", str(uploads)],
            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "HF_HUB_OFFLINE": "1"},
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, process)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)


def upload(url: str, path_or_bytes, name: str) -> httpx.Response:
    data = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    return httpx.post(f"{url}/api/motions", params={"name": name}, content=data, timeout=60)


def ask(url: str, motion_id: str, question: str, history=()) -> httpx.Response:
    return httpx.post(f"{url}/api/motions/{motion_id}/ask", json={"question": question, "history": list(history)},
                      timeout=120)


def assert_healthy(url: str) -> None:
    assert httpx.get(f"{url}/api/health", timeout=10).json()["status"] == "ok"
