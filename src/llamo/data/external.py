"""Converters from published motion-language datasets into llamo records (docs/data_format.md).

Each writes canonical motions, float32 (T, J=22, 3) at 20 fps, to OUT/motions/ and the records to OUT/<split>.json.
- BABEL-QA (Endo et al., ICML 2023): questions.json (a list, or the released dict keyed by question id),
  split_question_ids.json and motion_sequences/<babel_id>/joints.npy. meta.task is one column, by this rule:
  relation_type "before"/"after" → that relation; else query_type query_action/query_direction/query_body_part
  → action/direction/body_part; anything else → other. The paper breaks accuracy down twice (by query type, and
  by relation before/after/other); meta keeps query_type and relation_type so both can be recomputed.
- HumanML3D (Guo et al., CVPR 2022) captions: one record per texts/<id>.txt line, cropped to [start, end] s.
- Repetition counting in the RepCount style (Hu et al., CVPR 2022): a name,type,count CSV beside motions/<name>.*.
"""

import csv
import json
import math
from pathlib import Path
from typing import Any

from ..errors import DataError
from ..motion.formats.babel import babel_joints_path
from ..motion.io import load_motion, save_motion
from ..motion.motion import CANONICAL_FPS, Motion
from .schema import MOTION_TOKEN, Record, Turn, save_records

BABEL_QUERY_COLUMNS = {"query_action": "action", "query_direction": "direction", "query_body_part": "body_part"}
BABEL_RELATION_COLUMNS = ("before", "after")
BABEL_FIELDS = ("question", "answer", "babel_id", "query_type")  # relation_type may be missing or null
HUMANML3D_SOURCES = ("new_joints", "new_joint_vecs")
CAPTION_PROMPTS = ("Describe the motion.", "What is the person doing?", "Describe this movement in one sentence.")
COUNT_COLUMNS = ("name", "type", "count")
MOTION_SUFFIXES = (".npy", ".bvh", ".amc", ".json", ".txt")  # what load_motion reads, in lookup order


def _safe_name(name: Any, source: str) -> str:
    """`name` as a single path component (no separators, not '.' or '..'), or DataError."""
    text = str(name)
    if text in ("", ".", "..") or any(c in text for c in "/\\\0") or text != text.strip():
        raise DataError(f"{source}: {text!r} is not a plain name; expected an id without '/', '\\' or '..'")
    return text


def _load_json(path: Path, expected: str) -> Any:
    if not path.is_file():
        raise DataError(f"{path}: no such file; expected {expected}")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise DataError(f"{path}: not valid UTF-8 JSON ({err}); expected {expected}") from err


def _qa_record(rid: str, motion: str, question: str, answer: str, task: str, **extra: Any) -> Record:
    turns = (Turn("human", f"{MOTION_TOKEN}\n{question}"), Turn("gpt", answer))
    return Record(id=rid, motion=motion, conversations=turns, meta={"task": task, "answer": answer, **extra})


# ---- BABEL-QA ----

def babel_qa_column(query_type: str, relation_type: str | None) -> str:
    """The BABEL-QA column a question is scored in (module docstring)."""
    if relation_type in BABEL_RELATION_COLUMNS:
        return relation_type
    return BABEL_QUERY_COLUMNS.get(query_type, "other")


def _babel_questions(root: Path) -> dict[str, dict]:
    """questions.json → {question id: question}; accepts a list with "question_id" or a dict keyed by id."""
    path = root / "questions.json"
    data = _load_json(path, "a list of BABEL-QA questions or a dict keyed by question id")
    if isinstance(data, dict):
        items = [(str(k), q) for k, q in data.items()]
    elif isinstance(data, list):
        items = [(str(q.get("question_id")) if isinstance(q, dict) else f"#{i}", q) for i, q in enumerate(data)]
    else:
        raise DataError(f"{path}: the top level is a JSON {type(data).__name__}; expected a list or dict of questions")
    needed = BABEL_FIELDS + (("question_id",) if isinstance(data, list) else ())
    for qid, q in items:
        missing = [k for k in needed if not isinstance(q, dict) or q.get(k) is None]
        if missing:
            raise DataError(f"{path}: question {qid} lacks {missing}; each needs {needed} (relation_type optional)")
    return dict(items)


