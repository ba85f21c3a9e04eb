"""The Python API: `Assistant.from_pretrained()` loads a model once; `ask`, `stream` and `chat` answer questions
about a motion and say which frames the Cross Talker chose.

    assistant = Assistant.from_pretrained()             # the shipped default (llamo/assistant/default)
    answer = assistant.ask("kick.npy", "Which leg does the person kick with?")
    answer.text, answer.frames, answer.times            # "right", [0, 1, ...], [0.0, 0.05, ...]
    assistant.ask("kick.mp4", "...").frames             # a video's own frame numbers (30 fps: [0, 2, 3, ...])
    for piece in assistant.stream(motion, "What is the person doing?"): print(piece, end="")
    chat = assistant.chat("walk.bvh"); chat.ask("What is the person doing?"); chat.ask("How fast?")
"""

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..data.collate import collate
from ..data.schema import MOTION_TOKEN, Turn
from ..errors import LlamoError
from ..model.llamo import LlamoModel
from ..motion.motion import Motion
from .inputs import MotionSource, Subject, clock_frames, to_subject

DEFAULT_MODEL = Path(__file__).parent / "default"
MAX_QUESTION_CHARS = 1000


@dataclass(frozen=True)
class Answer:
    """An answer and the frames its motion tokens stand for.

    frames, times: the chosen frames as the user numbers them (a video's own frames, else the motion's), sorted,
    and their seconds. motion_frames: the same choice as indices into `motion` (canonical, 20 fps), e.g. to
    render it.
    """

    text: str
    frames: list[int]
    times: list[float]
    motion_frames: list[int]
    motion: Motion = field(compare=False, repr=False)


class Reply:
    """A streamed answer: iterate for text pieces; `frames`, `times` and `motion_frames` (as in Answer) are
    known before the first piece."""

    def __init__(self, motion_frames: list[int], subject: Subject, pieces: Iterator[str],
                 on_done: Callable[[str], None] | None = None) -> None:
        clock = subject.clock
        self.motion = subject.motion
        self.motion_frames = motion_frames
        self.frames = clock_frames(motion_frames, self.motion.fps, clock)
        self.times = [round(f / clock.fps, 3) for f in self.frames]
        self.text = ""
        self._pieces = pieces
        self._on_done = on_done

    def __iter__(self) -> Iterator[str]:
        for piece in self._pieces:
            self.text += piece
            yield piece
        if self._on_done is not None:
            self._on_done(self.text.strip())
            self._on_done = None

    def answer(self) -> Answer:
        """Read the rest of the stream and return the whole answer."""
        for _ in self:
            pass
        return Answer(self.text.strip(), self.frames, self.times, self.motion_frames, self.motion)


class Assistant:
    """One loaded model answering questions about motions (greedy, so the same question gets the same answer)."""

    def __init__(self, model: LlamoModel, max_new_tokens: int = 48) -> None:
        self.model = model.eval()
        self.max_new_tokens = max_new_tokens

    @classmethod
    def from_pretrained(cls, path: str | Path | None = None, max_new_tokens: int = 48) -> "Assistant":
        """Load a model folder (save_pretrained); None loads the shipped default."""
        return cls(LlamoModel.from_pretrained(path or DEFAULT_MODEL), max_new_tokens)

    @classmethod
    def load_for(cls, source: MotionSource, fps: float | None = None, path: str | Path | None = None,
                 max_new_tokens: int = 48) -> tuple["Assistant", Subject]:
        """Load a model (as from_pretrained) while `source` is read in a thread beside it: a video's pose
        estimation (seconds; MediaPipe's graph runs outside the GIL) overlaps the model load (imports and file
        reads). A question about a 5 s video: 5.33 → 4.24 s on 2 cores (benchmarks/bench_video_ask.py). A bad
        source raises its own error once the model has loaded."""
        with ThreadPoolExecutor(max_workers=1) as pool:
            subject = pool.submit(to_subject, source, fps)
            assistant = cls.from_pretrained(path, max_new_tokens)
            return assistant, subject.result()

    def subject(self, source: MotionSource | Subject, fps: float | None = None) -> Subject:
        return source if isinstance(source, Subject) else to_subject(source, fps)

    def reply(self, subject: Subject, turns: list[Turn], on_done: Callable[[str], None] | None = None) -> Reply:
        """Stream the answer to the conversation `turns` (its last turn is the human's question); `on_done`
        receives the finished answer."""
        sample = self.model.prepare(turns, subject.motion, video=subject.video, generation=True)
        batch = collate([sample], self.model.tokenizer.pad_token_id, left_pad=True)
        out, pieces = self.model.start_stream(batch, self.max_new_tokens)
        return Reply(self.chosen_frames(out, subject.motion), subject, pieces, on_done)

    def chosen_frames(self, out, motion: Motion) -> list[int]:
        """The connector's frame indices [K'] mapped to the motion's own frames, sorted and unique."""
        if out is None:
            return []
        kept = self.model.kept_frames(motion.num_frames)
        picked = out.frame_indices[0][out.mask[0]].clamp(0, len(kept) - 1)
        return sorted({int(kept[i]) for i in picked.tolist()})

    def stream(self, source: MotionSource, question: str, fps: float | None = None) -> Reply:
        return self.reply(self.subject(source, fps), [Turn("human", f"{MOTION_TOKEN}\n{check_question(question)}")])

    def ask(self, source: MotionSource, question: str, fps: float | None = None) -> Answer:
        return self.stream(source, question, fps).answer()

    def chat(self, source: MotionSource, fps: float | None = None) -> "Chat":
        return Chat(self, self.subject(source, fps))


@dataclass
class Chat:
    """A multi-turn conversation about one motion; each question sees the earlier turns."""

    assistant: Assistant
    subject: Subject
    turns: list[Turn] = field(default_factory=list)

    def stream(self, question: str) -> Reply:
        text = check_question(question)
        if not self.turns:
            text = f"{MOTION_TOKEN}\n{text}"
        def remember(answer: str) -> None:
            self.turns.extend([Turn("human", text), Turn("gpt", answer)])

        return self.assistant.reply(self.subject, [*self.turns, Turn("human", text)], on_done=remember)

    def ask(self, question: str) -> Answer:
        return self.stream(question).answer()


def check_question(question: str) -> str:
    """A question as the model takes it: non-empty text without media markers, at most 1,000 characters."""
    text = question.strip() if isinstance(question, str) else ""
    if not text:
        raise LlamoError("the question is empty; ask something about the motion, e.g. 'What is the person doing?'")
    if len(text) > MAX_QUESTION_CHARS:
        raise LlamoError(f"the question has {len(text)} characters; at most {MAX_QUESTION_CHARS} are accepted")
    if "<motion>" in text or "<video>" in text:
        raise LlamoError("the question may not contain <motion> or <video>; the motion is attached for you")
    return text
