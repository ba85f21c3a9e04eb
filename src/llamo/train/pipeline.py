"""`llamo train --data DIR`: one command from a dataset folder to a trained, evaluated model.

    llamo train --data my/                              # every stage the connector needs, then evaluation
    llamo train --data my/ --from default --budget 0.25  # continue from the shipped model: instruction tuning only
    llamo train --data my/ --connector all_frames --out runs/my_all_frames
    llamo train --data my/ --data data/mocapqa --from default   # several folders: trained together, tested apart

The folder holds record files (docs/data_format.md): those whose name contains "train" train, those whose name
contains "test" are evaluated at the end. Each stage is a packaged stage config (the CPU recipe) with its data,
output folder and step count filled in; steps follow the data (`Recipe`: epochs over the stage's items), so a
set twice as large trains twice as long. Caption records are optional: without them the encoder learns by masked
motion modelling alone and instruction tuning follows it (no alignment stage; see CAPTION_FREE). Every stage
resumes where it stopped, and a finished stage is skipped, so running the same command again continues the
pipeline.
"""

import dataclasses
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from tqdm.auto import tqdm

from ..data.dataset import load_all
from ..data.splits import split_files
from ..errors import ConfigError, DataError
from .config import TrainConfig, from_dict, load_config

CAPTION_TASK = "caption"
COUNT_TASK = "count"
# The packaged stage configs each connector runs, in order: the CPU recipe, or the baseline's own stages.
STAGE_CONFIGS = {
    "cross_talker": ("cpu/encoder", "cpu/align", "cpu/instruct"),
    "uniform": ("cpu/encoder", "cpu/align", "cpu/instruct"),
    "all_frames": ("cpu/encoder", "cpu/align", "cpu/instruct"),
    "vq_tokens": ("baselines/vq_tokens/encoder", "baselines/vq_tokens/align", "baselines/vq_tokens/instruct"),
    "motion_text": ("baselines/motion_text/instruct",),
    "text_only": ("baselines/text_only/instruct",),
}
# Overrides of what the first stage builds; later stages load it from the previous model folder.
BUILT_ONCE = ("model.connector.", "model.motion_encoder.", "model.video.", "model.max_frames")
# Without caption records the LLM-in-the-loop alignment has only short answers to learn from, and it left a
# connector that instruction tuning no longer moved; these stages are then skipped, or (Recipe.readout_epochs > 0)
# replaced by the answer read-out (train/readout.py).
CAPTION_FREE = {"cpu/align": "cpu/align_readout"}
REPEAT = "task_repeat."  # override prefixes the pipeline reads itself (recipe_overrides)
RECIPE = "recipe."  # e.g. recipe.encoder_epochs=4: a Recipe field (passes, min_steps), not a stage setting
CONTINUE_CONFIG = "cpu/instruct"  # --from MODEL: instruction tuning only, on the model's own connector


