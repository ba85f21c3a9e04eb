"""Evaluation reports: metrics.json + report.md + per_task.png for one run, and `compare` across runs.

A metrics dict has up to six sections, each the output of one function in `metrics.py` or `kinds.py`:
"accuracy" (accuracy_by_task), "off_kind" (kinds.off_kind), "counting" (counting_metrics), "judged"
(judged_metrics), "caption" (caption_similarity) and "grounding" (grounding_metrics). Absent sections are left
out of the Markdown and the comparison.
A run over several record files adds "per_file" ({file: such a dict}); the report then opens with one table,
a column per file and one for all files, laid out as `compare` lays out runs.
"""

import json
from pathlib import Path
from typing import Any

from ..atomic import atomic_write
from ..errors import ConfigError

COUNTING_KEYS = ("obo", "obz", "mae", "rmse")
JUDGED_KEYS = ("accuracy", "score")
GROUNDING_RECALLS = ("r@0.3", "r@0.5", "r@0.7")
EXAMPLE_CHARS = 40  # an off-kind example longer than this is cut in the report (metrics.json keeps it whole)


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(_fmt(v) for v in row) + " |" for row in rows]


def _accuracy_rows(accuracy: dict[str, Any]) -> list[list[Any]]:
    rows = [[task, m["n"], m["accuracy"]] for task, m in accuracy["per_task"].items()]
    return rows + [["**overall**", accuracy["n"], accuracy["overall"]]]


def _example(text: str) -> str:
    """An off-kind prediction as one quoted table cell: one line, no "|", at most EXAMPLE_CHARS characters."""
    text = " ".join(text.split()).replace("|", "/")
    return '"' + (text if len(text) <= EXAMPLE_CHARS else text[:EXAMPLE_CHARS - 1] + "…") + '"'


def _off_kind_section(off: dict[str, Any]) -> tuple[str, str, list[str], list[list[Any]]]:
    """The off-kind section: one line when no answer is off kind, else a table of the tasks that have some."""
    title = "Answers off the question's kind"
    if not off["count"]:
        return title, f"None of the {off['n']} checked answers is off its question's kind.", [], []
    legend = ("Answers not of the question's kind (no number for a count, no span for when, outside the task's "
              "answers otherwise); wrong before they are compared.")
    rows = [[task, t["kind"], t["off_kind"], t["n"], t["share"], ", ".join(map(_example, t["examples"]))]
            for task, t in off["per_task"].items() if t["off_kind"]]
    rows.append(["**overall**", "", off["count"], off["n"], off["overall"], ""])
    return title, legend, ["task", "kind", "off-kind", "n", "share", "examples"], rows


def _compare_rows(runs: list[dict[str, Any]]) -> list[list[Any]]:
    """One row per metric present in any run: tasks, overall, then counting, judged, caption, grounding numbers
    and the count of off-kind answers."""
    tasks = sorted({t for m in runs for t in m.get("accuracy", {}).get("per_task", {})})
    rows = [[t, *(m.get("accuracy", {}).get("per_task", {}).get(t, {}).get("accuracy") for m in runs)] for t in tasks]
    if any("accuracy" in m for m in runs):
        rows.append(["**overall**", *(m.get("accuracy", {}).get("overall") for m in runs)])
    sections = [("counting", k, f"count {k.upper()}") for k in COUNTING_KEYS]
    sections += [("judged", k, f"judged {k}") for k in JUDGED_KEYS] + [("caption", "mean_cosine", "caption cosine"),
                                                                        ("grounding", "mean_iou", "when IoU")]
    sections.append(("off_kind", "count", "off-kind answers"))
    for section, key, label in sections:
        if any(section in m for m in runs):
            rows.append([label, *(m.get(section, {}).get(key) for m in runs)])
    return rows


def _file_labels(files: list[str]) -> list[str]:
    """Column names: the files' names, or their whole paths where two names are the same."""
    names = [Path(f).name for f in files]
    return names if len(set(names)) == len(names) else files


