"""`llamo train`: one explicit loop on Hugging Face Accelerate for every stage (encoder, align, instruct).

    llamo train --config instruct out=runs/instruct init_from=runs/align/model
    accelerate launch --config_file configs/accelerate/ddp.yaml -m llamo train --config instruct ...

The same code runs on CPU, one GPU, DDP, FSDP or DeepSpeed; a run killed at any moment resumes from its last
checkpoint and ends with the weights an uninterrupted run would have.
"""

import dataclasses
import json
import time
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader
from tqdm.auto import tqdm

from ..data.collate import collate
from ..data.dataset import ConversationDataset, MotionCaptionDataset, MotionDataset
from ..data.sampler import LengthGroupedBatchSampler
from ..eval.embeddings import MiniLMEmbedder
from ..model.connectors import code_tokens
from ..model.llamo import LlamoModel, build_model
from ..model.llm import attach_lora
from ..model.trainable import set_trainable
from ..motion.features import Normalizer
from .checkpoint import checkpoints, load_checkpoint, save_checkpoint
from .config import TrainConfig, save_resolved
from .encoder_cache import EncoderCache
from .objectives import EncoderObjective
from .optim import build_optimizer, build_scheduler
from .precision import resolve_precision
from .readout import build_readout
from .state import TrainingState, rng_state, set_rng_state


class StageModule(nn.Module):
    """The model plus the stage's objective, so the whole loss runs inside one (DDP/FSDP-wrapped) forward."""

    def __init__(self, model: LlamoModel, objective: nn.Module | None):
        super().__init__()
        self.model, self.objective = model, objective

    def forward(self, batch: dict) -> torch.Tensor:
        if self.objective is not None:
            return self.objective(self.model, batch)
        return self.model(**batch).loss


@dataclass
class Run:
    """Everything the loop touches, built once by `setup`."""

    cfg: TrainConfig
    accelerator: object
    stage: nn.Module
    optimizer: torch.optim.Optimizer
    scheduler: object
    loader: DataLoader
    sampler: LengthGroupedBatchSampler
    state: TrainingState


def load_or_build(cfg: TrainConfig) -> LlamoModel:
    """The stage's starting model: a fresh one, or the previous stage's, with a fresh connector
    (LlamoModel.replace_connector), LoRA switched on and a video branch added (LlamoModel.add_video_branch) if the
    stage asks for them; max_frames and the system message set where the stage gives them."""
    model = build_model(cfg.model) if cfg.init_from is None else LlamoModel.from_pretrained(cfg.init_from)
    if cfg.max_frames is not None:
        model.config.max_frames = cfg.max_frames
    if cfg.system_prompt is not None:
        model.config.llm = dataclasses.replace(model.config.llm, system_prompt=cfg.system_prompt)
        model.processor.system = cfg.system_prompt
    if cfg.init_from is None:
        return model
    if cfg.new_connector:
        model.replace_connector(cfg.model.connector)
    if cfg.num_tokens is not None:
        model.set_num_tokens(cfg.num_tokens)
    if cfg.time_text is not None:
        model.set_time_text(cfg.time_text)
    if cfg.model.video.encoder != "none" and model.video_encoder is None:
        model.add_video_branch(cfg.model.video)
    lora = cfg.model.llm
    if lora.use_lora and not model.config.llm.use_lora:
        model.config.llm = dataclasses.replace(model.config.llm, use_lora=True, lora_r=lora.lora_r,
                                               lora_alpha=lora.lora_alpha, lora_dropout=lora.lora_dropout,
                                               lora_targets=lora.lora_targets)
        codes = model.tokenizer.convert_tokens_to_ids(code_tokens(model.config))
        model.llm = attach_lora(model.llm, model.config.llm, codes)
    return model


def build_data(cfg: TrainConfig, model: LlamoModel) -> tuple[torch.utils.data.Dataset, LengthGroupedBatchSampler]:
    if cfg.stage == "encoder" and cfg.contrastive_weight:
        dataset = MotionCaptionDataset(cfg.data, model.motion_inputs)
    elif cfg.stage == "encoder":
        dataset = MotionDataset(cfg.data, model.motion_inputs)
    else:
        frames = model.video_frames if model.video_encoder is not None else None
        dataset = ConversationDataset(cfg.data, model.processor, model.motion_inputs, task_repeat=cfg.task_repeat,
                                      tasks=cfg.tasks, frames=frames)
    return dataset, LengthGroupedBatchSampler(dataset.lengths(), cfg.batch_size, cfg.seed, cfg.group_by_length)