@dataclass
class Recipe:
    """Stage budgets as passes over each stage's items (distinct motions, caption or question records), so that
    steps follow the data; `budget` scales all of them together."""

    # Passes over the distinct training motions (or caption records). 16 (600 steps on 1,200 motions) because the
    # encoder is frozen afterwards: after 75 steps nothing downstream learned the motion, after 600 every connector
    # did (docs/results/own_data_cpu.md); it is the cheap stage (~1.2 s per step against ~3 s for instruct).
    encoder_epochs: float = 16.0
    align_epochs: float = 0.5  # passes over the caption records
    # Without captions: 0 skips alignment (instruction tuning follows the encoder); > 0 aligns by the answer
    # read-out for that many passes over the question records (cpu/align_readout). 0 because, from the same
    # encoder, the read-out's 4 passes led by 0.07 after 363 instruct steps but were level after 726 (0.773
    # against 0.767) while costing ~270 instruct steps of time (docs/results/own_data_cpu.md).
    readout_epochs: float = 0.0
    instruct_epochs: float = 2.0  # passes over the question records
    # Records of these tasks appear this many times per pass in the stages that read questions (the read-out and
    # instruction tuning), where the folder has them; steps still count passes over the distinct records, so
    # repeats change the mix, not the time. Empty by default: {count: 4} took the shipped default's count to
    # 1.000 on MoCapQA over 1,600 steps, but from the start of a short run it costs the other tasks more than it
    # gives counting (seven folder, 726 instruct steps: count .46, direction .34; docs/results/own_data_cpu.md).
    task_repeat: dict[str, int] = field(default_factory=dict)
    # Without captions, with readout_epochs > 0 and count questions in the folder: a read-out on the count
    # questions alone first, for this many passes over them. Mixed with the other tasks, the Cross Talker's sum
    # does not learn to count; learned first, it keeps it through the mixed read-out (0.66 against 0.38 read-out
    # accuracy on counts, docs/results/own_data_cpu.md "Counting needs a sum").
    count_readout_epochs: float = 0.0
    min_steps: int = 50  # a stage never trains fewer optimizer steps than this
    budget: float = 1.0  # multiplies every stage's steps

    def __post_init__(self) -> None:
        if self.budget <= 0:
            raise ConfigError(f"budget={self.budget}; accepted: a number > 0 (1.0 is the full recipe)")


@dataclass
class Pipeline:
    """What `llamo train --data` runs: the stages in order and the test files evaluated at the end."""

    out: Path
    stages: list[TrainConfig]
    test_files: list[str]


def find_record_files(folder: Path) -> tuple[list[str], list[str]]:
    """(train files, test files) of a dataset folder, by data.splits' rule; no test files is allowed."""
    if not folder.is_dir():
        raise DataError(f"{folder}: not a folder; --data takes a dataset folder with train/test record files")
    tests = [str(f) for f in sorted(folder.glob("*.json")) if "test" in f.stem]
    return [str(f) for f in split_files(folder, "train")], tests


@dataclass
class RecordCounts:
    """What a stage's budget is counted in. Files with any caption record are caption files."""

    question_files: list[str]
    caption_files: list[str]
    questions: int
    captions: int
    motions: int  # distinct motion files
    tasks: dict = field(default_factory=dict)  # meta.task -> how many records have it


def count_records(files: list[str]) -> RecordCounts:
    per_file = {f: load_all([f]) for f in files}
    is_caption = {f: any(r.meta.get("task") == CAPTION_TASK for _, r in recs) for f, recs in per_file.items()}
    records = [item for recs in per_file.values() for item in recs]
    captions = sum(r.meta.get("task") == CAPTION_TASK for _, r in records)
    return RecordCounts(question_files=[f for f in files if not is_caption[f]] or files,
                        caption_files=[f for f in files if is_caption[f]], questions=len(records) - captions,
                        captions=captions, motions=len({(root, r.motion) for root, r in records if r.motion}),
                        tasks=dict(Counter(r.meta.get("task") for _, r in records)))


def stage_steps(epochs: float, items: int, cfg: TrainConfig, recipe: Recipe) -> int:
    """Optimizer steps for `epochs` passes over `items`: each step reads batch_size × grad_accum of them."""
    return max(recipe.min_steps, math.ceil(recipe.budget * epochs * items / (cfg.batch_size * cfg.grad_accum)))


