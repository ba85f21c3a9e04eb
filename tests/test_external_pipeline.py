"""BABEL-QA, HumanML3D and RepCount-style fixtures, written in their published layouts, load, train a step and score."""

import json

from llamo.cli import main
from llamo.data.external import convert_babel_qa, convert_counting, convert_humanml3d
from tests.data.test_external import write_babel_qa, write_counting, write_humanml3d
from tests.train.tiny_stage import write_stage


def train_one_step(folder, data, stage):
    folder.mkdir()
    config = write_stage(folder, data, steps=1, stage=stage)
    assert main(["train", "--config", str(config)]) == 0
    return folder / "run" / "model"


def test_external_formats_train_a_step_and_score(tmp_path):
    babel = tmp_path / "babel_out"
    convert_babel_qa(write_babel_qa(tmp_path / "babel"), babel, "train")
    convert_babel_qa(tmp_path / "babel", babel, "test")
    counting = tmp_path / "count_out"
    convert_counting(write_counting(tmp_path / "count"), counting)
    humanml = tmp_path / "hml_out"
    convert_humanml3d(write_humanml3d(tmp_path / "hml"), humanml, "train")

    train_one_step(tmp_path / "align", humanml / "train.json", "align")
    model = train_one_step(tmp_path / "instruct", babel / "train.json", "instruct")
    for name, data in (("babel", babel / "test.json"), ("count", counting / "annotation.json")):
        assert main(["eval", "--model", str(model), "--data", str(data), "--out", str(tmp_path / name)]) == 0
    babel_metrics = json.loads((tmp_path / "babel" / "metrics.json").read_text())
    assert set(babel_metrics["accuracy"]["per_task"]) == {"other"}  # the test split's query_speed question
    count_metrics = json.loads((tmp_path / "count" / "metrics.json").read_text())
    assert count_metrics["counting"]["n"] == 2 and set(count_metrics["counting"]) >= {"obo", "obz", "mae", "rmse"}
