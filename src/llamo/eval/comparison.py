"""The connector comparison's report (`llamo compare --data`): per test split, mean ± spread over seeds.

The input is one `RunResult` per (connector, seed, split); `summarize` is a pure function of them, and
`write_comparison` writes <split>.json, <split>.md and <split>.png (accuracy against instruction-tuning steps,
mean over seeds with a ±1 std band). Spread: the sample standard deviation over seeds (n − 1; none for one
seed), with min and max beside it in the JSON.
"""

import json
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SPREAD = "sample standard deviation over seeds (n - 1); min and max beside it"
COST_LEGEND = ("Prompt tokens: mean prompt length (motion + text); motion tokens: its motion placeholders; prefill: "
               "one answer at a time over a fixed sample (eval/prefill.py). Training: wall seconds per stage.")


@dataclass
class RunResult:
    """One trained run's numbers on one test split."""

    connector: str
    seed: int
    split: str  # the test file's name without .json
    curve: dict[int, dict]  # instruction step → the metrics at that step (the last step: the final model)
    prefill: dict  # eval.prefill.measure_prefill on the final model
    train_seconds: dict[str, float | None] = field(default_factory=dict)  # stage → training wall time


def spread(values: list[float | None]) -> dict[str, Any] | None:
    """{"mean", "std", "min", "max", "values"} of the values that exist; None when none does."""
    kept = [v for v in values if v is not None]
    if not kept:
        return None
    std = statistics.stdev(kept) if len(kept) > 1 else None
    return {"mean": statistics.mean(kept), "std": std, "min": min(kept), "max": max(kept), "values": kept}


def _accuracy(metrics: dict, task: str | None = None) -> float | None:
    accuracy = metrics.get("accuracy", {})
    return accuracy.get("overall") if task is None else accuracy.get("per_task", {}).get(task, {}).get("accuracy")


def _curve(runs: list[RunResult]) -> dict[str, list]:
    """Overall accuracy at each instruction step, mean and std over the runs that reached it."""
    steps = sorted({s for r in runs for s in r.curve})
    stats = [spread([_accuracy(r.curve[s]) if s in r.curve else None for r in runs]) for s in steps]
    return {"steps": steps, "mean": [s and s["mean"] for s in stats], "std": [s and s["std"] for s in stats]}


def _connector_summary(runs: list[RunResult]) -> dict[str, Any]:
    finals = [r.curve[max(r.curve)] for r in runs]
    tasks = sorted({t for m in finals for t in m.get("accuracy", {}).get("per_task", {})})
    stages = list(dict.fromkeys(s for r in runs for s in r.train_seconds))
    totals = [sum(r.train_seconds.values()) if None not in r.train_seconds.values() else None for r in runs]
    return {
        "seeds": [r.seed for r in runs],
        "overall": spread([_accuracy(m) for m in finals]),
        "per_task": {t: spread([_accuracy(m, t) for m in finals]) for t in tasks},
        **{key: spread([r.prefill.get(key) for r in runs]) for key in ("prompt_tokens", "motion_tokens", "prefill_ms")},
        "train_seconds": {**{s: spread([r.train_seconds.get(s) for r in runs]) for s in stages},
                          "total": spread(totals)},
        "curve": _curve(runs),
    }


def summarize(results: list[RunResult]) -> dict[str, dict]:
    """{split: {"split", "spread", "connectors": {connector: its summary}}}, connectors in first-seen order."""
    out: dict[str, dict] = {}
    for split in dict.fromkeys(r.split for r in results):
        by_connector: dict[str, list[RunResult]] = {}
        for r in results:
            if r.split == split:
                by_connector.setdefault(r.connector, []).append(r)
        out[split] = {"split": split, "spread": SPREAD,
                      "connectors": {c: _connector_summary(runs) for c, runs in by_connector.items()}}
    return out


def _cell(stat: dict | None, digits: int = 3) -> str:
    if stat is None:
        return "–"
    mean = f"{stat['mean']:.{digits}f}"
    return mean if stat["std"] is None else f"{mean} ± {stat['std']:.{digits}f}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header), *("| " + " | ".join(r) + " |" for r in rows)]


def _point(curve: dict, step: int) -> dict | None:
    if step not in curve["steps"]:
        return None
    i = curve["steps"].index(step)
    return None if curve["mean"][i] is None else {"mean": curve["mean"][i], "std": curve["std"][i]}


def _markdown(summary: dict) -> str:
    connectors = summary["connectors"]
    tasks = sorted({t for c in connectors.values() for t in c["per_task"]})
    # Every connector's stages end the same way (… → instruct, then total), so the longest list holds them all.
    stages = max((list(c["train_seconds"]) for c in connectors.values()), key=len)
    accuracy = [[name, str(len(c["seeds"])), _cell(c["overall"]), *(_cell(c["per_task"].get(t)) for t in tasks)]
                for name, c in connectors.items()]
    cost = [[name, _cell(c["prompt_tokens"], 1), _cell(c["motion_tokens"], 1), _cell(c["prefill_ms"], 1),
             *(_cell(c["train_seconds"].get(s), 1) for s in stages)] for name, c in connectors.items()]
    steps = sorted({s for c in connectors.values() for s in c["curve"]["steps"]})
    curves = [[name, *(_cell(_point(c["curve"], s)) for s in steps)] for name, c in connectors.items()]
    split = summary["split"]
    lines = [f"# Connector comparison: {split}", "", f"Mean ± {SPREAD}.", "", "## Exact-match accuracy", "",
             "At the end of instruction tuning; one column per task.", "",
             *_table(["connector", "seeds", "overall", *tasks], accuracy), "", "## Cost per answer and training", "",
             COST_LEGEND, "",
             *_table(["connector", "prompt tokens", "motion tokens", "prefill ms",
                      *(f"{s} s" for s in stages)], cost), "", "## Overall accuracy against instruction steps", "",
             *_table(["connector", *(f"step {s}" for s in steps)], curves), "", f"![curves]({split}.png)"]
    return "\n".join(lines) + "\n"


def _plot(summary: dict, path: Path) -> None:
    """Overall accuracy against instruction steps, a line per connector with a ±1 std band; the object API with
    the Agg canvas leaves pyplot's global state alone."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 4.0))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for name, c in summary["connectors"].items():
        curve = c["curve"]
        points = [(s, m, sd or 0.0) for s, m, sd in zip(curve["steps"], curve["mean"], curve["std"]) if m is not None]
        if not points:
            continue
        steps, mean, std = zip(*points)
        seeds = len(c["seeds"])
        line, = ax.plot(steps, mean, marker="o", label=f"{name} ({seeds} seed{'s' * (seeds != 1)})")
        ax.fill_between(steps, [m - s for m, s in zip(mean, std)], [m + s for m, s in zip(mean, std)],
                        color=line.get_color(), alpha=0.2, linewidth=0)
    ax.set(ylim=(0, 1.02), xlabel="instruction-tuning step", ylabel="exact-match accuracy",
           title=f"{summary['split']}: mean over seeds, band ±1 std")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def write_comparison(out_dir: str | Path, summaries: dict[str, dict]) -> list[Path]:
    """<split>.json, <split>.md and <split>.png for each split of `summarize`'s output; returns the paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for split, summary in summaries.items():
        paths = [out_dir / f"{split}.json", out_dir / f"{split}.md", out_dir / f"{split}.png"]
        paths[0].write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
        paths[1].write_text(_markdown(summary), encoding="utf-8")
        _plot(summary, paths[2])
        written += paths
    return written
