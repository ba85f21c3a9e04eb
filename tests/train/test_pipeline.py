"""`llamo train --data DIR`: the stages follow the folder (captions or not, its size, --from), a real tiny run
trains every stage and evaluates, and running it again skips what is finished."""

import dataclasses
import json
import math
import shutil

import pytest
import yaml

from llamo.data.schema import load_records, save_records
from llamo.errors import ConfigError, DataError
from llamo.train.pipeline import Recipe, count_records, eval_names, find_record_files, plan, run_pipeline
from tests.conftest import TINY_LLM

TINY_OVERRIDES = [
    "model.motion_encoder={dim: 16, depth: 1, heads: 2}",
    "model.connector.num_tokens=4", "model.connector.heads=2", "model.connector.num_segments=4",
    "model.llm.name_or_path=null", "model.llm.tokenizer=smollm2-135m-instruct",
    f"model.llm.tiny={json.dumps(TINY_LLM)}",
    "model.llm.lora_r=4", "batch_size=4", "mixed_precision=no", "save_every=1", "warmup_steps=1",
]


@pytest.fixture
def folder(tmp_path, tiny_records):
    """A user-style folder: train.json (12 questions) and test.json (4), no captions; their motions copied in."""
    return user_folder(tiny_records, tmp_path / "my")


def user_folder(tiny_records, out):
    """Write train.json (the first 12 tiny records) and test.json (the other 4) into `out`, motions copied in."""
    records = load_records(tiny_records)
    (out / "motions").mkdir(parents=True)
    for motion in {r.motion for r in records}:
        shutil.copy(tiny_records.parent / motion, out / motion)
    save_records(records[:12], out / "train.json")
    save_records(records[12:], out / "test.json")
    return out


def test_a_folder_without_captions_plans_masked_modelling_then_instruction_tuning(folder):
    pipeline = plan(folder, folder.parent / "run")
    encoder, instruct = pipeline.stages
    assert encoder.contrastive_weight == 0.0, "no captions: the encoder learns by masked modelling alone"
    assert instruct.data == [str(folder / "train.json")] and instruct.init_from == encoder.out + "/model"
    assert pipeline.test_files == [str(folder / "test.json")]


def test_a_recipe_with_readout_epochs_aligns_a_caption_free_folder_by_the_answer_readout(folder):
    recipe = Recipe(min_steps=1, readout_epochs=4)
    encoder, align, instruct = plan(folder, folder.parent / "run", recipe=recipe).stages
    assert align.objective == "answer_readout" and "lora" not in align.trainable
    assert align.data == instruct.data == [str(folder / "train.json")]
    assert align.steps == math.ceil(4 * 12 / align.batch_size)
    assert align.init_from == encoder.out + "/model" and instruct.init_from == align.out + "/model"


def test_steps_follow_the_data_and_the_budget(folder):
    recipe = Recipe(min_steps=1)
    questions = count_records([str(folder / "train.json")]).questions
    assert plan(folder, recipe=recipe).stages[-1].steps == math.ceil(recipe.instruct_epochs * questions / 8)
    records = load_records(folder / "train.json")
    save_records(records + [dataclasses.replace(r, id=r.id + "_b") for r in records], folder / "train.json")
    assert plan(folder, recipe=recipe).stages[-1].steps == math.ceil(recipe.instruct_epochs * 2 * questions / 8)
    half = plan(folder, recipe=Recipe(min_steps=1, budget=0.5)).stages
    assert half[-1].steps == math.ceil(0.5 * recipe.instruct_epochs * 2 * questions / 8)
    assert all(s.steps >= 50 for s in plan(folder, recipe=Recipe(budget=0.01)).stages), "min_steps is a floor"
    per_step = plan(folder, recipe=recipe, overrides=["batch_size=4", "grad_accum=2"]).stages[-1]
    assert (per_step.batch_size, per_step.grad_accum) == (4, 2)
    assert per_step.steps == math.ceil(recipe.instruct_epochs * 2 * questions / 8), "steps are optimizer steps"
    (text,) = plan(folder, recipe=recipe, connector="motion_text").stages
    assert (text.batch_size, text.grad_accum) == (4, 4), "micro-batches of 4: long prompts fit in memory"
    assert text.steps == math.ceil(recipe.instruct_epochs * 2 * questions / 16)


