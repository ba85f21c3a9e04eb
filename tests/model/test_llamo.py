"""LlamoModel end to end on a tiny random LM: every connector trains, generates and round-trips."""

import pytest
import torch

from llamo import ConfigError, DataError, Motion
from llamo.data.collate import collate
from llamo.data.schema import Turn
from llamo.model import GROUPS, LlamoModel, VideoConfig, build_model, parameter_groups, set_trainable
from tests.conftest import tiny_config, walking_joints

CONNECTORS = ("cross_talker", "uniform", "all_frames", "vq_tokens", "motion_text", "text_only")


def examples(model, lengths=(30, 45), generation=False):
    out = []
    for frames, (q, a) in zip(lengths, [("What is the person doing?", "walk"), ("Which way?", "left")], strict=False):
        turns = [Turn("human", f"<motion>\n{q}")] + ([] if generation else [Turn("gpt", a)])
        out.append(model.prepare(turns, Motion(walking_joints(frames, turn_rate=0.5)), generation=generation))
    return collate(out, model.tokenizer.pad_token_id, left_pad=generation)


@pytest.fixture(scope="module", params=CONNECTORS)
def model(request):
    torch.manual_seed(0)
    return build_model(tiny_config(request.param))


def test_forward_backward_reaches_every_trainable_group(model):
    """The LM loss reaches every group except the VQ-VAE, whose discrete codes it cannot pass (test_vq.py)."""
    counts = set_trainable(model, [g for g in GROUPS if g != "vq_tokenizer"])
    with torch.no_grad():  # LoRA's B starts at zero, which would zero A's gradient on this first step
        for name, param in model.named_parameters():
            if "lora_B" in name:
                param.normal_(0, 0.02)
    model.train()
    out = model(**examples(model))
    assert torch.isfinite(out.loss)
    out.loss.backward()
    for group, params in parameter_groups(model).items():
        for name, param in params if group != "vq_tokenizer" else []:
            assert param.grad is not None and param.grad.abs().sum() > 0, f"{group}: {name} got no gradient"
    assert counts["lora"] > 0
    model.zero_grad(set_to_none=True)


def test_token_count_matches_the_config(model):
    batch = examples(model, lengths=(3, 45))
    out = model.eval()(**batch)
    expected = [model.config.token_count(3), model.config.token_count(45)]
    assert out.token_mask.sum(1).tolist() == expected
    assert (batch["input_ids"] == model.placeholder_id).sum(1).tolist() == expected


def test_greedy_generate_with_cache_equals_without_and_stream(model):
    batch = examples(model, lengths=(30,), generation=True)
    cached, _ = model.eval().generate(batch, max_new_tokens=8)
    uncached = model.generate_without_cache(batch, max_new_tokens=8)
    assert cached.tolist() == uncached.tolist() and cached.shape[1] == 8
    streamed = "".join(model.stream(batch, max_new_tokens=8))
    assert streamed == model.tokenizer.decode(cached[0], skip_special_tokens=True)


def test_batched_generation_equals_one_at_a_time(model):
    both, _ = model.eval().generate(examples(model, generation=True), max_new_tokens=6)
    for i, frames in enumerate((30, 45)):
        single = examples(model, lengths=(30, 45), generation=True)
        single = {k: v[i:i + 1] for k, v in single.items()}
        if "motion" in single:  # trim the other sample's padding
            single["motion"], single["motion_mask"] = single["motion"][:, :frames], single["motion_mask"][:, :frames]
        keep = single["attention_mask"][0]
        single = {**single, **{k: single[k][:, keep] for k in ("input_ids", "attention_mask", "instruction_mask")}}
        alone, _ = model.generate(single, max_new_tokens=6)
        assert alone[0].tolist() == both[i, : alone.shape[1]].tolist()


def test_save_then_load_gives_identical_logits_and_files(model, tmp_path):
    batch = examples(model)
    model.eval()
    folder = model.save_pretrained(tmp_path / "m")
    files = {p.name for p in folder.iterdir()}
    assert {"config.json", "model.safetensors", "normalizer.json", "tokenizer.json", "tokenizer_config.json",
            "chat_template.jinja", "adapter_config.json", "adapter_model.safetensors", "llm"} <= files
    assert not list(tmp_path.glob(".*tmp"))
    loaded = LlamoModel.from_pretrained(folder)
    with torch.no_grad():
        assert torch.equal(model(**batch).logits, loaded(**batch).logits)


def test_motion_text_writes_the_motion_into_the_prompt_and_a_loaded_model_answers_a_npy(tmp_path):
    from llamo.assistant import Assistant
    from llamo.data.motion_text import describe_motion
    from llamo.motion.io import save_motion

    model = build_model(tiny_config("motion_text"))
    motion = Motion(walking_joints(40, turn_rate=0.5))
    sample = model.prepare([Turn("human", "<motion>\nWhich way?")], motion, generation=True)
    assert describe_motion(motion) in model.tokenizer.decode(sample.input_ids)
    path = save_motion(motion, tmp_path / "walk.npy")
    answer = Assistant.from_pretrained(model.save_pretrained(tmp_path / "m"), max_new_tokens=4).ask(path, "Which way?")
    assert answer.text == Assistant(model, max_new_tokens=4).ask(path, "Which way?").text and answer.frames == []


