"""`llamo compare --data`: a tiny 2 connectors × 2 seeds comparison trains, evaluates its instruct snapshots and
writes tables with spread and curves; a second run skips what is done; an interrupted run resumes; bad
arguments are clear errors."""

import json
import shutil

import pytest
import torch
import yaml
from safetensors.torch import load_file

from llamo.cli import main
from llamo.errors import ConfigError, DataError
from llamo.train.compare import CompareConfig, run_compare
from llamo.train.pipeline import Recipe
from tests.train.test_pipeline import TINY_OVERRIDES, user_folder

CONNECTORS = ["text_only", "uniform"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory, tiny_records):
    """train.json (12 count questions) and test.json (4), their motions copied in."""
    return user_folder(tiny_records, tmp_path_factory.mktemp("compare") / "my")


def tiny_compare(folder, out, **fields) -> CompareConfig:
    """Every stage 4 steps (snapshots at steps 1, 2, 3; model/ at 4), 2 records evaluated and timed per file."""
    fields = {"connectors": CONNECTORS, "seeds": [0, 1], "limit": 2, **fields}
    return CompareConfig(data=str(folder), out=str(out), recipe=Recipe(min_steps=4, budget=0.01), prefill_sample=2,
                         overrides=TINY_OVERRIDES, **fields)


@pytest.fixture(scope="module")
def compared(folder):
    cfg = tiny_compare(folder, folder.parent / "runs")
    return cfg, run_compare(cfg, progress=lambda line: None)


def test_the_comparison_writes_a_table_with_spread_and_curves(compared):
    _, report = compared
    assert sorted(p.name for p in report.iterdir()) == ["test.json", "test.md", "test.png"]
    summary = json.loads((report / "test.json").read_text())
    assert list(summary["connectors"]) == CONNECTORS
    for connector in summary["connectors"].values():
        assert connector["seeds"] == [0, 1] and len(connector["overall"]["values"]) == 2
        assert connector["overall"]["std"] is not None and "count" in connector["per_task"]
        assert connector["curve"]["steps"] == [1, 2, 3, 4] and None not in connector["curve"]["mean"]
        assert connector["prompt_tokens"]["mean"] > 0 and connector["prefill_ms"]["mean"] > 0
        assert connector["train_seconds"]["instruct"]["mean"] > 0
    assert summary["connectors"]["uniform"]["motion_tokens"]["mean"] == 4  # K placeholders
    assert summary["connectors"]["text_only"]["motion_tokens"]["mean"] == 0
    # no captions: no align
    assert list(summary["connectors"]["uniform"]["train_seconds"]) == ["encoder", "instruct", "total"]
    table = (report / "test.md").read_text()
    assert " ± " in table and "standard deviation" in table and "prefill ms" in table and "step 3" in table


def test_each_point_is_evaluated_beside_its_settings(compared, folder):
    run = folder.parent / "runs" / "uniform" / "seed1"
    assert sorted(p.name for p in (run / "instruct" / "snapshots").iterdir()) == [f"step_{s:07d}" for s in (1, 2, 3)]
    for step in (1, 2, 3, 4):
        point = run / "eval" / f"step_{step:07d}"
        assert {"predictions.jsonl", "metrics.json", "settings.yaml", "result.json"} <= {
            p.name for p in point.iterdir()}
        assert len((point / "predictions.jsonl").read_text().splitlines()) == 2  # --limit 2
    assert (run / "instruct" / "config.yaml").is_file() and (folder.parent / "runs" / "compare.yaml").is_file()


def test_running_again_skips_finished_work(compared, folder):
    cfg, _ = compared
    run = folder.parent / "runs" / "text_only" / "seed0"
    watched = [run / "instruct" / "model" / "adapter_model.safetensors",
               run / "eval" / "step_0000002" / "result.json", run / "prefill" / "result.json"]
    stamps = [p.stat().st_mtime_ns for p in watched]
    run_compare(cfg, progress=lambda line: None)
    assert [p.stat().st_mtime_ns for p in watched] == stamps
    with pytest.raises(ConfigError, match="other settings"):
        run_compare(tiny_compare(folder, folder.parent / "runs", limit=3), progress=lambda line: None)