def _sections(metrics: dict[str, Any]) -> list[tuple[str, str, list[str], list[list[Any]]]]:
    """(title, legend, header, rows) for each section present."""
    out = []
    if "per_file" in metrics:
        runs = [*metrics["per_file"].values(), metrics]
        legend = "One column per record file and one for all files together (detailed in the sections below)."
        rows = [["n (exact match)", *(m.get("accuracy", {}).get("n") for m in runs)], *_compare_rows(runs)]
        out.append(("By file", legend, ["metric", *_file_labels(list(metrics["per_file"])), "all files"], rows))
    if "accuracy" in metrics:
        out.append(("Exact-match accuracy", "", ["task", "n", "accuracy"], _accuracy_rows(metrics["accuracy"])))
    if "off_kind" in metrics:
        out.append(_off_kind_section(metrics["off_kind"]))
    if "counting" in metrics:
        c = metrics["counting"]
        legend = "OBO/OBZ: share within 1 / exact (↑); MAE: mean |error| / true count (↓); RMSE in repetitions (↓)."
        rows = [[c["n"], c.get("unparsed"), *(c[k] for k in COUNTING_KEYS)]]
        out.append(("Repetition counting", legend, ["n", "unparsed", *COUNTING_KEYS], rows))
    if "judged" in metrics:
        j = metrics["judged"]
        out.append(("Judged QA", 'accuracy: share judged "yes"; score: mean 0–5.', ["n", *JUDGED_KEYS],
                    [[j["n"], *(j[k] for k in JUDGED_KEYS)]]))
    if "caption" in metrics:
        c = metrics["caption"]
        out.append(("Captions", "", ["n", "mean cosine"], [[c["n"], c["mean_cosine"]]]))
    if "grounding" in metrics:
        g = metrics["grounding"]
        out.append(("Temporal grounding", "Mean temporal IoU of the answered span; R@k: share with IoU ≥ k.",
                    ["n", "unparsed", "mean IoU", *GROUNDING_RECALLS], [[g["n"], g["unparsed"], g["mean_iou"],
                                                                        *(g[k] for k in GROUNDING_RECALLS)]]))
        if "chosen_frames" in g:
            c = g["chosen_frames"]
            out.append(("Chosen frames against the span", "Share of the connector's chosen frames inside the true "
                        "span, against the share of the motion the span covers (frames picked blindly).",
                        ["n", "frames in span", "span's share of the motion"],
                        [[c["n"], c["in_span"], c["span_share"]]]))
    return out


def _markdown(metrics: dict[str, Any], name: str) -> str:
    lines = [f"# Evaluation: {name}"]
    for title, legend, header, rows in _sections(metrics):
        body = ([legend] if legend else []) + (([""] if legend else []) + _table(header, rows) if header else [])
        lines += ["", f"## {title}", ""] + body
    return "\n".join(lines) + "\n"


def _plot(per_task: dict[str, Any], name: str, path: Path) -> None:
    """Bar plot of accuracy by task; the object API with the Agg canvas leaves pyplot's global state alone."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    tasks = list(per_task)
    values = [per_task[t]["accuracy"] or 0.0 for t in tasks]
    fig = Figure(figsize=(max(4.0, 0.8 * len(tasks) + 1.5), 3.5))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    bars = ax.bar(tasks, values, color="#4c72b0")
    ax.bar_label(bars, labels=[f"n={per_task[t]['n']}" for t in tasks], fontsize=7)
    ax.set(ylim=(0, 1.05), ylabel="accuracy", title=name)
    ax.tick_params(axis="x", labelrotation=30)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def write_report(out_dir: str | Path, metrics: dict[str, Any], name: str) -> list[Path]:
    """Write report.md, with an "accuracy" section per_task.png, and last metrics.json (sorted keys, indent 1;
    written whole, so its presence marks a finished evaluation) into out_dir. Returns the paths written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [out_dir / "report.md"]
    written[0].write_text(_markdown(metrics, name), encoding="utf-8")
    if "accuracy" in metrics and metrics["accuracy"]["per_task"]:
        written.append(out_dir / "per_task.png")
        _plot(metrics["accuracy"]["per_task"], name, written[-1])
    text = json.dumps(metrics, sort_keys=True, indent=1) + "\n"
    written.append(atomic_write(out_dir / "metrics.json", lambda f: f.write(text.encode("utf-8"))))
    return written


def _load_metrics(run_dir: Path) -> dict[str, Any]:
    path = run_dir / "metrics.json"
    if not path.is_file():
        raise ConfigError(f"{run_dir}: no metrics.json; pass folders written by `llamo eval`")
    return json.loads(path.read_text(encoding="utf-8"))


def compare(run_dirs: list[Path]) -> str:
    """A Markdown table with one column per run (named by its folder) and one row per task, overall and any
    counting / judged / caption / grounding / off-kind metric, read from each run's metrics.json. Writes nothing."""
    run_dirs = [Path(d) for d in run_dirs]
    runs = [_load_metrics(d) for d in run_dirs]
    return "\n".join(_table(["metric", *(d.name for d in run_dirs)], _compare_rows(runs))) + "\n"