@pytest.mark.parametrize("kind", ["cross_talker", "uniform", "all_frames", "vq_tokens"])  # motion_text, text_only: none
def test_placeholder_count_mismatch_names_both_counts(kind):
    model = build_model(tiny_config(kind))
    batch = examples(model, lengths=(30,))
    batch["motion"], batch["motion_mask"] = batch["motion"][:, :2], batch["motion_mask"][:, :2]
    with pytest.raises(DataError, match=r"holds \d+ motion placeholder tokens but the motion gives \d+ features"):
        model(**batch)


@pytest.mark.parametrize("kind", ["cross_talker", "uniform", "all_frames"])  # the connectors that read video
def test_video_to_a_model_without_video_encoder(kind):
    model = build_model(tiny_config(kind))
    batch = examples(model, lengths=(30,))
    batch["video"] = torch.rand(1, 4, 3, 32, 32)
    batch["video_mask"] = torch.ones(1, 4, dtype=torch.bool)
    with pytest.raises(ConfigError, match="no video encoder"):
        model(**batch)


def test_video_is_fused_by_the_enhancer():
    torch.manual_seed(0)
    model = build_model(tiny_config("cross_talker", video="tiny"))
    batch = examples(model, lengths=(30,))
    batch["video_mask"] = torch.ones(1, 4, dtype=torch.bool)
    a = model(**{**batch, "video": torch.rand(1, 4, 3, 32, 32)}).logits
    b = model(**{**batch, "video": torch.rand(1, 4, 3, 32, 32)}).logits
    assert not torch.allclose(a, b)
    with pytest.raises(ConfigError, match="video.encoder"):
        tiny_config("cross_talker", video="hf")


def test_video_only_question_needs_the_motion_estimator(tmp_path, monkeypatch):
    """A video without motion goes video → Motion Estimator → motion; without mediapipe the error says how to
    install it."""
    import sys

    from llamo.motion.render import render_motion

    model = build_model(tiny_config("cross_talker", video="tiny"))
    video = render_motion(Motion(walking_joints(20)), tmp_path / "walk.mp4", size=64)
    monkeypatch.setitem(sys.modules, "mediapipe", None)
    with pytest.raises(ConfigError, match=r'pip install "llamo\[pose\]"'):
        model.prepare([Turn("human", "<video>\nWhat happens?")], video=video, generation=True)
    sample = model.prepare([Turn("human", "<motion>\nWhat happens?")], Motion(walking_joints(20)), video=video,
                           generation=True)
    assert sample.video.shape == (4, 3, 32, 32) and sample.motion.shape == (20, 137)
    ids, out = model.eval().generate(collate([sample], model.tokenizer.pad_token_id, left_pad=True), max_new_tokens=3)
    assert ids.shape == (1, 3) and out.frame_indices.shape == (1, 4)



def test_a_motion_longer_than_max_frames_is_read_subsampled_and_keeps_its_own_frame_count():
    torch.manual_seed(0)
    config = tiny_config("cross_talker")
    config.max_frames, config.connector.time_stamps = 20, True
    model = build_model(config).eval()
    turns = [Turn("human", "<motion>\nWhen does the person walk?")]
    long, short = (model.prepare(turns, Motion(walking_joints(n)), generation=True) for n in (50, 20))
    assert (len(long.motion), long.motion_frames, len(short.motion), short.motion_frames) == (20, 50, 20, 20)
    batch = collate([long, short], model.tokenizer.pad_token_id, left_pad=True)
    assert batch["motion_frames"].tolist() == [50, 20]
    with torch.no_grad():  # the 50-frame motion's tokens are stamped as 50 frames, not as the 20 read
        stamped = model.get_motion_tokens(batch, model.word_embeddings(batch["input_ids"])).embeds
        del batch["motion_frames"]
        as_read = model.get_motion_tokens(batch, model.word_embeddings(batch["input_ids"])).embeds
    assert not torch.allclose(stamped[0], as_read[0])
    torch.testing.assert_close(stamped[1], as_read[1])


def test_the_loss_is_the_lms_own_next_token_loss_on_answer_positions_only(model):
    batch = examples(model)
    model.eval()
    with torch.no_grad():
        out = model(**batch)
        embeds, _ = model.embed(batch)
        full = model.llm(inputs_embeds=embeds, attention_mask=batch["attention_mask"], labels=batch["labels"])
    torch.testing.assert_close(out.loss, full.loss)
    answered = (batch["labels"][:, 1:] != -100).any(0).nonzero().squeeze(1)
    assert out.logit_positions.tolist() == answered.tolist() and len(answered) < batch["labels"].shape[1] // 2
    torch.testing.assert_close(out.logits, full.logits[:, answered])