def _babel_split_ids(root: Path, split: str) -> list[str]:
    path = root / "split_question_ids.json"
    data = _load_json(path, 'a dict {"train": [ids], "val": [ids], "test": [ids]}')
    if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
        raise DataError(f"{path}: expected a dict of split name → list of question ids")
    if split not in data:
        raise DataError(f"{path}: no split {split!r}; the file holds {sorted(data)}")
    return [str(qid) for qid in data[split]]


def _babel_motion(root: Path, out_dir: Path, babel_id: Any, source: str) -> str:
    """Convert motion_sequences/<babel_id>/joints.npy (AMASS, z-up, 30 fps) → OUT/motions/babel_<id>.npy."""
    name = _safe_name(babel_id, f"{source}: babel_id")
    path = babel_joints_path(root, name)
    if not path.is_file():
        raise DataError(f"{source}: {path} not found; BABEL-QA keeps each sequence as "
                        "motion_sequences/<babel_id>/joints.npy")
    rel = f"motions/babel_{name}.npy"
    save_motion(load_motion(path, format="babel"), out_dir / rel)
    return rel


def convert_babel_qa(root: str | Path, out_dir: str | Path, split: str) -> list[Record]:
    """BABEL-QA's `split` questions → records "babelqa_<question_id>", written to OUT/<split>.json."""
    root, out_dir = Path(root), Path(out_dir)
    questions = _babel_questions(root)
    ids = _babel_split_ids(root, split)
    unknown = [qid for qid in ids if qid not in questions]
    if unknown:
        raise DataError(f"{root / 'split_question_ids.json'}: split {split!r} names {len(unknown)} question id(s) "
                        f"absent from questions.json, e.g. {unknown[:5]}")
    motions: dict[str, str] = {}  # babel_id → written path; each sequence is converted once
    records = []
    for qid in ids:
        q = questions[qid]
        source = f"{root / 'questions.json'}: question {qid}"
        bid = str(q["babel_id"])
        if bid not in motions:
            motions[bid] = _babel_motion(root, out_dir, bid, source)
        column = babel_qa_column(q["query_type"], q.get("relation_type"))
        records.append(_qa_record(f"babelqa_{qid}", motions[bid], str(q["question"]), str(q["answer"]), column,
                                  query_type=q["query_type"], relation_type=q.get("relation_type"), babel_id=bid))
    save_records(records, out_dir / f"{split}.json")
    return records


# ---- HumanML3D captions ----

def read_captions(path: Path) -> list[tuple[str, float, float]]:
    """A HumanML3D texts/<id>.txt → [(caption, start_s, end_s)]; lines are "caption#tokens#start#end", and a
    NaN time counts as 0.0 (end 0.0 = the whole clip), as in the published loader."""
    if not path.is_file():
        raise DataError(f"{path}: no such caption file; HumanML3D keeps captions as texts/<id>.txt")
    captions = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.strip().rsplit("#", 3)
        if len(parts) != 4 or not parts[0].strip():
            raise DataError(f"{path}, line {n}: {line[:80]!r} is not 'caption#tokens#start#end'")
        try:
            start, end = (0.0 if math.isnan(t) else t for t in map(float, parts[2:]))
        except ValueError as err:
            raise DataError(f"{path}, line {n}: {line[:80]!r} has bad times ({err}); "
                            "expected 'caption#tokens#start#end' with times in seconds") from err
        captions.append((parts[0].strip(), start, end))
    return captions


def _read_split(path: Path) -> list[str]:
    if not path.is_file():
        present = sorted(p.name for p in path.parent.glob("*.txt"))
        raise DataError(f"{path}: no such split file; expected one id per line (split files here: {present})")
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _crop(motion: Motion, start: float, end: float) -> Motion | None:
    """Frames [start, end) seconds at 20 fps (int() rounding, as the published loader); None if under 2 frames."""
    joints = motion.joints[int(start * CANONICAL_FPS):int(end * CANONICAL_FPS)]  # [T', 22, 3]
    return Motion(joints) if len(joints) >= 2 else None