def stage_overrides(cfg: TrainConfig, counts: RecordCounts, recipe: Recipe, files: list[str]) -> dict:
    """Data and steps of one stage: which records it reads and how long it trains."""
    if cfg.stage == "encoder":
        weight = cfg.contrastive_weight if counts.captions else 0.0
        items = counts.captions if weight else counts.motions
        return {"data": files, "contrastive_weight": weight,
                "steps": stage_steps(recipe.encoder_epochs, items, cfg, recipe)}
    if cfg.stage == "align" and counts.captions:
        steps = stage_steps(recipe.align_epochs, counts.captions, cfg, recipe)
        return {"data": counts.caption_files, "steps": steps}
    items = sum(counts.tasks.get(task, 0) for task in cfg.tasks) if cfg.tasks else counts.questions
    if cfg.objective == "answer_readout":
        epochs = recipe.count_readout_epochs if cfg.tasks == [COUNT_TASK] else recipe.readout_epochs
    else:
        epochs = recipe.align_epochs if cfg.stage == "align" else recipe.instruct_epochs
    repeat = {task: times for task, times in recipe.task_repeat.items() if task in counts.tasks}
    return {"data": counts.question_files, "steps": stage_steps(epochs, items, cfg, recipe),
            "task_repeat": {} if cfg.tasks else {**cfg.task_repeat, **repeat}}


def stage_names(names: tuple[str, ...], counts: RecordCounts, recipe: Recipe) -> list[tuple[str, list[str]]]:
    """(packaged config, the tasks it reads; [] for all) of each stage: without captions, alignment is skipped or
    replaced by the answer read-out, which a read-out of the count questions alone may precede."""
    stages = []
    for name in names:
        if not counts.captions and name in CAPTION_FREE:
            if not recipe.readout_epochs:
                continue
            name = CAPTION_FREE[name]
            if recipe.count_readout_epochs and counts.tasks.get(COUNT_TASK):
                stages.append((name, [COUNT_TASK]))
        stages.append((name, []))
    return stages


def recipe_overrides(recipe: Recipe, overrides) -> tuple[Recipe, list[str]]:
    """`task_repeat.TASK=N` and `recipe.FIELD=X` overrides go to the recipe (repeats reach only the stages that read
    questions: a stage that reads motions refuses them); the other overrides are returned for every stage."""
    split = [(o.split("=", 1) + [""])[:2] for o in overrides if o.startswith((REPEAT, RECIPE))]
    repeats = {k.removeprefix(REPEAT): v for k, v in split if k.startswith(REPEAT)}
    bad = {task: times for task, times in repeats.items() if not times.isdigit() or int(times) < 1}
    if bad:
        raise ConfigError(f"task_repeat: {bad}; each repeat is a whole number >= 1, e.g. task_repeat.count=3")
    given = {k.removeprefix(RECIPE): v for k, v in split if k.startswith(RECIPE)}
    numbers = {f.name: f.type for f in dataclasses.fields(Recipe) if f.type in (float, int)}
    try:
        fields = {k: numbers[k](v) for k, v in given.items()}
    except (KeyError, ValueError):
        fields = {}
    if len(fields) < len(given) or any(v < 0 for v in fields.values()):
        raise ConfigError(f"recipe overrides {[o for o in overrides if o.startswith(RECIPE)]}; accepted: "
                          f"recipe.FIELD=NUMBER >= 0, FIELD one of {sorted(numbers)} (min_steps a whole number)")
    task_repeat = {**recipe.task_repeat, **{task: int(times) for task, times in repeats.items()}}
    rest = [o for o in overrides if not o.startswith((REPEAT, RECIPE))]
    return dataclasses.replace(recipe, task_repeat=task_repeat, **fields), rest


