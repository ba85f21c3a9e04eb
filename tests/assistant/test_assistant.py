"""The Assistant API on the shipped default model (real SmolLM2-135M + the committed LoRA and motion modules)."""

import sys
from pathlib import Path

import numpy as np
import pytest

from llamo import Motion, load_motion
from llamo.assistant import DEFAULT_MODEL, Assistant
from llamo.errors import ConfigError, LlamoError, MotionError

EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant.from_pretrained()


def test_the_shipped_default_is_small_and_has_no_tokenizer_copy():
    files = {f.name: f.stat().st_size for f in DEFAULT_MODEL.iterdir()}
    assert sum(files.values()) <= 40 * 2**20
    assert "tokenizer.json" not in files and "model.safetensors" in files and "adapter_model.safetensors" in files


def test_default_answers_the_kick_with_its_frames(assistant):
    answer = assistant.ask(EXAMPLES / "kick.npy", "Which leg does the person kick with?")
    assert answer.text == "right"
    assert answer.frames == sorted(set(answer.frames)) and 0 < len(answer.frames) <= 16
    assert all(0 <= f < answer.motion.num_frames for f in answer.frames)
    assert answer.times == [round(f / 20.0, 3) for f in answer.frames]


def test_path_motion_and_array_give_the_same_answer(assistant):
    motion = load_motion(EXAMPLES / "cartwheel.npy")
    by_path = assistant.ask(EXAMPLES / "cartwheel.npy", "What is the person doing?")
    assert assistant.ask(motion, "What is the person doing?") == by_path
    assert assistant.ask(np.asarray(motion.joints), "What is the person doing?").text == by_path.text


def test_a_motion_at_another_frame_rate_is_resampled(assistant):
    motion = load_motion(EXAMPLES / "kick.npy")
    answer = assistant.ask(Motion(motion.joints, fps=40.0), "Which leg does the person kick with?")
    assert answer.motion.fps == 20.0 and answer.motion.num_frames == (motion.num_frames - 1) // 2 + 1


def test_stream_yields_the_answer_piece_by_piece_with_frames_first(assistant):
    reply = assistant.stream(EXAMPLES / "backflip.npy", "Describe the motion.")
    assert reply.frames  # known before any text
    pieces = list(reply)
    assert len(pieces) > 1 and "".join(pieces).strip() == reply.answer().text
    assert reply.answer().text == assistant.ask(EXAMPLES / "backflip.npy", "Describe the motion.").text


def test_chat_keeps_the_conversation(assistant):
    chat = assistant.chat(EXAMPLES / "kick.npy")
    first = chat.ask("What is the person doing?")
    second = chat.ask("Which leg does the person kick with?")
    assert [t.role for t in chat.turns] == ["human", "gpt", "human", "gpt"]
    assert chat.turns[0].text.startswith("<motion>\n") and "<motion>" not in chat.turns[2].text
    assert chat.turns[1].text == first.text and chat.turns[3].text == second.text


@pytest.mark.parametrize("question, words", [
    ("   ", "empty"), ("x" * 1001, "at most 1000"), ("Look: <motion>", "may not contain"),
])
def test_bad_questions_are_refused(assistant, question, words):
    with pytest.raises(LlamoError, match=words):
        assistant.ask(EXAMPLES / "kick.npy", question)


def test_bad_sources_are_refused(assistant, tmp_path):
    with pytest.raises(MotionError, match="cannot ask about a list"):
        assistant.ask([[0.0]], "What is the person doing?")
    with pytest.raises(MotionError, match="not a known motion"):
        assistant.ask(np.zeros((10, 5)), "What is the person doing?")
    (tmp_path / "x.gif").write_bytes(b"GIF89a")
    with pytest.raises(MotionError, match="unknown motion file type"):
        assistant.ask(tmp_path / "x.gif", "What is the person doing?")


def test_video_without_mediapipe_says_how_to_install(assistant, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "mediapipe", None)  # makes `import mediapipe` fail, installed or not
    with pytest.raises(ConfigError, match=r"pip install .*mediapipe"):
        assistant.ask(tmp_path / "clip.mp4", "What is the person doing?")


def test_load_for_reads_the_source_beside_the_model_load(assistant):
    loaded, subject = Assistant.load_for(EXAMPLES / "kick.npy")
    assert subject.motion.num_frames == load_motion(EXAMPLES / "kick.npy").num_frames and subject.video is None
    assert loaded.ask(subject, "Which leg does the person kick with?") == assistant.ask(
        EXAMPLES / "kick.npy", "Which leg does the person kick with?")


def test_load_for_raises_the_source_error(tmp_path):
    bad = tmp_path / "walk.xyz"
    bad.write_text("0 0 0")
    with pytest.raises(MotionError, match="xyz"):
        Assistant.load_for(bad)
