"""Training checkpoints: trainable weights, optimizer, scheduler, RNG and data position, written atomically.

checkpoints/step_0000100/: weights.safetensors (trainable parameters + objective heads), optimizer.safetensors
+ optimizer.json (tensors and the rest of AdamW's state), scheduler.json, rng_<rank>.json/.safetensors, and
state.json (TrainingState). A folder is built as .tmp and renamed, so a kill leaves either the whole
checkpoint or none; only the newest `keep` are kept. No pickle anywhere.
"""

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from .state import TrainingState, rng_state, set_rng_state

PREFIX = "step_"


def optimizer_to_files(optimizer: torch.optim.Optimizer) -> tuple[dict[str, torch.Tensor], dict]:
    state = optimizer.state_dict()
    tensors, scalars = {}, {}
    for idx, entries in state["state"].items():
        for key, value in entries.items():
            if torch.is_tensor(value):
                tensors[f"{idx}.{key}"] = value.contiguous()
            else:
                scalars[f"{idx}.{key}"] = value
    return tensors, {"param_groups": state["param_groups"], "scalars": scalars}


def optimizer_from_files(tensors: dict[str, torch.Tensor], meta: dict) -> dict:
    state: dict[int, dict] = {}
    for flat, value in [*tensors.items(), *meta["scalars"].items()]:
        idx, key = flat.split(".", 1)
        state.setdefault(int(idx), {})[key] = value
    return {"state": state, "param_groups": meta["param_groups"]}


def checkpoints(run: Path) -> list[Path]:
    folder = run / "checkpoints"
    return sorted(p for p in folder.glob(f"{PREFIX}*") if not p.name.endswith(".tmp")) if folder.is_dir() else []


def save_checkpoint(run: Path, weights: dict[str, torch.Tensor], optimizer, scheduler, state: TrainingState,
                    rank: int, barrier: Callable[[], None], keep: int) -> Path:
    """Call on every rank: the main rank (0) writes weights, optimizer, scheduler and state, every rank its RNG,
    then rank 0 renames the folder into place and prunes old checkpoints."""
    final = run / "checkpoints" / f"{PREFIX}{state.step:07d}"
    tmp = final.with_name(final.name + ".tmp")
    if rank == 0:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        save_file({k: v.detach().cpu().contiguous() for k, v in weights.items()}, tmp / "weights.safetensors")
        opt_tensors, opt_meta = optimizer_to_files(optimizer)
        save_file({k: v.cpu() for k, v in opt_tensors.items()}, tmp / "optimizer.safetensors")
        (tmp / "optimizer.json").write_text(json.dumps(opt_meta))
        (tmp / "scheduler.json").write_text(json.dumps(scheduler.state_dict()))
        (tmp / "state.json").write_text(json.dumps(state.to_dict()))
    barrier()
    meta, tensors = rng_state()
    (tmp / f"rng_{rank}.json").write_text(json.dumps(meta))
    save_file(tensors, tmp / f"rng_{rank}.safetensors")
    barrier()
    if rank == 0:
        shutil.rmtree(final, ignore_errors=True)
        tmp.rename(final)
        for old in checkpoints(run)[:-keep]:
            shutil.rmtree(old)
    barrier()
    return final


def load_checkpoint(folder: Path, rank: int) -> tuple[dict, dict, dict, TrainingState]:
    """(weights, optimizer state_dict, scheduler state_dict, state); restores this rank's RNG."""
    set_rng_state(json.loads((folder / f"rng_{rank}.json").read_text()), load_file(folder / f"rng_{rank}.safetensors"))
    optimizer = optimizer_from_files(load_file(folder / "optimizer.safetensors"),
                                     json.loads((folder / "optimizer.json").read_text()))
    return (load_file(folder / "weights.safetensors"), optimizer, json.loads((folder / "scheduler.json").read_text()),
            TrainingState(**json.loads((folder / "state.json").read_text())))
