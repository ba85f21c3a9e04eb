"""`llamo compare --data DIR`: every connector × seed trained by the same `llamo train --data` pipeline, its
instruction-tuning snapshots evaluated on each test file, and one table and curves plot per test split.

    llamo compare --data data/seven --out runs/compare --connectors cross_talker,all_frames --seeds 0,1

OUT/<connector>/seed<k>/ is a pipeline run (pipeline.plan with the same Recipe for all), whose instruct stage
also saves model folders at 25/50/75 % of its steps (TrainConfig.snapshots). The connectors that read the
motion encoder (cross_talker, uniform, all_frames) share one encoder per seed, OUT/encoder/seed<k>/ (and its
cache of encoder outputs): each starts its next stage from it with a fresh connector of its own
(TrainConfig.new_connector), so they differ only in the connector and the encoder is trained once.
OUT/<connector>/seed<k>/eval/step_NNNNNNN/ holds each point's predictions and metrics, prefill/ the prompt cost,
each beside the settings that made it; OUT/report/ the tables and plots (eval/comparison.py), OUT/compare.yaml
this run's resolved settings. Running the command again continues: finished stages, evaluations and
measurements are skipped, an interrupted stage resumes from its checkpoint.
"""

import dataclasses
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import ConfigError, DataError
from ..eval.comparison import RunResult, summarize, write_comparison
from .checkpoint import checkpoints
from .config import TrainConfig
from .pipeline import STAGE_CONFIGS, Pipeline, Recipe, plan, run_pipeline

SETTINGS, RESULT = "settings.yaml", "result.json"
SHARED_ENCODER = ("cross_talker", "uniform", "all_frames")  # the connectors that read one trained motion encoder


@dataclass
class CompareConfig:
    """What `llamo compare --data` trains, evaluates and measures."""

    data: str  # dataset folder: *train*.json trains every run, each *test*.json is a split of the table
    out: str | None = None  # comparison folder (default: runs/compare/<folder name>)
    connectors: list[str] = field(default_factory=lambda: list(STAGE_CONFIGS))
    seeds: list[int] = field(default_factory=lambda: [0, 1])
    recipe: Recipe = field(default_factory=Recipe)  # the same stage budgets for every connector
    snapshots: list[float] = field(default_factory=lambda: [0.25, 0.5, 0.75])  # instruct shares; 1.0 is model/
    limit: int | None = None  # evaluate only the first N records of each test file
    batch_size: int = 16  # evaluation batch (greedy answers do not depend on it)
    prefill_sample: int = 16  # records per test file timed for the prefill, one answer at a time
    overrides: list[str] = field(default_factory=list)  # key=value for every stage, as `llamo train --data`

    def __post_init__(self) -> None:
        unknown = [c for c in self.connectors if c not in STAGE_CONFIGS]
        if unknown or not self.connectors:
            raise ConfigError(f"connectors {unknown or '(none)'}; accepted: {', '.join(STAGE_CONFIGS)}")
        if not self.seeds:
            raise ConfigError("seeds is empty: give at least one, e.g. --seeds 0,1")
        if len(set(self.seeds)) < len(self.seeds) or len(set(self.connectors)) < len(self.connectors):
            raise ConfigError(f"connectors {self.connectors} and seeds {self.seeds} must not repeat")
        for name in ("limit", "batch_size", "prefill_sample"):
            if getattr(self, name) is not None and getattr(self, name) < 1:
                raise ConfigError(f"{name} must be >= 1, got {getattr(self, name)}")
        self.out = self.out or str(Path("runs") / "compare" / Path(self.data).resolve().name)


def plan_run(cfg: CompareConfig, connector: str, seed: int) -> Pipeline:
    """The `llamo train --data` pipeline of one connector and seed, its instruct stage saving snapshots; for a
    connector that reads the motion encoder, its encoder stage is the seed's shared one (`share_encoder`)."""
    pipeline = plan(cfg.data, Path(cfg.out) / connector / f"seed{seed}", connector, None, cfg.recipe, seed,
                    cfg.overrides)
    if not pipeline.test_files:
        raise DataError(f"{cfg.data}: no test record files with questions; compare evaluates each *test*.json of "
                        "the folder (e.g. test.json, qa_test.json)")
    stages = [dataclasses.replace(s, snapshots=cfg.snapshots) if s.stage == "instruct" else s
              for s in pipeline.stages]
    if connector in SHARED_ENCODER:
        stages = share_encoder(cfg, seed, stages)
    return dataclasses.replace(pipeline, stages=stages)


