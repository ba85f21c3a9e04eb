"""The smallest whole loop: build records → train a few steps → save → load → answer and score."""

import json

import yaml

from llamo.cli import main
from llamo.data.build import BuildConfig, build_dataset
from llamo.data.schema import load_records, save_records
from tests.train.tiny_stage import write_stage


def test_build_train_save_load_ask(tmp_path, capsys):
    root = build_dataset(BuildConfig(out=tmp_path / "mocapqa", singles_train=4, compositions_train=2, singles_test=2,
                                     compositions_test=1, workers=1, video_share_train=0.0))
    train = save_records(load_records(root / "qa_train.json")[:8], root / "eight.json")
    stage = write_stage(tmp_path, train, steps=12, lr=3e-3, batch_size=8, save_every=6, log_every=1)
    assert main(["train", "--config", str(stage)]) == 0
    model_dir = tmp_path / "run" / "model"
    assert {p.name for p in model_dir.iterdir()} == {
        "config.json", "model.safetensors", "normalizer.json", "tokenizer.json", "tokenizer_config.json",
        "chat_template.jinja", "adapter_config.json", "adapter_model.safetensors", "README.md", "llm"}
    resolved = yaml.safe_load((tmp_path / "run" / "config.yaml").read_text())
    assert resolved["steps"] == 12 and resolved["model"]["connector"]["kind"] == "cross_talker"
    losses = [float(x.split("loss=")[1].split("]")[0]) for x in capsys.readouterr().err.split("\r") if "loss=" in x]
    assert losses[-1] < losses[0]  # 12 steps on the same 8 answers: the loss falls

    assert main(["eval", "--model", str(model_dir), "--data", str(root / "qa_test.json"), "--out",
                 str(tmp_path / "eval"), "--batch-size", "4"]) == 0
    rows = [json.loads(line) for line in (tmp_path / "eval" / "predictions.jsonl").read_text().splitlines()]
    assert len(rows) == len(load_records(root / "qa_test.json"))
    assert all(len(r["frames"]) == 4 for r in rows)  # K = 4 chosen frames per answer
    assert all(0 <= f < r["motion_frames"] for r in rows for f in r["frames"])  # the motion's own frames
    metrics = json.loads((tmp_path / "eval" / "metrics.json").read_text())
    assert metrics["accuracy"]["n"] == len(rows)
    assert main(["score", str(tmp_path / "eval")]) == 0  # scoring again needs no model
    assert json.loads((tmp_path / "eval" / "metrics.json").read_text())["accuracy"] == metrics["accuracy"]
    assert main(["compare", str(tmp_path / "eval"), str(tmp_path / "eval")]) == 0
