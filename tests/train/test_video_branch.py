"""Adding LLaMo's video branch to a model trained without video (configs/cpu/video.yaml): the stage builds the
video encoder and the Enhancer's video branch on the loaded model, trains them on the records' videos, saves a
model that loads with them, and evaluation hands that model each record's video."""

import dataclasses
import shutil
import sys

from safetensors.torch import load_file

from llamo.data.schema import load_records, save_records
from llamo.eval.generate import prompt_sample
from llamo.model.llamo import LlamoModel
from llamo.motion.io import load_motion
from llamo.motion.render import render_motion
from tests.train.conftest import run
from tests.train.tiny_stage import TINY_MODEL, write_stage

VIDEO = {"encoder": "tiny", "dim": 8, "image_size": 32, "num_frames": 4}


def records_with_videos(source, folder, n=4):
    """The first n records of `source`, their motions copied into `folder` and each given a rendered video."""
    (folder / "motions").mkdir(parents=True)
    (folder / "videos").mkdir()
    records = []
    for record in load_records(source)[:n]:
        name = record.motion.split("/")[-1]
        shutil.copy(source.parent / record.motion, folder / "motions" / name)
        video = render_motion(load_motion(folder / "motions" / name), folder / "videos" / f"{record.id}.mp4", size=32)
        records.append(dataclasses.replace(record, motion=f"motions/{name}", video=f"videos/{video.name}"))
    return save_records(records, folder / "qa_train.json")


def test_a_video_branch_is_added_to_a_motion_model_and_trained(tmp_path, tiny_records):
    motion_only = tmp_path / "motion_only"
    motion_only.mkdir()
    write_stage(motion_only, tiny_records, steps=1)
    run([sys.executable, "-m", "llamo", "train", "--config", "stage.yaml"], cwd=motion_only)
    data = records_with_videos(tiny_records, tmp_path / "ds")
    video = tmp_path / "video"
    video.mkdir()
    write_stage(video, data, steps=2, init_from=str(motion_only / "run" / "model"),
                model={**TINY_MODEL, "video": VIDEO},
                trainable=["video_encoder", "enhancer", "connector", "lora"])
    run([sys.executable, "-m", "llamo", "train", "--config", "stage.yaml"], cwd=video)

    weights = load_file(video / "run" / "checkpoints" / "step_0000002" / "weights.safetensors")
    assert any(name.startswith("model.video_encoder.") for name in weights)
    assert weights["model.enhancer.blocks.0.cross_attn.out_proj.weight"].abs().sum() > 0  # started at zero: trained
    model = LlamoModel.from_pretrained(video / "run" / "model")
    assert model.config.video.encoder == "tiny" and model.video_encoder is not None
    root, record = data.parent, load_records(data)[0]
    assert prompt_sample(model, root, record).video.shape == (4, 3, 32, 32)
    reloaded = LlamoModel.from_pretrained(motion_only / "run" / "model")
    assert prompt_sample(reloaded, root, record).video is None  # a motion-only model is not handed the video
