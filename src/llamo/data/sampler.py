"""Length-grouped batch sampler: deterministic in (seed, epoch), so a resumed run sees the same batches.

Indices are shuffled, cut into mega-batches of 50 batches, sorted by length inside each, then cut into
batches and the batch order shuffled again: little padding, still random (the transformers/LLaVA recipe).
"""

import numpy as np
from torch.utils.data import Sampler


class LengthGroupedBatchSampler(Sampler[list[int]]):
    def __init__(self, lengths: list[int], batch_size: int, seed: int, group_by_length: bool = True,
                 megabatch: int = 50):
        self.lengths = np.asarray(lengths)
        self.batch_size, self.seed, self.group_by_length, self.megabatch = batch_size, seed, group_by_length, megabatch
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def batches(self) -> list[list[int]]:
        rng = np.random.default_rng([self.seed, self.epoch])
        order = rng.permutation(len(self.lengths))
        if self.group_by_length:
            size = self.batch_size * self.megabatch
            chunks = [order[i:i + size] for i in range(0, len(order), size)]
            order = np.concatenate([c[np.argsort(-self.lengths[c], kind="stable")] for c in chunks])
        batches = [order[i:i + self.batch_size].tolist() for i in range(0, len(order), self.batch_size)]
        if self.group_by_length:
            batches = [batches[i] for i in rng.permutation(len(batches))]
        return batches

    def __iter__(self):
        return iter(self.batches())

    def __len__(self) -> int:
        return -(-len(self.lengths) // self.batch_size)
