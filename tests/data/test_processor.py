import pytest

from llamo import DataError
from llamo.data.processor import IGNORE_INDEX, LlamoProcessor
from llamo.data.schema import Turn

CHATML = ("{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\n' + m['content'] + '<|im_end|>\n' }}{% endfor %}"
          "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}")
LLAMA3 = ("{{ bos_token }}{% for m in messages %}{{ '<|start_header_id|>' + m['role'] + '<|end_header_id|>\n\n' + "
          "m['content'] | trim + '<|eot_id|>' }}{% endfor %}"
          "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}")
ZEPHYR = ("{% for m in messages %}{{ '<|' + m['role'] + '|>\n' + m['content'] + eos_token + '\n' }}{% endfor %}"
          "{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% endif %}")
TEMPLATES = {"smollm2": None, "chatml": CHATML, "llama3": LLAMA3, "zephyr": ZEPHYR}
END_OF_TURN = {"smollm2": "<|im_end|>\n", "chatml": "<|im_end|>\n", "llama3": "<|eot_id|>", "zephyr": "<|im_end|>\n"}
CONVERSATION = [
    Turn("human", "<motion>\nWhat is the person doing?"), Turn("gpt", "A cartwheel, then a backflip."),
    Turn("human", "Which leg kicks first?"), Turn("gpt", "left"),
    Turn("human", "How many times?"), Turn("gpt", "3 times, quickly!"),
]


@pytest.fixture(params=sorted(TEMPLATES))
def processor(request, smollm2_tokenizer):
    tok = smollm2_tokenizer
    name = request.param
    if TEMPLATES[name] is not None:
        tok = type(tok).from_pretrained(tok.name_or_path)  # a fresh copy, not the shared fixture
        tok.add_tokens(["<|motion|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"], special_tokens=True)
        tok.chat_template = TEMPLATES[name]
    else:
        tok.add_tokens(["<|motion|>"], special_tokens=True)
    return name, LlamoProcessor(tok, "<|motion|>", lambda t: min(5, t))


def spans(labels: list[int]) -> list[tuple[int, int]]:
    """Contiguous runs of labelled positions."""
    runs, start = [], None
    for i, label in enumerate([*labels, IGNORE_INDEX]):
        if label != IGNORE_INDEX and start is None:
            start = i
        elif label == IGNORE_INDEX and start is not None:
            runs.append((start, i))
            start = None
    return runs


def test_labels_are_exactly_the_assistant_turns(processor):
    name, p = processor
    enc = p.encode(CONVERSATION, num_frames=40)
    assert len(enc.input_ids) == len(enc.labels) == len(enc.instruction_mask)
    runs = spans(enc.labels)
    answers = [t.text for t in CONVERSATION if t.role == "gpt"]
    assert len(runs) == len(answers)
    for (a, b), answer in zip(runs, answers, strict=True):
        assert enc.labels[a:b] == enc.input_ids[a:b]
        assert p.tokenizer.decode(enc.input_ids[a:b]) == answer + END_OF_TURN[name]
    # the pieces spell the whole rendered conversation (token boundaries fall where generation puts them:
    # after the assistant header, so training sees the tokens inference will produce)
    assert p.tokenizer.decode(enc.input_ids) == p.render(p.messages(CONVERSATION, 40))


def test_marker_becomes_exactly_n_placeholders_and_instruction_is_the_question(processor):
    _, p = processor
    for frames, expected in ((40, 5), (3, 3)):
        enc = p.encode(CONVERSATION[:2], num_frames=frames)
        assert enc.input_ids.count(p.placeholder_id) == expected
    enc = p.encode(CONVERSATION[:1], num_frames=40, add_generation_prompt=True)
    question = [t for t, m in zip(enc.input_ids, enc.instruction_mask, strict=True) if m]
    assert p.tokenizer.decode(question).strip() == "What is the person doing?"
    assert all(label == IGNORE_INDEX for label in enc.labels)


