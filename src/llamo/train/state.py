"""TrainingState: where a run is (step, epoch, batches consumed in the epoch) plus every RNG, for exact resume."""

import random
from dataclasses import asdict, dataclass

import numpy as np
import torch


@dataclass
class TrainingState:
    step: int = 0  # optimizer steps done
    epoch: int = 0
    batch_in_epoch: int = 0  # micro-batches of this epoch already consumed
    seconds: float = 0.0  # wall time spent training up to `step`, summed over resumes (setup not counted)

    def to_dict(self) -> dict:
        return asdict(self)


def rng_state() -> tuple[dict, dict[str, torch.Tensor]]:
    """Python/numpy RNG state (JSON-able) and torch RNG states (tensors)."""
    py_version, py_state, py_gauss = random.getstate()
    np_state = np.random.get_state(legacy=False)  # MT19937: {"state": {"key": uint32[624], "pos": int}, ...}
    np_state["state"] = {"key": np_state["state"]["key"].tolist(), "pos": int(np_state["state"]["pos"])}
    meta = {"python": [py_version, list(py_state), py_gauss], "numpy": np_state}
    tensors = {"torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        tensors.update({f"cuda_{i}": s for i, s in enumerate(torch.cuda.get_rng_state_all())})
    return meta, tensors


def set_rng_state(meta: dict, tensors: dict[str, torch.Tensor]) -> None:
    version, state, gauss = meta["python"]
    random.setstate((version, tuple(state), gauss))
    np_state = dict(meta["numpy"])
    np_state["state"] = {"key": np.asarray(np_state["state"]["key"], np.uint32), "pos": np_state["state"]["pos"]}
    np.random.set_state(np_state)
    torch.set_rng_state(tensors["torch"])
    cuda = [tensors[k] for k in sorted(tensors) if k.startswith("cuda_")]
    if cuda and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(cuda)