def test_uniform_hands_over_the_projected_means_of_k_equal_segments():
    from llamo.model.connectors import MotionInputs
    from llamo.model.cross_talker import segment_pool

    torch.manual_seed(0)
    model = build_model(tiny_config("uniform"))
    hidden, mask = torch.randn(2, 30, 16), torch.arange(30)[None] < torch.tensor([[30], [13]])
    out = model.connector(MotionInputs(None, mask, hidden, torch.zeros(2, 3, 32), torch.ones(2, 3, dtype=torch.bool)))
    pooled, _ = segment_pool(hidden, mask, 4)
    torch.testing.assert_close(out.embeds, model.connector.projector(pooled))
    assert out.frame_indices.tolist() == [[0, 8, 15, 23], [0, 4, 7, 10]] and out.mask.all()  # rank * 4 // T_i


def test_a_video_branch_is_added_once_and_only_where_a_motion_encoder_reads_it():
    model = build_model(tiny_config("cross_talker"))
    model.add_video_branch(VideoConfig(encoder="tiny", dim=8, image_size=32, num_frames=4))
    assert model.config.video.encoder == "tiny" and model.video_encoder is not None
    with pytest.raises(ConfigError, match="already has a video encoder"):
        model.add_video_branch(VideoConfig(encoder="tiny"))
    with pytest.raises(ConfigError, match="needs video.encoder 'tiny' or 'hf'"):
        build_model(tiny_config("cross_talker")).add_video_branch(VideoConfig())
    with pytest.raises(ConfigError, match="connector 'motion_text'.*a connector with a motion encoder"):
        build_model(tiny_config("motion_text")).add_video_branch(VideoConfig(encoder="tiny"))


def test_a_connector_is_replaced_over_the_same_encoder_and_only_among_encoder_readers():
    torch.manual_seed(0)
    model = build_model(tiny_config("cross_talker"))
    encoder = {k: v.clone() for k, v in model.motion_encoder.state_dict().items()}
    model.replace_connector(tiny_config("all_frames").connector)
    assert model.config.connector.kind == "all_frames" and type(model.connector).__name__ == "AllFramesConnector"
    batch = examples(model, lengths=(30, 45))
    out = model.eval()(**batch)
    assert out.token_mask.sum(1).tolist() == [model.config.token_count(30), model.config.token_count(45)]
    assert all(torch.equal(v, model.motion_encoder.state_dict()[k]) for k, v in encoder.items())
    with pytest.raises(ConfigError, match="cannot become vq_tokens: replace_connector swaps among cross_talker"):
        model.replace_connector(tiny_config("vq_tokens").connector)


@pytest.mark.parametrize("kind", ["cross_talker", "uniform"])
def test_k_is_set_on_a_built_model_and_the_prompt_follows(kind):
    torch.manual_seed(0)
    model = build_model(tiny_config(kind)).eval()
    model.set_num_tokens(6)
    batch = examples(model, lengths=(30, 45))
    assert (batch["input_ids"] == model.placeholder_id).sum(1).tolist() == [6, 6]
    assert model(**batch).token_mask.sum(1).tolist() == [6, 6]
    with pytest.raises(ConfigError, match="num_tokens=0 for a"):
        model.set_num_tokens(0)


def test_k_is_refused_where_the_token_count_is_not_k():
    with pytest.raises(ConfigError, match="num_tokens=8 for a all_frames connector; accepted: K >= 1 for"):
        build_model(tiny_config("all_frames")).set_num_tokens(8)


@pytest.mark.parametrize("selection", ["segments", "uniform"])
def test_written_times_are_where_each_tokens_part_starts(selection):
    """time_text: the prompt's times are the starts of the parts the connector pools or picks each token from."""
    import re
    from dataclasses import replace

    config = tiny_config("uniform" if selection == "uniform" else "cross_talker")
    config.connector = replace(config.connector, selection="segments")
    torch.manual_seed(0)
    model = build_model(config).eval()
    model.set_time_text(True)
    batch = examples(model, lengths=(30, 45))
    out = model(**batch)
    for row, (ids, frames) in enumerate(zip(batch["input_ids"], (30, 45), strict=True)):
        times = model.config.token_times(frames, frames)  # 4 part starts, then the end
        written = re.findall(r"(\d+\.\d) s", model.tokenizer.decode(ids))
        assert written == [f"{t:.1f}" for t in times] and times[-1] == frames / 20
        bounds = [round(t * 20) for t in times]  # each part's frames [a, b)
        picked = out.frame_indices[row].tolist()
        assert all(a <= f < b for f, a, b in zip(picked, bounds[:-1], bounds[1:], strict=True))
        assert selection != "uniform" or picked == bounds[:-1]
    with pytest.raises(ConfigError, match="time_text writes each token's time before the model runs"):
        build_model(tiny_config("all_frames")).set_time_text(True)
