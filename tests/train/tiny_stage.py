"""Tiny training configs for tests: a random 2-layer LM, width-16 motion modules, a few MoCapQA records."""

from pathlib import Path

import yaml

from tests.conftest import TINY_LLM

TINY_MODEL = {
    "motion_encoder": {"dim": 16, "depth": 1, "heads": 2},
    "connector": {"kind": "cross_talker", "num_tokens": 4, "heads": 2, "num_segments": 4},
    "llm": {"name_or_path": None, "tokenizer": "smollm2-135m-instruct", "tiny": TINY_LLM, "use_lora": True,
            "lora_r": 4},
}


def write_stage(folder: Path, data: Path, **fields) -> Path:
    cfg = {"stage": "instruct", "out": str(folder / "run"), "data": [str(data)], "model": TINY_MODEL,
           "trainable": ["enhancer", "connector", "lora", "motion_encoder"], "lr": 1e-3, "warmup_steps": 2,
           "steps": 8, "batch_size": 2, "save_every": 1, "log_every": 1, "keep_last": 50,
           "mixed_precision": "no", **fields}  # fp32: the tests compare weights to 1e-5
    path = folder / "stage.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path
