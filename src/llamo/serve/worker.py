"""One model, one thread, a bounded queue: questions wait their turn, and past the bound are refused at once.

A Job's events are what the client streams, one JSON object per line:
    {"frames": [...], "times": [...], "motion_frames": [...]}  then  {"token": "..."} ...
    then  {"done": true, "answer": "..."}
or {"error": "..."} at any point. `frames`/`times` number the chosen frames as the user knows them (a video's own
frames and seconds, else the motion's); `motion_frames` index the skeleton the page draws (20 fps). The worker
survives every exception a job raises.
"""

import json
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..assistant import Assistant, Subject
from ..data.schema import Turn

EVENT_TIMEOUT_S = 300.0  # a client never waits forever on a job, whatever happens to the worker


class Busy(Exception):
    """The queue is full."""


@dataclass
class Job:
    subject: Subject
    turns: list[Turn]
    events: queue.Queue = field(default_factory=queue.Queue)

    def run(self, assistant: Assistant) -> None:
        try:
            reply = assistant.reply(self.subject, self.turns)
            self.events.put({"frames": reply.frames, "times": reply.times, "motion_frames": reply.motion_frames})
            for piece in reply:
                self.events.put({"token": piece})
            self.events.put({"done": True, "answer": reply.text.strip()})
        except Exception as err:  # noqa: BLE001 - any failure becomes the client's error line, never the server's
            self.events.put({"error": f"{type(err).__name__}: {err}"})
        finally:
            self.events.put(None)

    def lines(self) -> Iterator[bytes]:
        """The job's events as NDJSON lines, ending when the job does."""
        while True:
            try:
                event = self.events.get(timeout=EVENT_TIMEOUT_S)
            except queue.Empty:
                event = {"error": f"no answer within {EVENT_TIMEOUT_S:.0f} s"}
            if event is None:
                return
            yield (json.dumps(event) + "\n").encode()
            if "error" in event:
                return


class ModelWorker:
    """Runs jobs one at a time on its own thread; at most `queue_size` jobs wait."""

    def __init__(self, assistant: Assistant, queue_size: int) -> None:
        self.assistant = assistant
        self.jobs: queue.Queue[Job | None] = queue.Queue(maxsize=queue_size)
        self.thread = threading.Thread(target=self._loop, name="llamo-model", daemon=True)
        self.thread.start()

    def submit(self, subject: Subject, turns: list[Turn]) -> Job:
        job = Job(subject, turns)
        try:
            self.jobs.put_nowait(job)
        except queue.Full:
            raise Busy from None
        return job

    @property
    def waiting(self) -> int:
        return self.jobs.qsize()

    def stop(self) -> None:
        self.jobs.put(None)
        self.thread.join(timeout=10)

    def _loop(self) -> None:
        while (job := self.jobs.get()) is not None:
            job.run(self.assistant)