def plan(folder: str | Path | list, out: str | Path | None = None, connector: str = "cross_talker",
         start_from: str | Path | None = None, recipe: Recipe | None = None, seed: int = 0,
         overrides: list[str] = ()) -> Pipeline:
    """The stages `llamo train --data` runs, each a full TrainConfig (saved beside its outputs as usual). `folder`
    may be a list of folders: their training files train together and all their test files are evaluated."""
    folders, recipe = [Path(f) for f in (folder if isinstance(folder, list) else [folder])], recipe or Recipe()
    recipe, overrides = recipe_overrides(recipe, overrides)
    out = Path(out) if out else Path("runs") / "+".join(f.resolve().name for f in folders)
    found = [find_record_files(f) for f in folders]
    train_files, test_files = [f for t, _ in found for f in t], [f for _, t in found for f in t]
    counts = count_records(train_files)
    names = (CONTINUE_CONFIG,) if start_from else STAGE_CONFIGS.get(connector)
    if names is None:
        raise ConfigError(f"connector {connector!r}; accepted: {sorted(STAGE_CONFIGS)}")
    stages, previous = [], str(start_from) if start_from else None
    for name, tasks in stage_names(names, counts, recipe):
        base = load_config(name, [o for o in overrides if previous is None or not o.startswith(BUILT_ONCE)])
        base = dataclasses.replace(base, tasks=tasks) if tasks else base
        stage_out = out / (COUNT_TASK if tasks else base.stage)
        fields = stage_overrides(base, counts, recipe, train_files)
        fields.update(out=str(stage_out), init_from=previous, seed=seed)
        if base.encoder_cache:
            fields["encoder_cache"] = str(out / "encoder_cache")
        if previous is None:
            fields["model"] = dataclasses.replace(base.model, connector=dataclasses.replace(
                base.model.connector, kind=connector))
        stages.append(dataclasses.replace(base, **fields))
        previous = str(stage_out / "model")
    # Caption-only test files need the caption metric, not exact match: `llamo eval --captions` scores them.
    return Pipeline(out, stages, [f for f in test_files if count_records([f]).questions])


def finished(cfg: TrainConfig) -> bool:
    """A stage whose model folder exists under the same resolved config; another config there is an error."""
    folder = Path(cfg.out)
    if not (folder / "model" / "config.json").is_file():
        return False
    # Read back as configs, so a field added to TrainConfig since the stage ran counts as its default.
    saved = from_dict(yaml.safe_load((folder / "config.yaml").read_text()))
    if saved != from_dict(yaml.safe_load(yaml.safe_dump(dataclasses.asdict(cfg), sort_keys=False))):
        raise ConfigError(f"{folder} holds a finished stage trained with other settings; "
                          "give another --out, or remove that folder to train it again")
    return True


def run_pipeline(pipeline: Pipeline, evaluate=None, limit: int | None = None) -> Path:
    """Train every stage in order (skipping finished ones, resuming interrupted ones) under one progress bar,
    then evaluate the last model on each test file with `evaluate(model, file, out, limit)` (`limit`: the first N
    records of each file; 0 evaluates nothing). When no stage trained in this call, a test file whose evaluation
    finished before with the same limit (its metrics.json, written last) is not evaluated again, so an interrupted
    evaluation resumes too. Returns the model folder."""
    from accelerate import PartialState

    from ..eval.evaluate import check_limit
    from .loop import train

    check_limit(limit)
    bar = tqdm(total=sum(s.steps for s in pipeline.stages), desc="pipeline", unit="step", dynamic_ncols=True,
               disable=not PartialState().is_main_process)
    model, trained = None, False
    for cfg in pipeline.stages:
        bar.set_description(f"pipeline: {cfg.stage}")
        if finished(cfg):
            bar.update(cfg.steps)
            model = Path(cfg.out) / "model"
            continue
        model, trained = train(cfg, progress=bar), True
    bar.close()
    if evaluate is not None and limit != 0:
        for test, name in zip(pipeline.test_files, eval_names(pipeline.test_files)):
            out = pipeline.out / "eval" / name
            if trained or not evaluated(out, limit):
                evaluate(model, test, out, limit)
    return model


def evaluated(out: Path, limit: int | None) -> bool:
    """Whether `out` holds a finished evaluation (metrics.json, written last) of the same `limit`."""
    metrics = out / "metrics.json"
    return metrics.is_file() and json.loads(metrics.read_text()).get("limit") == limit


def eval_names(test_files: list[str]) -> list[str]:
    """Each test file's evaluation folder name: its stem, or folder_stem where two folders share a stem."""
    stems = [Path(f).stem for f in test_files]
    return [f"{Path(f).parent.name}_{s}" if stems.count(s) > 1 else s for f, s in zip(test_files, stems)]
