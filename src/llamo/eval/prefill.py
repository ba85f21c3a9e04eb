"""What one answer costs before its first word: prompt tokens (motion + text) and the prefill's wall time.

The prefill is the forward over the whole prompt (motion encoder, connector, LM with its KV cache, last logit
only), one answer at a time, as `ask` runs it. Timed over a fixed sample of a record file: evenly spaced records,
after one untimed warm-up, on the current device and torch thread count.
Legend: L prompt tokens, D LLM width.
"""

import statistics
import time
from pathlib import Path

import torch

from ..data.collate import collate
from ..data.dataset import load_all
from ..data.schema import Record
from ..model.llamo import LlamoModel
from .generate import prompt_sample


def sample_records(file: str | Path, n: int) -> list[tuple[Path, Record]]:
    """`n` evenly spaced (folder, record) pairs of a record file (all of them if it has fewer): the same sample
    for every model."""
    records = load_all([str(file)])
    step = max(1, len(records) // max(n, 1))
    return records[::step][:n]


def prompt_batch(model: LlamoModel, root: Path, record: Record) -> dict:
    """The generation batch of a record's first question (input_ids [1, L])."""
    sample = prompt_sample(model, root, record)
    return model.on_device(collate([sample], model.tokenizer.pad_token_id, left_pad=True))


@torch.no_grad()
def prefill_seconds(model: LlamoModel, batch: dict) -> float:
    """Wall time of one prefill of `batch`: embed (motion tokens spliced in) → LM with cache → logits [1, 1, V]."""
    start = time.perf_counter()
    embeds, _ = model.embed(batch)  # [1, L, D]
    model.llm(inputs_embeds=embeds, attention_mask=batch["attention_mask"], use_cache=True, logits_to_keep=1)
    if embeds.device.type == "cuda":
        torch.cuda.synchronize(embeds.device)
    return time.perf_counter() - start


def measure_prefill(model: LlamoModel, file: str | Path, n: int = 16) -> dict:
    """{"n", "prompt_tokens", "motion_tokens", "prefill_ms", "threads"} over `sample_records(file, n)`: means of
    the prompt length, of its motion placeholders, and of the prefill time in milliseconds."""
    model.eval()
    batches = [prompt_batch(model, root, record) for root, record in sample_records(file, n)]
    if not batches:
        return {"n": 0, "prompt_tokens": None, "motion_tokens": None, "prefill_ms": None}
    prefill_seconds(model, batches[0])  # warm-up: first-call allocations and lazy initialisation
    times = [prefill_seconds(model, batch) for batch in batches]
    return {"n": len(batches), "prompt_tokens": statistics.mean(b["input_ids"].shape[1] for b in batches),
            "motion_tokens": statistics.mean(int((b["input_ids"] == model.placeholder_id).sum()) for b in batches),
            "prefill_ms": 1e3 * statistics.mean(times), "threads": torch.get_num_threads()}