def attach_encoder_cache(cfg: TrainConfig, model: LlamoModel, dataset: ConversationDataset, accelerator) -> None:
    """Encode every motion once with the frozen encoder (or find it on disk) and let the dataset read it."""
    cache = EncoderCache(model, cfg.encoder_cache)
    for path in dataset.motion_paths():
        cache(path, dataset.features(path))
    accelerator.print(f"encoder cache {cache.folder}: {cache.computed} motions encoded, "
                      f"{len(dataset.motion_paths()) - cache.computed} found")
    dataset.encode = cache


def fit_normalizer(model: LlamoModel, dataset) -> None:
    """A fresh model learns its feature statistics from the training motions (saved with the model)."""
    features = list(dataset.features.features.values())
    if features:
        model.set_normalizer(Normalizer.fit([f.numpy() for f in features]))


def build_objective(cfg: TrainConfig, model: LlamoModel, dataset) -> nn.Module | None:
    """The stage's loss when it is not the model's own LM loss: the encoder stage's (with contrastive_weight > 0
    it embeds the dataset's distinct captions once), or the caption-free answer read-out."""
    if cfg.objective == "answer_readout":
        return build_readout(model, dataset, cfg.readout_classes)
    if cfg.stage != "encoder":
        return None
    captions = None
    if cfg.contrastive_weight:
        captions = torch.from_numpy(MiniLMEmbedder()(dataset.captions))  # [N, 384]
    return EncoderObjective(model, cfg.mask_ratio, captions, cfg.contrastive_weight)


def setup(cfg: TrainConfig) -> Run:
    from accelerate import Accelerator
    from accelerate.utils import set_seed

    precision = resolve_precision(cfg.mixed_precision)
    # The schedule counts optimizer steps; Accelerate would otherwise step it once per process per step.
    # cpu=True without a GPU lets a multi-process launch become MULTI_CPU (gloo) data parallelism.
    accelerator = Accelerator(cpu=not torch.cuda.is_available(), gradient_accumulation_steps=cfg.grad_accum,
                              mixed_precision=precision,
                              log_with="tensorboard", project_dir=str(Path(cfg.out) / "logs"),
                              step_scheduler_with_optimizer=False)
    set_seed(cfg.seed)
    model = load_or_build(cfg)
    dataset, sampler = build_data(cfg, model)
    if cfg.init_from is None:
        fit_normalizer(model, dataset)
    if cfg.encoder_cache:
        attach_encoder_cache(cfg, model, dataset, accelerator)
    groups = set_trainable(model, cfg.trainable)
    if cfg.grad_checkpointing:
        model.llm.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    objective = build_objective(cfg, model, dataset)
    stage = StageModule(model, objective)
    optimizer = build_optimizer(model, objective, cfg.lr, cfg.lr_scale, cfg.weight_decay)
    scheduler = build_scheduler(optimizer, cfg.warmup_steps, cfg.steps)
    # Its own generator: every iter() of a DataLoader draws a seed, which must not come from the global RNG
    # that dropout uses, or a resumed run (one extra iter()) would drift from an uninterrupted one.
    loader = DataLoader(dataset, batch_sampler=sampler, num_workers=cfg.num_workers,
                        collate_fn=lambda items: collate(items, model.tokenizer.pad_token_id),
                        generator=torch.Generator().manual_seed(cfg.seed))
    stage, optimizer, loader, scheduler = accelerator.prepare(stage, optimizer, loader, scheduler)
    accelerator.print(f"stage {cfg.stage}: {accelerator.distributed_type.value}, {accelerator.num_processes} "
                      f"processes, {precision} precision; trainable parameters {groups}; {len(dataset)} items")
    return Run(cfg, accelerator, stage, optimizer, scheduler, loader, sampler, TrainingState())


def trainable_weights(run: Run) -> dict[str, torch.Tensor]:
    """What changes during the stage: parameters that train, and buffers outside the LM (VQ-VAE's EMA codebook)."""
    stage = run.accelerator.unwrap_model(run.stage)
    weights = {name: p for name, p in stage.named_parameters() if p.requires_grad}
    weights.update({name: b for name, b in stage.named_buffers(remove_duplicate=False)
                    if not name.startswith("model.llm.") and name in stage.state_dict()})
    return weights


