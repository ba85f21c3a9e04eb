"""Video uploads, served with the pose stand-in (in place of mediapipe): the upload reports the video's own
clock, the video plays back from the server, and chosen frames come in the video's own frame numbers; the same
mapping (clock_frames) numbers `llamo ask VIDEO --show-frames`."""

import json
import shutil
import sys
from types import SimpleNamespace

import httpx
import pytest
from fastapi.testclient import TestClient

from llamo.assistant import VIDEO_SUFFIXES, Clock, clock_frames
from llamo.cli import main
from llamo.serve.app import VIDEO_TYPES, ServeConfig, create_app
from tests.serve.conftest import EXAMPLES, ask, assert_healthy, upload
from tests.serve.pose_standin import standin_mediapipe

KICK_VIDEO_FRAMES = 46  # the kick's 1.5 s at 30 fps; its skeleton has 31 frames at 20 fps


def test_clock_frames_number_a_30_fps_video_by_time():
    video = Clock(fps=30.0, num_frames=90)  # 3 s; the canonical motion has 61 frames at 20 fps
    frames = clock_frames(range(61), 20.0, video)
    assert frames == sorted(set(frames)) and frames[0] == 0 and frames[-1] == 89 and len(frames) == 61
    assert clock_frames([10, 20, 40], 20.0, video) == [15, 30, 60]  # 0.5 s, 1 s, 2 s
    assert clock_frames([200], 20.0, video) == [89]  # never past the video's last frame


def test_clock_frames_on_the_motions_own_clock_are_the_motions_frames():
    assert clock_frames([7, 3, 3, 30], 20.0, Clock(20.0, 31)) == [3, 7, 30]


def test_every_video_suffix_is_served_with_a_video_content_type():
    assert set(VIDEO_TYPES) == set(VIDEO_SUFFIXES) and all(t.startswith("video/") for t in VIDEO_TYPES.values())


def test_a_video_upload_reports_its_own_clock_and_plays_back(video_server, kick_mp4):
    motion = upload(video_server, kick_mp4, "kick.mp4").json()
    assert motion["from_video"] and motion["num_frames"] == 31 and motion["fps"] == 20.0
    assert motion["video"] == {"url": f"/api/motions/{motion['id']}/video", "fps": 30.0,
                               "num_frames": KICK_VIDEO_FRAMES}
    video = httpx.get(video_server + motion["video"]["url"], timeout=10)
    assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
    assert video.content == kick_mp4.read_bytes()
    part = httpx.get(video_server + motion["video"]["url"], headers={"Range": "bytes=0-99"}, timeout=10)
    assert part.status_code == 206 and part.content == kick_mp4.read_bytes()[:100]  # the browser seeks by range


def test_a_motion_upload_has_no_video_to_play(video_server):
    motion = upload(video_server, EXAMPLES / "kick.npy", "kick.npy").json()
    response = httpx.get(f"{video_server}/api/motions/{motion['id']}/video", timeout=10)
    assert response.status_code == 404 and "not a video" in response.json()["error"]
    assert httpx.get(f"{video_server}/api/motions/{'0' * 32}/video", timeout=10).status_code == 404
    assert_healthy(video_server)


def test_a_video_gone_from_the_upload_area_is_404(tmp_path, kick_mp4, monkeypatch):
    monkeypatch.setitem(sys.modules, "mediapipe", standin_mediapipe())
    app = create_app(ServeConfig(upload_dir=tmp_path / "uploads"), assistant=SimpleNamespace())  # no asking here
    with TestClient(app) as client:
        motion = client.post("/api/motions", params={"name": "kick.mp4"}, content=kick_mp4.read_bytes()).json()
        assert client.get(motion["video"]["url"]).status_code == 200
        shutil.rmtree(tmp_path / "uploads" / motion["id"])
        response = client.get(motion["video"]["url"])
    assert response.status_code == 404 and "no longer stored; upload it again" in response.json()["error"]


def test_answers_about_a_video_number_frames_in_the_video(video_server, kick_mp4):
    motion = upload(video_server, kick_mp4, "kick.mp4").json()
    first, *_, last = [json.loads(line) for line in ask(video_server, motion["id"], "Which leg?").text.splitlines()]
    assert last["done"] and first["motion_frames"] and max(first["motion_frames"]) <= 30
    assert first["frames"] == clock_frames(first["motion_frames"], 20.0, Clock(30.0, KICK_VIDEO_FRAMES))
    assert max(first["frames"]) <= KICK_VIDEO_FRAMES - 1
    assert first["times"] == [round(f / 30.0, 3) for f in first["frames"]]


def test_cli_show_frames_numbers_a_videos_own_frames(kick_mp4, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "mediapipe", standin_mediapipe())
    assert main(["ask", str(kick_mp4), "Which leg does the person kick with?", "--show-frames"]) == 0
    shown = capsys.readouterr().out.strip().splitlines()[-1].removeprefix("frames: ").split(", ")
    frames = [int(part.split()[0]) for part in shown]
    times = [float(part.split()[1].strip("(")) for part in shown]
    assert frames == sorted(frames) and 0 <= frames[0] and frames[-1] <= KICK_VIDEO_FRAMES - 1
    assert times == [pytest.approx(f / 30.0, abs=0.005) for f in frames]
    assert any(f > 30 for f in frames)  # past the 20 fps skeleton's last index: these are the video's numbers
