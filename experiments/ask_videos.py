"""Ask a model about videos of pybullet's humanoid: its DeepMimic walk, jump and cartwheel rendered as a solid
body (video/body_render.py) from a front-quarter camera, then `Assistant.ask(video, question)` as `llamo ask`
runs it (BlazePose → motion with its root recovered → the model; a model with a video encoder also reads the
frames). Issue 14's check: walk / jump / cartwheel, and the walk's direction forward.

    python experiments/ask_videos.py [MODEL ...]     # default: the shipped model; needs the pose extra

Videos are written to /tmp/llamo_ask_videos (kept, so the page can be shown the same files). Prints one
markdown row per (model, clip, question) with the answer as it came and the seconds it took.
"""

import sys
import tempfile
import time
from pathlib import Path

from llamo.assistant import Assistant
from llamo.motion import concatenate
from llamo.motion.formats.deepmimic import pybullet_motion_dir
from llamo.motion.io import load_motion
from llamo.video.body_render import render_body_video
from llamo.video.camera import CameraSpec

FOLDER = Path(tempfile.gettempdir()) / "llamo_ask_videos"
CLIPS = {"walk": 2, "jump": 1, "cartwheel": 1}  # DeepMimic clip → how many times it is played in a row
CAMERA = CameraSpec(distance=4.0, height=1.4, azimuth_deg=30.0, focal=1.3)
QUESTIONS = {"walk": ["What is the person doing?", "Which way does the person travel?"],
             "jump": ["What is the person doing?"], "cartwheel": ["What is the person doing?"]}


def video_of(name: str) -> Path:
    """The clip's solid-body mp4 at 20 fps (rendered once)."""
    path = FOLDER / f"{name}.mp4"
    if not path.exists():
        FOLDER.mkdir(parents=True, exist_ok=True)
        motion = load_motion(pybullet_motion_dir() / f"humanoid3d_{name}.txt")
        motion = concatenate([motion] * CLIPS[name])
        render_body_video(motion.joints, path, fps=motion.fps, camera=CAMERA, size=(384, 288), seed=1)
    return path


def main(models: list[str]) -> None:
    print("| model | clip | question | answer | seconds |\n|---|---|---|---|---|")
    for model in models or [None]:
        assistant = Assistant.from_pretrained(model)
        for name, questions in QUESTIONS.items():
            for question in questions:
                start = time.perf_counter()
                answer = assistant.ask(str(video_of(name)), question)
                print(f"| {model or 'shipped default'} | {name} | {question} | {answer.text} | "
                      f"{time.perf_counter() - start:.1f} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
