"""An encoder-stage model folder with a fresh connector of another config: the same trained motion encoder under
each connector variant, so the variants differ in nothing else (docs/results/own_data_cpu.md).

    python experiments/rewire.py SRC DST key=value ...   # connector fields, e.g. sum_context=true
"""

import dataclasses
import sys
from pathlib import Path

import torch
import yaml

from llamo.model.llamo import LlamoModel, build_model


def rewire(src: str, dst: str, fields: dict) -> None:
    old = LlamoModel.from_pretrained(src)
    cfg = dataclasses.replace(old.config, connector=dataclasses.replace(old.config.connector, **fields))
    torch.manual_seed(0)
    new = build_model(cfg)
    new.motion_encoder.load_state_dict(old.motion_encoder.state_dict())
    new.enhancer.load_state_dict(old.enhancer.state_dict())
    new.feature_mean.copy_(old.feature_mean)
    new.feature_std.copy_(old.feature_std)
    new.save_pretrained(Path(dst))
    print("wrote", dst, cfg.connector)


if __name__ == "__main__":
    src, dst, *pairs = sys.argv[1:]
    rewire(src, dst, {k: yaml.safe_load(v) for k, v in (p.split("=", 1) for p in pairs)})