def test_an_interrupted_run_resumes_from_its_checkpoint(compared, folder):
    """A kill after step 3's checkpoint leaves checkpoints up to step 3 and snapshots up to step 3 (each written
    before its checkpoint), no model/, and perhaps a half-written evaluation: that state, made by hand."""
    out = folder.parent / "runs"  # in place: the stages' configs name their folders
    instruct = out / "uniform" / "seed0" / "instruct"
    expected = load_file(instruct / "model" / "adapter_model.safetensors")
    shutil.rmtree(instruct / "model")
    shutil.rmtree(instruct / "checkpoints" / "step_0000004")
    shutil.rmtree(out / "uniform" / "seed0" / "eval" / "step_0000004")
    (out / "uniform" / "seed0" / "eval" / "step_0000004.tmp").mkdir()
    lines = []
    report = run_compare(tiny_compare(folder, out, connectors=["uniform"], seeds=[0]), progress=lines.append)
    resumed = load_file(instruct / "model" / "adapter_model.safetensors")
    assert all((resumed[k] == expected[k]).all() for k in expected), "the resumed stage ends where it would have"
    assert (out / "uniform" / "seed0" / "eval" / "step_0000004" / "result.json").is_file()
    assert json.loads((report / "test.json").read_text())["connectors"]["uniform"]["seeds"] == [0]


def test_bad_arguments_are_clear_errors(folder, tmp_path, capsys):
    with pytest.raises(ConfigError, match="connectors \\['nope'\\]; accepted: cross_talker"):
        CompareConfig(data=str(folder), connectors=["nope"])
    with pytest.raises(ConfigError, match="seeds is empty"):
        CompareConfig(data=str(folder), seeds=[])
    only_train = tmp_path / "only_train"
    only_train.mkdir()
    shutil.copy(folder / "train.json", only_train / "train.json")
    shutil.copytree(folder / "motions", only_train / "motions")
    with pytest.raises(DataError, match="no test record files"):
        run_compare(CompareConfig(data=str(only_train), out=str(tmp_path / "x")))
    assert not (tmp_path / "x").exists(), "nothing is written before every run is planned"
    assert main(["compare", "--data", str(folder), "--seeds", ""]) == 2
    assert "seeds is empty" in capsys.readouterr().err
    assert main(["compare", "--data", str(folder), "--seeds", "0,a"]) == 2
    assert "--seeds '0,a'" in capsys.readouterr().err
    assert main(["compare"]) == 2
    assert "evaluation folders" in capsys.readouterr().err


def test_connectors_that_read_the_encoder_share_one_per_seed(compared, folder):
    """uniform trains no encoder of its own: its instruct stage starts from the seed's shared encoder with a
    fresh connector, and the shared encoder's training time is counted as its encoder stage."""
    runs = folder.parent / "runs"
    assert not (runs / "uniform" / "seed0" / "encoder").exists()
    for seed in (0, 1):
        config = yaml.safe_load((runs / "uniform" / f"seed{seed}" / "instruct" / "config.yaml").read_text())
        assert config["init_from"] == str(runs / "encoder" / f"seed{seed}" / "encoder" / "model")
        assert config["new_connector"] is True and config["model"]["connector"]["kind"] == "uniform"
        saved = json.loads((runs / "uniform" / f"seed{seed}" / "instruct" / "model" / "config.json").read_text())
        assert saved["connector"]["kind"] == "uniform" and saved["llm"]["use_lora"] is True
    encoder = load_file(runs / "encoder" / "seed0" / "encoder" / "model" / "model.safetensors")
    trained = load_file(runs / "uniform" / "seed0" / "instruct" / "model" / "model.safetensors")
    for name in (n for n in encoder if n.startswith("motion_encoder.")):  # frozen in instruction tuning
        assert torch.equal(encoder[name], trained[name]), name