def share_encoder(cfg: CompareConfig, seed: int, stages: list[TrainConfig]) -> list[TrainConfig]:
    """`stages` with its encoder stage replaced by the seed's shared one (planned for cross_talker, so the same
    for every connector) and the next stage starting from that encoder with a fresh connector of its own kind
    (as its own encoder stage would have built it); every stage reads the shared encoder's cache."""
    shared = plan(cfg.data, Path(cfg.out) / "encoder" / f"seed{seed}", SHARED_ENCODER[0], None, cfg.recipe, seed,
                  cfg.overrides).stages[0]
    own, following, *rest = stages
    cache = {"encoder_cache": str(Path(shared.out).parent / "encoder_cache")}
    model = dataclasses.replace(following.model, connector=own.model.connector)
    following = dataclasses.replace(following, init_from=str(Path(shared.out) / "model"), new_connector=True,
                                    model=model, **(cache if following.encoder_cache else {}))
    return [shared, following, *(dataclasses.replace(s, **cache) if s.encoder_cache else s for s in rest)]


def once(folder: Path, settings: dict, compute: Callable[[Path], dict]) -> dict:
    """`compute(staging folder)`'s result, computed once: folder/result.json beside folder/settings.yaml, the
    folder renamed into place when complete. A folder made with other settings is an error, not reused."""
    if (folder / SETTINGS).is_file():
        if yaml.safe_load((folder / SETTINGS).read_text()) != yaml.safe_load(yaml.safe_dump(settings)):
            raise ConfigError(f"{folder} was made with other settings (see its {SETTINGS}); give another --out, "
                              "or remove that folder to make it again")
        return json.loads((folder / RESULT).read_text())
    staging = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    result = compute(staging)
    (staging / RESULT).write_text(json.dumps(result, indent=1) + "\n")
    (staging / SETTINGS).write_text(yaml.safe_dump(settings, sort_keys=False))
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)
    return result


def evaluate_point(cfg: CompareConfig, model: Path, files: list[str], out: Path) -> dict[str, dict]:
    """{test file: its metrics} of one model folder, greedy, offline judge; every file in one pass."""
    from ..eval.evaluate import evaluate

    settings = {"model": str(model), "data": files, "limit": cfg.limit, "batch_size": cfg.batch_size,
                "decoding": "greedy", "judge": "offline"}

    def compute(staging: Path) -> dict:
        metrics = evaluate(model, files, staging, batch_size=cfg.batch_size, limit=cfg.limit)
        return metrics.get("per_file") or {files[0]: metrics}

    return once(out, settings, compute)


def measure_point(cfg: CompareConfig, model: Path, files: list[str], out: Path) -> dict[str, dict]:
    """{test file: eval.prefill.measure_prefill} of the final model."""
    from ..eval.prefill import measure_prefill
    from ..model.llamo import LlamoModel

    settings = {"model": str(model), "data": files, "sample": cfg.prefill_sample}

    def compute(staging: Path) -> dict:
        loaded = LlamoModel.from_pretrained(model)
        return {f: measure_prefill(loaded, f, cfg.prefill_sample) for f in files}

    return once(out, settings, compute)


def stage_seconds(pipeline: Pipeline) -> dict[str, float | None]:
    """Training wall time of each stage, from its last checkpoint (None where the trainer did not record it)."""
    seconds = {}
    for stage in pipeline.stages:
        found = checkpoints(Path(stage.out))
        state = json.loads((found[-1] / "state.json").read_text()) if found else {}
        seconds[stage.stage] = state.get("seconds") or None
    return seconds


def evaluate_run(cfg: CompareConfig, pipeline: Pipeline, connector: str, seed: int) -> list[RunResult]:
    """One RunResult per test file: the instruct snapshots' and the final model's metrics, the prefill cost."""
    instruct, files = pipeline.stages[-1], pipeline.test_files
    points = {step: Path(instruct.out) / "snapshots" / f"step_{step:07d}" for step in instruct.snapshot_steps()}
    points[instruct.steps] = Path(instruct.out) / "model"
    curve = {step: evaluate_point(cfg, model, files, pipeline.out / "eval" / f"step_{step:07d}")
             for step, model in points.items()}
    prefill = measure_point(cfg, points[instruct.steps], files, pipeline.out / "prefill")
    seconds = stage_seconds(pipeline)
    return [RunResult(connector, seed, Path(f).stem, {step: metrics[f] for step, metrics in curve.items()},
                      prefill[f], seconds) for f in files]


def run_compare(cfg: CompareConfig, progress: Callable[[str], None] = print) -> Path:
    """Train, evaluate and measure every connector × seed (skipping what is done), then write OUT/report/.
    Every run is planned first, so a bad folder or setting fails before anything trains. Returns OUT/report."""
    out = Path(cfg.out)
    runs = {(c, s): plan_run(cfg, c, s) for c in cfg.connectors for s in cfg.seeds}
    out.mkdir(parents=True, exist_ok=True)
    (out / "compare.yaml").write_text(yaml.safe_dump(dataclasses.asdict(cfg), sort_keys=False))
    results = []
    for (connector, seed), pipeline in runs.items():
        progress(f"{connector} seed {seed}: " + ", ".join(f"{s.stage} {s.steps} steps" for s in pipeline.stages))
        run_pipeline(pipeline)
        results += evaluate_run(cfg, pipeline, connector, seed)
    write_comparison(out / "report", summarize(results))
    return out / "report"
