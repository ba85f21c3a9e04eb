"""The JSON API on a real server: upload, ask (streamed NDJSON), and every bad request → a clear 4xx, after
which the server still answers."""

import io
import json
import sys
import zipfile
from types import SimpleNamespace

import httpx
import numpy as np
import pytest
from fastapi.testclient import TestClient

from llamo.motion import load_motion
from llamo.motion.render import render_motion
from llamo.serve.app import ServeConfig, create_app
from tests.motion.formats.test_asf_amc import write_clip
from tests.serve.conftest import EXAMPLES, MAX_UPLOAD_MB, ask, assert_healthy, upload


def events(response: httpx.Response) -> list[dict]:
    return [json.loads(line) for line in response.text.splitlines()]


def npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def test_page_is_served(server):
    page = httpx.get(server, timeout=10)
    assert page.status_code == 200 and "llamo" in page.text and 'id="skeleton-marks"' in page.text


def test_upload_then_ask_streams_frames_tokens_and_answer(server):
    motion = upload(server, EXAMPLES / "kick.npy", "kick.npy").json()
    assert motion["num_frames"] == 31 and np.asarray(motion["joints"]).shape == (31, 22, 3)
    assert motion["from_video"] is False and motion["video"] is None
    assert httpx.get(f"{server}/api/motions/{motion['id']}", timeout=10).json()["num_frames"] == 31
    response = ask(server, motion["id"], "Which leg does the person kick with?")
    assert response.status_code == 200 and response.headers["content-type"] == "application/x-ndjson"
    lines = events(response)
    assert set(lines[0]) == {"frames", "times", "motion_frames"} and lines[0]["frames"]
    assert lines[0]["frames"] == lines[0]["motion_frames"]  # a motion file: its own frames are the skeleton's
    assert lines[0]["times"] == [round(f / 20, 3) for f in lines[0]["frames"]]
    assert all("token" in line for line in lines[1:-1])
    assert lines[-1] == {"done": True, "answer": "right"}
    assert "".join(line["token"] for line in lines[1:-1]).strip() == "right"


def test_history_makes_a_multi_turn_chat(server):
    motion = upload(server, EXAMPLES / "kick.npy", "kick.npy").json()
    response = ask(server, motion["id"], "Which leg does the person kick with?",
                   history=[("What is the person doing?", "kick")])
    assert events(response)[-1]["answer"] == "right"


BAD_UPLOADS = {
    "nan motion": (npy_bytes(np.full((20, 22, 3), np.nan, np.float32)), "nan.npy", 400, "NaN"),
    "wrong shape": (npy_bytes(np.zeros((20, 7), np.float32)), "shape.npy", 400, "not a known motion"),
    "zip renamed .npy": (None, "archive.npy", 400, "zip archive"),
    "empty file": (b"", "empty.npy", 400, "empty"),
    "corrupt npy": (b"\x93NUMPY garbage", "corrupt.npy", 400, "not a readable"),
    "not npy at all": (b"hello world", "text.npy", 400, "not an .npy file"),
    "path with ..": (npy_bytes(np.zeros((20, 22, 3), np.float32)), "../../etc/passwd.npy", 400, "plain file name"),
    "folder in name": (npy_bytes(np.zeros((20, 22, 3), np.float32)), "sub/kick.npy", 400, "plain file name"),
    "unknown type": (b"GIF89a", "motion.gif", 415, "unknown file type"),
    "corrupt bvh": (b"HIERARCHY\nROOT Hips {\n", "broken.bvh", 400, ""),
}


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("joints.npy", npy_bytes(np.zeros((20, 22, 3), np.float32)))
    return buffer.getvalue()


@pytest.mark.parametrize("case", sorted(BAD_UPLOADS))
def test_bad_upload_is_refused_and_the_server_stays_healthy(server, case):
    data, name, status, words = BAD_UPLOADS[case]
    response = upload(server, zip_bytes() if data is None else data, name)
    assert response.status_code == status, response.text
    assert words in response.json()["error"]
    assert "/tmp" not in response.json()["error"]  # never the server's own paths
    assert_healthy(server)


def test_a_200_mb_upload_is_refused_without_being_stored(server):
    response = upload(server, bytes(200 * 2**20), "huge.npy")
    assert response.status_code == 413 and f"{MAX_UPLOAD_MB * 2**20}" in response.json()["error"]
    assert_healthy(server)


def test_an_oversized_stream_without_length_is_cut_off(server):
    def chunks():
        for _ in range(MAX_UPLOAD_MB * 4 + 1):  # 256 KiB each: one over the limit
            yield bytes(2**18)
    response = httpx.post(f"{server}/api/motions", params={"name": "stream.npy"}, content=chunks(), timeout=60)
    assert response.status_code == 413
    assert_healthy(server)


@pytest.mark.parametrize("motion_id", ["0" * 32, "..%2F..%2Fetc%2Fpasswd", "not-an-id"])
def test_unknown_or_escaping_ids_are_404(server, motion_id):
    response = httpx.post(f"{server}/api/motions/{motion_id}/ask", json={"question": "What?"}, timeout=10)
    assert response.status_code == 404
    assert_healthy(server)


