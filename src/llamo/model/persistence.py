"""Saving and loading a LlamoModel folder: one writer, one loader, no name sniffing, atomic.

Files: config.json, model.safetensors (motion modules), normalizer.json, tokenizer files, and for LoRA
adapter_config.json + adapter_model.safetensors; llm/ holds base LM weights only when the LM was randomly
initialised (llm.name_or_path is None), since nothing else could rebuild it. `compact_copy` writes the
smallest folder that still loads: half-precision weights and no tokenizer files when the tokenizer can be
rebuilt from the installed base LM (the shipped default is such a folder).
"""

import os
import shutil
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from transformers import AutoModelForCausalLM, PreTrainedTokenizerFast

from ..atomic import usual_permissions
from ..errors import ConfigError
from ..motion.features import Normalizer
from .configuration import LlamoConfig
from .connectors import code_tokens
from .llm import load_causal_lm, load_tokenizer

BASE_LLM_DIR = "llm"
ADAPTER_WEIGHTS = "adapter_model.safetensors"
TOKENIZER_FILE = "tokenizer.json"

MOTION_WEIGHTS = "model.safetensors"
NORMALIZER = "normalizer.json"


def base_lm(llm):
    """The LM under any PEFT wrapper."""
    return llm.get_base_model() if hasattr(llm, "get_base_model") else llm


def save_base_lm(llm, folder: Path) -> None:
    """Base weights of a PEFT-wrapped (or plain) LM, without the adapter, as a plain HF model folder."""
    base = base_lm(llm)
    state = {k.replace(".base_layer", ""): v for k, v in base.state_dict().items() if "lora_" not in k}
    state = {k.replace(".token_adapter", ""): v for k, v in state.items() if "trainable_tokens" not in k}
    clean = AutoModelForCausalLM.from_config(base.config)
    clean.load_state_dict(state)
    clean.save_pretrained(folder)


def save_model(model, folder: Path) -> Path:
    """Write the model folder atomically (into a sibling temp folder, then rename over `folder`)."""
    staging = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    model.config.save(staging)
    save_file(model.motion_state_dict(), staging / MOTION_WEIGHTS)
    Normalizer(model.feature_mean.cpu().numpy(), model.feature_std.cpu().numpy()).save(staging / NORMALIZER)
    model.tokenizer.save_pretrained(staging)
    if model.config.llm.use_lora:
        # Added vocabulary rows are rebuilt deterministically at load (llm.load_causal_lm), and trained code rows
        # live in the adapter's trainable-token deltas, so the resized 49k-row embedding is not copied (~110 MB).
        model.llm.save_pretrained(staging, save_embedding_layers=False)
    if model.config.llm.name_or_path is None:
        save_base_lm(model.llm, staging / BASE_LLM_DIR)
    usual_permissions(staging)
    if folder.exists():
        shutil.rmtree(folder)
    staging.rename(folder)
    return folder


def load_model(folder: Path, model_class: type):
    """Rebuild a model saved by `save_model` as `model_class(config, llm, tokenizer)` (LlamoModel, which calls
    this from `from_pretrained`; passing the class keeps this module below llamo.py in the import graph)."""
    from peft import PeftModel

    if not (folder / MOTION_WEIGHTS).is_file():
        raise ConfigError(f"{folder}: not a llamo model folder (no {MOTION_WEIGHTS}); save one with save_pretrained")
    config = LlamoConfig.load(folder)
    tokenizer = load_folder_tokenizer(folder, config)
    if (folder / BASE_LLM_DIR).is_dir():
        llm = AutoModelForCausalLM.from_pretrained(folder / BASE_LLM_DIR, dtype=torch.float32)
    else:
        llm = load_causal_lm(config.llm, len(tokenizer))
    if config.llm.use_lora:
        llm = PeftModel.from_pretrained(llm, folder, is_trainable=True)
    model = model_class(config, llm, tokenizer)
    missing, unexpected = model.load_state_dict(load_file(folder / MOTION_WEIGHTS), strict=False)
    missing = [k for k in missing if not k.startswith("llm.")]
    if missing or unexpected:
        raise ConfigError(f"{folder}/{MOTION_WEIGHTS} does not fit the config: missing {missing}, "
                          f"unexpected {unexpected}")
    model.set_normalizer(Normalizer.load(folder / NORMALIZER))
    return model.eval()


def load_folder_tokenizer(folder: Path, config: LlamoConfig) -> PreTrainedTokenizerFast:
    """The folder's own tokenizer, or (compact folders) the base LM's with llamo's tokens added in the same
    order as when the model was built, which gives the same ids."""
    if (folder / TOKENIZER_FILE).is_file():
        return PreTrainedTokenizerFast.from_pretrained(folder)
    if config.llm.name_or_path is None and config.llm.tokenizer is None:
        raise ConfigError(f"{folder}: no {TOKENIZER_FILE}, and the config names no tokenizer to rebuild it from")
    return load_tokenizer(config.llm, code_tokens(config))


def compact_copy(folder: str | Path, out: str | Path, dtype: torch.dtype = torch.float16) -> Path:
    """Copy a saved model folder to `out` with weights stored in `dtype` and without tokenizer files (rebuilt
    at load from the installed base LM). Only for models on a named pretrained LM. Atomic, like save_model."""
    folder, out = Path(folder), Path(out)
    config = LlamoConfig.load(folder)
    if config.llm.name_or_path is None or (folder / BASE_LLM_DIR).exists():
        raise ConfigError(f"{folder}: a randomly initialised LM cannot be rebuilt; copy the whole folder")
    staging = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name in ("config.json", NORMALIZER, "adapter_config.json"):
        if (folder / name).is_file():
            shutil.copy2(folder / name, staging / name)
    for name in (MOTION_WEIGHTS, ADAPTER_WEIGHTS):
        if (folder / name).is_file():
            weights = load_file(folder / name)
            save_file({k: v.to(dtype) if v.is_floating_point() else v for k, v in weights.items()}, staging / name)
    usual_permissions(staging)
    if out.exists():
        shutil.rmtree(out)
    staging.rename(out)
    return out