def test_text_only_connector_removes_the_marker(smollm2_tokenizer):
    p = LlamoProcessor(smollm2_tokenizer, "<|motion|>", lambda t: 0)
    enc = p.encode(CONVERSATION[:2], num_frames=40)
    text = p.tokenizer.decode(enc.input_ids)
    assert "<motion>" not in text and "<|motion|>" not in text and "user\nWhat is the person doing?" in text


def test_marker_without_motion_and_motion_without_marker(smollm2_tokenizer):
    p = LlamoProcessor(smollm2_tokenizer, "<|motion|>", lambda t: 4)
    with pytest.raises(DataError, match="marker but no motion"):
        p.encode(CONVERSATION[:2])
    with pytest.raises(DataError, match="exactly one <motion> marker; found 0"):
        p.encode([Turn("human", "What is the person doing?"), Turn("gpt", "walk")], num_frames=20)
    with pytest.raises(DataError, match="found 2"):
        p.encode([Turn("human", "<motion> and <motion>"), Turn("gpt", "walk")], num_frames=20)
    plain = p.encode([Turn("human", "Hello"), Turn("gpt", "Hi")])  # text without motion is fine
    assert p.placeholder_id not in plain.input_ids


@pytest.mark.parametrize("system", ["", "You answer questions about human motion."])
def test_a_system_message_replaces_the_templates_default_and_carries_no_labels(smollm2_tokenizer, system):
    default = LlamoProcessor(smollm2_tokenizer, "<|motion|>", lambda n: 4)
    chosen = LlamoProcessor(smollm2_tokenizer, "<|motion|>", lambda n: 4, system=system)
    before, after = (p.encode(CONVERSATION[:2], num_frames=10) for p in (default, chosen))
    text = smollm2_tokenizer.decode(after.input_ids)
    assert "named SmolLM" in smollm2_tokenizer.decode(before.input_ids) and "named SmolLM" not in text
    assert text.startswith(f"<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n")
    answer = [i for i, label in zip(after.input_ids, after.labels, strict=True) if label != IGNORE_INDEX]
    assert answer == [i for i, label in zip(before.input_ids, before.labels, strict=True) if label != IGNORE_INDEX]
    assert sum(after.instruction_mask) == sum(before.instruction_mask)  # the question, as before
    assert len(after.input_ids) < len(before.input_ids)


def test_written_times_sit_before_each_placeholder_and_are_not_instruction(smollm2_tokenizer):
    from llamo.model.configuration import LlamoConfig

    config = LlamoConfig()  # K = 16 parts; the motion's own 20 fps frames, read whole up to max_frames
    plain = LlamoProcessor(smollm2_tokenizer, "<|motion|>", lambda n: min(4, n))
    timed = LlamoProcessor(smollm2_tokenizer, "<|motion|>", lambda n: min(4, n),
                           token_times=lambda n, t: [0.0, 0.5, 1.0, 1.5, 2.0])
    before, after = (p.encode(CONVERSATION[:2], num_frames=40) for p in (plain, timed))
    text = smollm2_tokenizer.decode(after.input_ids)
    assert "0.0 s<|motion|> 0.5 s<|motion|> 1.0 s<|motion|> 1.5 s<|motion|> 2.0 s\nWhat is the person doing?" in text
    question = [i for i, m in zip(after.input_ids, after.instruction_mask, strict=True) if m]
    assert question == [i for i, m in zip(before.input_ids, before.instruction_mask, strict=True) if m]
    assert smollm2_tokenizer.decode(question).strip() == "What is the person doing?"
    assert after.labels.count(IGNORE_INDEX) > before.labels.count(IGNORE_INDEX)  # times are prompt, never answer
    assert config.token_times(40, 40)[:3] == [0.0, 0.15, 0.25] and config.token_times(40, 40)[-1] == 2.0
    long = config.token_times(800, 1600)  # an 80 s motion read as 800 of its frames: times in its own seconds
    assert long[:3] == [0.0, 5.0, 10.0] and long[-1] == 80.0 and len(long) == 17