@pytest.mark.parametrize("body, status, words", [
    ({"question": ""}, 400, "the question is empty"), ({"question": "   "}, 400, "the question is empty"),
    ({"question": "<motion> again"}, 400, "may not contain"),
    ({"question": "x" * 5000}, 422, "body field 'question': String should have at most 4000 characters"),
    ({"nothing": 1}, 422, "body field 'question' is missing"),
    ({"question": "What?", "history": "nope"}, 422, "body field 'history'"),
    ([1, 2], 422, "the body: "),
])
def test_bad_questions_are_4xx_with_an_error_body(server, body, status, words):
    motion = upload(server, EXAMPLES / "kick.npy", "kick.npy").json()
    response = httpx.post(f"{server}/api/motions/{motion['id']}/ask", json=body, timeout=10)
    assert response.status_code == status, response.text
    assert list(response.json()) == ["error"] and words in response.json()["error"]
    assert_healthy(server)


@pytest.mark.parametrize("content", [b"{not json", b'{"question": "What?"', b"", b"\xff\xfe"])
def test_a_malformed_json_body_is_422_with_an_error_body(server, content):
    motion = upload(server, EXAMPLES / "kick.npy", "kick.npy").json()
    response = httpx.post(f"{server}/api/motions/{motion['id']}/ask", content=content, timeout=10,
                          headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert list(response.json()) == ["error"] and error.startswith("malformed request: ")
    assert '{"question": "..."' in error  # says what is accepted
    assert_healthy(server)


def test_an_upload_without_a_name_is_422_with_an_error_body(server):
    response = httpx.post(f"{server}/api/motions", content=npy_bytes(np.zeros((20, 22, 3), np.float32)), timeout=10)
    assert response.status_code == 422
    assert response.json() == {"error": "malformed request: query parameter 'name' is missing; expected POST "
                                        "/api/motions?name=FILE (a plain file name with its suffix; for an .amc also "
                                        "skeleton=ID of its uploaded .asf) with the file as the body"}


@pytest.mark.parametrize("method, path, status", [("GET", "/api/nothing", 404), ("PUT", "/api/motions", 405)])
def test_unknown_routes_and_methods_get_an_error_body(server, method, path, status):
    response = httpx.request(method, f"{server}{path}", timeout=10)
    assert response.status_code == status and list(response.json()) == ["error"]
    assert path in response.json()["error"]


def test_a_video_without_mediapipe_is_refused_with_the_install_hint(tmp_path, monkeypatch):
    """In-process, with `import mediapipe` made to fail: the same refusal whether the pose extra is installed or not."""
    monkeypatch.setitem(sys.modules, "mediapipe", None)
    video = render_motion(load_motion(EXAMPLES / "kick.npy"), tmp_path / "kick.mp4", size=64)
    app = create_app(ServeConfig(upload_dir=tmp_path / "uploads"), assistant=SimpleNamespace())  # no asking here
    with TestClient(app) as client:
        response = client.post("/api/motions", params={"name": "kick.mp4"}, content=video.read_bytes())
        assert response.status_code == 400 and 'pip install "llamo[pose]"' in response.json()["error"]
        assert client.get("/api/health").json()["status"] == "ok"


def upload_with_skeleton(url: str, path, skeleton: str | None) -> httpx.Response:
    params = {"name": path.name} | ({} if skeleton is None else {"skeleton": skeleton})
    return httpx.post(f"{url}/api/motions", params=params, content=path.read_bytes(), timeout=60)


def test_a_cmu_recording_is_uploaded_as_its_skeleton_then_its_motion(server, tmp_path):
    amc, _ = write_clip(tmp_path, frames=60)
    skeleton = upload(server, tmp_path / "07.asf", "07.asf").json()
    assert skeleton["skeleton"] == "07.asf" and "joints" not in skeleton
    motion = upload_with_skeleton(server, amc, skeleton["id"]).json()
    local = load_motion(amc)
    assert motion["num_frames"] == local.num_frames == 10 and motion["fps"] == 20  # 60 frames at 120 fps
    np.testing.assert_allclose(np.asarray(motion["joints"]), local.joints, atol=1e-3)
    assert ask(server, motion["id"], "What is the person doing?").status_code == 200


@pytest.mark.parametrize("case", ["no skeleton", "unknown skeleton", "skeleton for a npy", "corrupt asf"])
def test_a_cmu_upload_without_its_skeleton_is_refused_by_name(server, tmp_path, case):
    amc, _ = write_clip(tmp_path)
    if case == "corrupt asf":
        response = upload(server, b":version 1.10\n:units\n  length oops\n", "bad.asf")
        status, words = 400, "bad.asf"
    elif case == "skeleton for a npy":
        response = upload_with_skeleton(server, EXAMPLES / "kick.npy", "0" * 32)
        status, words = 400, "a .npy upload needs none"
    else:
        response = upload_with_skeleton(server, amc, None if case == "no skeleton" else "0" * 32)
        status, words = (400, "upload the .asf first") if case == "no skeleton" else (404, "no skeleton with id")
    assert response.status_code == status, response.text
    assert words in response.json()["error"] and "/tmp" not in response.json()["error"]
    assert_healthy(server)
