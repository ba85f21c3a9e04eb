"""Generation half of evaluation: run a model over records → predictions.jsonl (greedy, seeded, batched).

Each line: {"id", "task", "question", "reference", "prediction", "frames", "motion_frames", "source"}; frames are
the motion frames the connector's tokens stand for (the Cross Talker's choice), motion_frames how many frames the
motion has (20 fps), source the record file. The prompt is the
record's first human turn; the reference is meta.answer, else the first gpt turn.
"""

import json
from pathlib import Path

import torch

from ..data.collate import Example, collate
from ..data.dataset import load_all
from ..data.schema import Record, resolve_media
from ..model.llamo import LlamoModel
from ..motion.io import load_motion


def prompt_sample(model: LlamoModel, root: Path, record: Record) -> Example:
    """A record's first question with its media, for generation. The record's video goes in only when the model
    has a video encoder (the Enhancer reads it); a video-only record then goes through the Motion Estimator."""
    motion = load_motion(resolve_media(root, record.motion, str(root))) if record.motion else None
    video = resolve_media(root, record.video, str(root)) if record.video and model.video_encoder is not None else None
    return model.prepare(list(record.conversations[:1]), motion, video=video, generation=True)


def prediction_rows(model: LlamoModel, chunk: list[tuple[Path, Record]], max_new_tokens: int) -> list[dict]:
    """Greedy answers for a batch of (dataset folder, record) pairs."""
    samples = [prompt_sample(model, root, record) for root, record in chunk]
    ids, tokens = model.generate(collate(samples, model.tokenizer.pad_token_id, left_pad=True), max_new_tokens)
    rows = []
    for i, (_, record) in enumerate(chunk):
        frames = [] if tokens is None else model.kept_frames(samples[i].motion_frames)[
            tokens.frame_indices[i][tokens.mask[i]].numpy()].tolist()
        rows.append({"id": record.id, "task": record.meta.get("task", "open"), "question": record.question,
                     "reference": record.meta.get("answer", record.answer),
                     "prediction": model.tokenizer.decode(ids[i], skip_special_tokens=True).strip(), "frames": frames,
                     "motion_frames": samples[i].motion_frames})
    return rows


def generate_predictions(model: LlamoModel, files: list[str | Path], out: Path, batch_size: int = 16,
                         max_new_tokens: int = 32, limit: int | None = None, seed: int = 0) -> Path:
    """Write predictions.jsonl for the records of each of `files` (the first `limit` of each, if given), every row
    naming its record file in "source"; returns its path. All files are read before the first answer."""
    torch.manual_seed(seed)
    model.eval()
    per_file = [(str(f), load_all([f])[:limit]) for f in files]
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w") as sink:
        for source, records in per_file:
            for start in range(0, len(records), batch_size):
                rows = prediction_rows(model, records[start:start + batch_size], max_new_tokens)
                sink.writelines(json.dumps({**row, "source": source}) + "\n" for row in rows)
    return out
