"""The placeholder contract: chat template → token ids, `<motion>` → exactly N placeholder tokens, labels.

The tokenizer's own chat template renders the conversation; each turn is tokenised separately (the text a
turn adds to the rendering), so assistant turns are known token-exactly and only they carry labels (−100
elsewhere). N comes from the model config's `token_count`, the one place both the processor and the model
read. A `<video>` marker (a video-only record) takes the same slot: the video becomes motion upstream. A processor
with a `describe` function (the motion_text connector) puts the motion's text there instead of placeholders. A
processor with a `token_times` function (connector.time_text) writes each token's start in seconds before it and
the motion's end after the last, "0.0 s<|motion|> 0.8 s<|motion|> 1.6 s", as video LLMs write frame times
(LLaVA-Video): the LLM can copy a time it reads, not one it must decode from an embedding.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..errors import ConfigError, DataError
from ..motion.motion import Motion
from .schema import MOTION_TOKEN, VIDEO_TOKEN, Turn

IGNORE_INDEX = -100
ROLE_NAMES = {"human": "user", "gpt": "assistant"}


@dataclass(frozen=True)
class Encoded:
    """One conversation as ids [L], labels [L] (−100 off assistant turns) and the instruction mask [L]
    (text tokens of the human turn that holds the motion; the Cross Talker's queries)."""

    input_ids: list[int]
    labels: list[int]
    instruction_mask: list[bool]


def motion_slots(turns: Sequence[Turn]) -> int:
    return sum(t.text.count(MOTION_TOKEN) + t.text.count(VIDEO_TOKEN) for t in turns if t.role == "human")


class LlamoProcessor:
    """Turns conversations into model inputs for one tokenizer and one motion-token rule. describe: Motion → the
    text that stands for it in the prompt (motion_text connector), else None; callers pass its output as
    `motion_text` (the dataset caches it per motion file). system: a system message opening every conversation
    (None: the chat template's own default, if it has one)."""

    def __init__(self, tokenizer, placeholder_token: str, token_count: Callable[[int], int],
                 describe: Callable[[Motion], str] | None = None, system: str | None = None,
                 token_times: Callable[[int, int], list[float]] | None = None):
        self.tokenizer = tokenizer
        self.system = system
        self.placeholder_token = placeholder_token
        self.placeholder_id = tokenizer.convert_tokens_to_ids(placeholder_token)
        self.token_count = token_count
        self.describe = describe
        self.token_times = token_times

    def fill(self, num_frames: int | None, motion_frames: int | None = None) -> str:
        """What the motion marker becomes: token_count(num_frames) placeholders, each after its start time when the
        processor writes times (`motion_frames`: the motion's own frames, of which `num_frames` are read)."""
        count = self.token_count(num_frames) if num_frames else 0
        if not count or self.token_times is None:
            return self.placeholder_token * count
        *starts, end = self.token_times(num_frames, motion_frames or num_frames)  # count + 1 seconds
        return " ".join(f"{t:.1f} s{self.placeholder_token}" for t in starts) + f" {end:.1f} s"

    def messages(self, turns: Sequence[Turn], num_frames: int | None, motion_text: str | None = None,
                 motion_frames: int | None = None) -> list[dict]:
        """Chat messages with the motion marker expanded to placeholders (with their times, see `fill`) or to
        `motion_text` (or removed when the connector adds neither)."""
        if self.describe is not None and num_frames is not None and motion_text is None:
            raise ConfigError("this model reads motion as text (connector motion_text): pass motion_text="
                              "processor.describe(motion) with the motion")
        slots = motion_slots(turns)
        if slots and num_frames is None:
            raise DataError(f"the prompt has a {MOTION_TOKEN} marker but no motion was given")
        if num_frames is not None and slots != 1:
            raise DataError(f"a motion was given, so the prompt needs exactly one {MOTION_TOKEN} marker; found {slots}"
                            f" (put it where the motion goes, e.g. '{MOTION_TOKEN}\\nWhat is the person doing?')")
        fill = motion_text if motion_text is not None else self.fill(num_frames, motion_frames)
        out = [] if self.system is None else [{"role": "system", "content": self.system}]
        for t in turns:
            text = t.text
            for marker in (MOTION_TOKEN, VIDEO_TOKEN):
                text = text.replace(marker + "\n", fill + "\n" if fill else "").replace(marker, fill)
            out.append({"role": ROLE_NAMES[t.role], "content": text})
        return out

    def render(self, messages: list[dict], add_generation_prompt: bool = False) -> str:
        if not messages and not add_generation_prompt:
            return ""
        return self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=add_generation_prompt)

    def piece(self, before: str, after: str, content: str | None = None,
              skip: str | None = None) -> tuple[list[int], list[bool]]:
        """Token ids of the text `after` adds to `before` (the template must only ever append), and which of
        them lie inside `content` (the message text, without the template's wrapping) and outside `skip`."""
        if not after.startswith(before):
            raise ConfigError("the chat template rewrites earlier turns when a turn is added, so turns cannot be "
                              "tokenised one by one; use a prefix-stable template (llm.chat_template)")
        added = after[len(before):]
        enc = self.tokenizer(added, add_special_tokens=False, return_offsets_mapping=True)
        start = added.find(content.strip()) if content else -1
        end = start + len(content.strip()) if content else -1
        first = added.find(skip) if skip else -1
        last = first + len(skip) if first >= 0 else -1
        inside = [start <= a and b <= end and not first <= a < last for a, b in enc["offset_mapping"]]
        return enc["input_ids"], inside if start >= 0 else [False] * len(inside)

    def encode(self, turns: Sequence[Turn], num_frames: int | None = None, add_generation_prompt: bool = False,
               motion_text: str | None = None, motion_frames: int | None = None) -> Encoded:
        """Tokenise a conversation turn by turn. num_frames: frames of the motion the model reads (None without
        one); motion_text: `describe(motion)`, for a describing processor; motion_frames: the motion's own frames
        (when num_frames is a subsample of them), for the times a timing processor writes. The written times are
        not instruction (the Cross Talker's queries)."""
        messages = self.messages(turns, num_frames, motion_text, motion_frames)
        times = self.fill(num_frames, motion_frames) if self.token_times is not None and motion_text is None else None
        ids: list[int] = []
        labels: list[int] = []
        instruction: list[bool] = []
        rendered = ""

        def add(text: str, content: str | None = None, learn: bool = False, instruct: bool = False) -> None:
            nonlocal rendered
            new, inside = self.piece(rendered, text, content, times)
            rendered = text
            ids.extend(new)
            labels.extend(new if learn else [IGNORE_INDEX] * len(new))
            instruct = instruct and self.placeholder_id in new
            instruction.extend(instruct and k and t != self.placeholder_id for t, k in zip(new, inside, strict=True))

        for i, message in enumerate(messages):
            is_answer = message["role"] == "assistant"
            if is_answer:  # the assistant header is prompt, not answer
                add(self.render(messages[:i], add_generation_prompt=True))
            add(self.render(messages[: i + 1]), message["content"], learn=is_answer, instruct=not is_answer)
        if add_generation_prompt:
            add(self.render(messages, add_generation_prompt=True))
        return Encoded(ids, labels, instruction)