def test_continuing_from_a_model_is_instruction_tuning_only(folder, tmp_path):
    pipeline = plan(folder, tmp_path / "run", start_from=tmp_path / "some_model")
    assert [s.stage for s in pipeline.stages] == ["instruct"]
    assert pipeline.stages[0].init_from == str(tmp_path / "some_model")


def test_motion_text_runs_instruction_tuning_only_from_a_fresh_model(folder, tmp_path):
    (instruct,) = plan(folder, tmp_path / "run", connector="motion_text").stages
    assert instruct.stage == "instruct" and instruct.init_from is None and instruct.trainable == ["lora"]
    assert instruct.model.connector.kind == "motion_text"


def test_bad_folders_and_connectors_are_clear_errors(tmp_path, folder):
    with pytest.raises(DataError, match="no train record files"):
        find_record_files(tmp_path)
    with pytest.raises(DataError, match="not a folder"):
        find_record_files(tmp_path / "missing")
    with pytest.raises(ConfigError, match="connector 'nope'"):
        plan(folder, connector="nope")
    with pytest.raises(ConfigError, match="budget"):
        Recipe(budget=0)


def test_the_pipeline_trains_every_stage_evaluates_and_skips_finished_stages(folder, tmp_path):
    pipeline = plan(folder, tmp_path / "run", recipe=Recipe(min_steps=2, budget=0.01), overrides=TINY_OVERRIDES)
    evaluated = []
    model = run_pipeline(pipeline, evaluate=lambda m, data, out, limit: evaluated.append((m, data)))
    assert (model / "config.json").is_file() and (model / "adapter_model.safetensors").is_file()
    assert evaluated == [(model, str(folder / "test.json"))]
    for stage in pipeline.stages:
        saved = yaml.safe_load((tmp_path / "run" / stage.stage / "config.yaml").read_text())
        assert saved["steps"] == stage.steps and saved["data"] == stage.data
    stamp = (model / "adapter_model.safetensors").stat().st_mtime_ns
    run_pipeline(pipeline)  # finished stages are skipped, not trained again
    assert (model / "adapter_model.safetensors").stat().st_mtime_ns == stamp
    (tmp_path / "run" / "eval" / "test").mkdir(parents=True)
    run_pipeline(pipeline, evaluate=lambda m, data, out, limit: evaluated.append((m, data)))  # no metrics.json: again
    (tmp_path / "run" / "eval" / "test" / "metrics.json").write_text("{}")
    run_pipeline(pipeline, evaluate=lambda m, data, out, limit: evaluated.append((m, data)))  # finished: not again
    assert evaluated == [(model, str(folder / "test.json"))] * 2
    limits = []
    run_pipeline(pipeline, evaluate=lambda m, data, out, limit: limits.append(limit), limit=5)  # another limit: again
    run_pipeline(pipeline, evaluate=lambda m, data, out, limit: limits.append(limit), limit=0)  # 0: no evaluation
    assert limits == [5]
    with pytest.raises(ConfigError, match="record limit must be 0 or more"):
        run_pipeline(pipeline, evaluate=lambda m, data, out, limit: None, limit=-1)
    changed = plan(folder, tmp_path / "run", recipe=Recipe(min_steps=3, budget=0.01), overrides=TINY_OVERRIDES)
    with pytest.raises(ConfigError, match="trained with other settings"):
        run_pipeline(changed)