def _caption_records(root: Path, out_dir: Path, clip: str, source: str) -> list[Record]:
    name = _safe_name(clip, f"{root}: clip id")
    path = root / source / f"{name}.npy"
    if not path.is_file():
        raise DataError(f"{path}: no such motion file; the split lists {name!r}")
    motion = load_motion(path)
    written: set[str] = set()  # the uncropped clip is shared by its whole-clip captions, so written once
    records = []
    for k, (caption, start, end) in enumerate(read_captions(root / "texts" / f"{name}.txt")):
        if end > 0:
            rel, clip_motion = f"motions/{name}_{k}.npy", _crop(motion, start, end)
        else:
            rel, clip_motion = f"motions/{name}.npy", motion
        if clip_motion is None:
            continue
        if rel not in written:
            save_motion(clip_motion, out_dir / rel)
            written.add(rel)
        records.append(_qa_record(f"{name}_{k}", rel, CAPTION_PROMPTS[k % len(CAPTION_PROMPTS)], caption, "caption"))
    return records


def convert_humanml3d(root: str | Path, out_dir: str | Path, split: str, source: str = "new_joints") -> list[Record]:
    """HumanML3D's `split` → one caption record "<id>_<k>" per caption line, written to OUT/<split>.json.
    source: "new_joints" (T, 22, 3) or "new_joint_vecs" (T, 263)."""
    root, out_dir = Path(root), Path(out_dir)
    if source not in HUMANML3D_SOURCES:
        raise DataError(f"HumanML3D source {source!r} is unknown; accepted: {HUMANML3D_SOURCES}")
    records = [r for clip in _read_split(root / f"{split}.txt") for r in _caption_records(root, out_dir, clip, source)]
    save_records(records, out_dir / f"{split}.json")
    return records


# ---- Repetition counting ----

def _parse_count(raw: Any, where: str) -> int:
    """A non-negative whole number; "5.0" is accepted (pandas writes counts so)."""
    try:
        value = float(raw)
    except (TypeError, ValueError):
        value = math.nan
    if not (math.isfinite(value) and value.is_integer() and value >= 0):
        raise DataError(f"{where}: count {raw!r} is not a non-negative integer")
    return int(value)


def _find_motion(motions_dir: Path, stem: str, where: str) -> Path:
    for suffix in MOTION_SUFFIXES:
        if (path := motions_dir / f"{stem}{suffix}").is_file():
            return path
    raise DataError(f"{where}: no motion for {stem!r}; expected {motions_dir / stem}.npy "
                    f"(or another file load_motion reads: {MOTION_SUFFIXES})")


def _count_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) pairs of a CSV with at least the name,type,count columns; others are ignored."""
    if not path.is_file():
        raise DataError(f"{path}: no such annotation file; expected a CSV with columns {COUNT_COLUMNS}")
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        found = [c.strip() for c in reader.fieldnames or []]
        missing = [c for c in COUNT_COLUMNS if c not in found]
        if missing:
            raise DataError(f"{path}: missing column(s) {missing}; found {found}; expected a header with "
                            f"{','.join(COUNT_COLUMNS)} (extra columns such as L1..Ln are ignored)")
        reader.fieldnames = found
        return [(reader.line_num, row) for row in reader]


def convert_counting(root: str | Path, out_dir: str | Path, split_csv: str = "annotation.csv") -> list[Record]:
    """RepCount-style rows → count records "count_<name stem>", written to OUT/<csv stem>.json."""
    root, out_dir = Path(root), Path(out_dir)
    path = root / split_csv
    records = []
    for line, row in _count_rows(path):
        where = f"{path}, line {line}"
        stem = Path(_safe_name(row["name"] or "", f"{where}: name")).stem  # RepCount names videos: stu1_10.mp4
        count = _parse_count(row["count"], where)
        action = (row["type"] or "").strip().replace("_", " ")
        if not action:
            raise DataError(f"{where}: column 'type' is empty; expected the repeated action, e.g. 'squat'")
        rel = f"motions/{stem}.npy"
        save_motion(load_motion(_find_motion(root / "motions", stem, where)), out_dir / rel)
        question = f"How many times does the person do {action}?"
        records.append(_qa_record(f"count_{stem}", rel, question, str(count), "count", count=count))
    save_records(records, out_dir / f"{Path(split_csv).stem}.json")
    return records