def resume(run: Run) -> None:
    """Continue from the newest complete checkpoint, if any."""
    found = checkpoints(Path(run.cfg.out))
    if not found:
        return
    weights, optimizer, scheduler, run.state = load_checkpoint(found[-1], run.accelerator.process_index)
    own = trainable_weights(run)
    with torch.no_grad():
        for name, value in weights.items():
            own[name].copy_(value)
    run.optimizer.load_state_dict(optimizer)
    run.scheduler.load_state_dict(scheduler)
    run.accelerator.print(f"resumed from {found[-1]} (step {run.state.step})")


def train_step(run: Run, batch: dict) -> torch.Tensor:
    acc = run.accelerator
    with acc.accumulate(run.stage):
        loss = run.stage(batch)
        acc.backward(loss)
        if acc.sync_gradients:
            acc.clip_grad_norm_(run.stage.parameters(), run.cfg.max_grad_norm)
        run.optimizer.step()  # a no-op on accumulation micro-steps
        if acc.sync_gradients:
            run.scheduler.step()
        run.optimizer.zero_grad(set_to_none=True)
    return loss.detach()


def save_model_folder(run: Run, folder: Path) -> Path:
    """Write the model folder (every process calls this; the main one writes). Saving draws random numbers
    (a random-init LM's base weights are rebuilt to be written), so every RNG is put back: a snapshot mid-stage
    must not change the steps after it."""
    run.accelerator.wait_for_everyone()
    if run.accelerator.is_main_process:
        meta, tensors = rng_state()
        run.accelerator.unwrap_model(run.stage).model.save_pretrained(folder)
        set_rng_state(meta, tensors)
    return folder


def after_step(run: Run, loss: torch.Tensor, bar) -> None:
    """Log, snapshot, checkpoint; called once per optimizer step. The snapshot comes first: a run killed between
    the two resumes from an earlier checkpoint and writes the same snapshot again."""
    cfg, state, acc = run.cfg, run.state, run.accelerator
    bar.update(1)
    if state.step % cfg.log_every == 0 or state.step == cfg.steps:
        value = acc.gather(loss[None]).mean().item()  # the only host sync, every log_every steps
        acc.log({"loss": value, "lr": run.scheduler.get_last_lr()[0]}, step=state.step)
        bar.set_postfix(loss=f"{value:.4f}")
    if state.step in cfg.snapshot_steps():
        save_model_folder(run, Path(cfg.out) / "snapshots" / f"step_{state.step:07d}")
    if state.step % cfg.save_every == 0 or state.step == cfg.steps:
        save_checkpoint(Path(cfg.out), trainable_weights(run), run.optimizer, run.scheduler, state,
                        acc.process_index, acc.wait_for_everyone, cfg.keep_last)


def run_epochs(run: Run, progress=None) -> None:
    """Train until cfg.steps; `progress` (a tqdm bar spanning several stages) replaces the stage's own bar."""
    state, acc = run.state, run.accelerator
    bar = progress if progress is not None else tqdm(total=run.cfg.steps, disable=not acc.is_main_process,
                                                     desc=run.cfg.stage)
    bar.update(state.step)  # steps done before a resume
    started = time.perf_counter() - state.seconds
    while state.step < run.cfg.steps:
        # Through the prepared loader: its own epoch counter would otherwise re-set the sampler's on every iter(),
        # and after a resume (a fresh skip loader) it counts from 0, so a later epoch would replay the first's order.
        run.loader.set_epoch(state.epoch)
        batches = acc.skip_first_batches(run.loader, state.batch_in_epoch) if state.batch_in_epoch else run.loader
        for batch in batches:
            loss = train_step(run, batch)
            state.batch_in_epoch += 1
            if acc.sync_gradients:
                state.step += 1
                state.seconds = time.perf_counter() - started
                after_step(run, loss, bar)
                if state.step >= run.cfg.steps:
                    break
        else:
            state.epoch, state.batch_in_epoch = state.epoch + 1, 0
    if progress is None:
        bar.close()


def train(cfg: TrainConfig, progress=None) -> Path:
    """Run (or resume) one stage; returns the saved model folder (OUT/model). `progress`: see run_epochs."""
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    run = setup(cfg)
    if run.accelerator.is_main_process:
        save_resolved(cfg, out)
    run.accelerator.init_trackers("llamo", config={k: v for k, v in json.loads(json.dumps(cfg.__dict__, default=str))
                                                    .items() if isinstance(v, (int, float, str, bool))})
    resume(run)
    run_epochs(run, progress)
    folder = save_model_folder(run, out / "model")
    run.accelerator.end_training()
    return folder