def test_the_recipe_repeats_tasks_where_the_folder_has_them(folder):
    encoder, instruct = plan(folder, recipe=Recipe(min_steps=1)).stages
    assert instruct.task_repeat == {} and encoder.task_repeat == {}, "no repeats by default"
    encoder, instruct = plan(folder, recipe=Recipe(min_steps=1, task_repeat={"count": 4, "speed": 3})).stages
    assert instruct.task_repeat == {"count": 4} and encoder.task_repeat == {}, \
        "a task the folder does not have is left out, not an error; the encoder reads motions"
    records = load_records(folder / "train.json")
    save_records([dataclasses.replace(r, meta={**r.meta, "task": "action"}) for r in records], folder / "train.json")
    assert plan(folder, recipe=Recipe(min_steps=1, task_repeat={"count": 4})).stages[-1].task_repeat == {}


def test_a_task_repeat_override_reaches_the_question_stages_only(folder):
    encoder, instruct = plan(folder, recipe=Recipe(min_steps=1), overrides=["task_repeat.count=3", "lr=1e-4"]).stages
    assert instruct.task_repeat == {"count": 3} and encoder.task_repeat == {}
    assert instruct.lr == encoder.lr == 1e-4, "the other overrides still reach every stage"
    for bad in ("task_repeat.count=0", "task_repeat.count=two"):
        with pytest.raises(ConfigError, match="whole number >= 1"):
            plan(folder, overrides=[bad])


def test_recipe_overrides_set_the_stage_budgets(folder):
    encoder, instruct = plan(folder, recipe=Recipe(min_steps=1)).stages
    scaled = plan(folder, recipe=Recipe(min_steps=1), overrides=["recipe.encoder_epochs=4", "recipe.instruct_epochs=1"])
    assert scaled.stages[0].steps == math.ceil(encoder.steps / 4)
    assert scaled.stages[1].steps == math.ceil(instruct.steps / 2)
    for bad in ("recipe.encoder_epoch=4", "recipe.instruct_epochs=two", "recipe.min_steps=1.5",
                "recipe.align_epochs=-1", "recipe.instruct_epochs"):
        with pytest.raises(ConfigError, match="recipe.FIELD=NUMBER"):
            plan(folder, overrides=[bad])


def test_a_count_readout_may_come_first_and_has_a_folder_of_its_own(folder):
    recipe = Recipe(min_steps=1, readout_epochs=4, count_readout_epochs=18, task_repeat={"count": 4})
    encoder, count, readout, instruct = plan(folder, folder.parent / "run", recipe=recipe).stages
    assert count.tasks == ["count"] and count.objective == readout.objective == "answer_readout"
    assert count.steps == math.ceil(18 * 12 / count.batch_size) and count.task_repeat == {}
    assert count.out != readout.out and readout.init_from == count.out + "/model"
    assert readout.tasks == [] and readout.task_repeat == {"count": 4}
    assert count.init_from == encoder.out + "/model" and instruct.init_from == readout.out + "/model"
    records = load_records(folder / "train.json")
    save_records([dataclasses.replace(r, meta={**r.meta, "task": "action"}) for r in records], folder / "train.json")
    assert len(plan(folder, recipe=recipe).stages) == 3, "no count questions: no count read-out"


def test_two_folders_train_together_and_both_test_files_are_evaluated_apart(tmp_path, tiny_records):
    first, second = user_folder(tiny_records, tmp_path / "a"), user_folder(tiny_records, tmp_path / "b")
    pipeline = plan([first, second], recipe=Recipe(min_steps=1))
    assert pipeline.stages[-1].data == [str(first / "train.json"), str(second / "train.json")]
    assert pipeline.test_files == [str(first / "test.json"), str(second / "test.json")]
    assert pipeline.out.name == "a+b", "the default run folder names every folder"
    assert eval_names(pipeline.test_files) == ["a_test", "b_test"], "same stems: the folder tells them apart"
    assert eval_names([str(first / "test.json")]) == ["test"]
