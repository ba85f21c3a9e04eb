"""Real `llamo serve` processes on free loopback ports, with the shipped default model, shared by the API,
browser and load tests (queue of 4 and a 5 MB upload limit, so 'busy' and 'too large' are reachable).
`server` is the plain one (real BlazePose when the pose extra is installed); `video_server` runs with the pose stand-in
(pose_standin.py), so a video upload gets its skeleton and can be played back."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples"
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


@contextmanager
def running_server(tmp_path_factory, entry: list[str]) -> Iterator[str]:
    """Start `python -m ENTRY serve ...` from the repository root and yield its URL once it answers."""
    port = free_port()
    uploads = tmp_path_factory.mktemp("uploads")
    with open(tmp_path_factory.mktemp("log") / "serve.log", "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", *entry, "serve", "--port", str(port), "--queue-size", str(QUEUE_SIZE),
             "--max-upload-mb", str(MAX_UPLOAD_MB), "--upload-dir", str(uploads)],
            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "HF_HUB_OFFLINE": "1"}, cwd=ROOT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, process)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[str]:
    with running_server(tmp_path_factory, ["llamo"]) as url:
        yield url


@pytest.fixture(scope="session")
def video_server(tmp_path_factory) -> Iterator[str]:
    with running_server(tmp_path_factory, ["tests.serve.pose_standin"]) as url:
        yield url


@pytest.fixture(scope="session")
def kick_mp4(tmp_path_factory) -> Path:
    """The kick rendered at 30 fps (46 frames), the clip the pose stand-in 'detects'."""
    from tests.serve.pose_standin import kick_video

    return kick_video(tmp_path_factory.mktemp("video") / "kick.mp4")


def upload(url: str, path_or_bytes, name: str) -> httpx.Response:
    data = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    return httpx.post(f"{url}/api/motions", params={"name": name}, content=data, timeout=60)


def ask(url: str, motion_id: str, question: str, history=()) -> httpx.Response:
    return httpx.post(f"{url}/api/motions/{motion_id}/ask", json={"question": question, "history": list(history)},
                      timeout=120)


def assert_healthy(url: str) -> None:
    assert httpx.get(f"{url}/api/health", timeout=10).json()["status"] == "ok"
