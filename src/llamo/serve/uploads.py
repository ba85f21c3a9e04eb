"""The upload area: size-limited uploads, each in its own folder named by a random id, parsed into a Subject
at once; a bad file is removed with its folder and reported. No request names a path: files are found by id,
and the client's file name only contributes its suffix."""

import re
import shutil
import threading
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.concurrency import run_in_threadpool

from ..assistant import VIDEO_SUFFIXES, Subject, to_subject
from ..errors import LlamoError

MOTION_SUFFIXES = (".npy", ".bvh", ".txt", ".json")
ACCEPTED_SUFFIXES = MOTION_SUFFIXES + VIDEO_SUFFIXES
ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")


class UploadError(Exception):
    """A refused upload: `status` is the HTTP code, the message says why and what is accepted."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def check_name(name: str) -> str:
    """The suffix of an acceptable client file name (a plain name, no folders, a known type)."""
    if not name or "/" in name or "\\" in name or ".." in name or "\x00" in name:
        raise UploadError(400, f"file name {name[:80]!r} is not a plain file name (no folders, no '..')")
    suffix = Path(name).suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        raise UploadError(415, f"{name}: unknown file type {suffix or '(none)'!r}; accepted: "
                               f"{', '.join(ACCEPTED_SUFFIXES)}")
    return suffix


class UploadStore:
    """Parsed uploads by id, the newest `capacity` kept (older ones and their files are deleted)."""

    def __init__(self, root: Path, max_bytes: int, capacity: int = 64) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.capacity = capacity
        self.subjects: OrderedDict[str, Subject] = OrderedDict()
        self.lock = threading.Lock()
        root.mkdir(parents=True, exist_ok=True)

    def check_length(self, declared: str | None) -> None:
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            raise UploadError(413, f"upload of {int(declared)} bytes is over the limit of {self.max_bytes} bytes")

    async def receive(self, name: str, chunks: AsyncIterator[bytes]) -> tuple[str, Subject]:
        """Store the streamed upload, parse it, and return its id and Subject (or raise UploadError)."""
        suffix = check_name(name)
        upload_id = uuid.uuid4().hex
        folder = self.root / upload_id
        folder.mkdir()
        path = folder / f"upload{suffix}"
        try:
            await self._write(path, chunks)
            subject = await run_in_threadpool(self.parse, path, name)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        self._keep(upload_id, subject)
        return upload_id, subject

    async def _write(self, path: Path, chunks: AsyncIterator[bytes]) -> None:
        size = 0
        with open(path, "wb") as sink:  # noqa: ASYNC230 - local chunks of ≤ 64 KiB; the limit bounds the total
            async for chunk in chunks:
                size += len(chunk)
                if size > self.max_bytes:
                    raise UploadError(413, f"upload is over the limit of {self.max_bytes} bytes")
                sink.write(chunk)

    def parse(self, path: Path, name: str) -> Subject:
        try:
            return to_subject(path)
        except LlamoError as err:
            raise UploadError(400, str(err).replace(str(path), name)) from err
        except Exception as err:  # a reader's unforeseen failure is the file's fault, not the server's
            raise UploadError(400, f"{name}: could not be read ({type(err).__name__}: {err})") from err

    def _keep(self, upload_id: str, subject: Subject) -> None:
        with self.lock:
            self.subjects[upload_id] = subject
            while len(self.subjects) > self.capacity:
                old, _ = self.subjects.popitem(last=False)
                shutil.rmtree(self.root / old, ignore_errors=True)

    def get(self, upload_id: str) -> Subject:
        with self.lock:
            subject = self.subjects.get(upload_id) if ID_PATTERN.match(upload_id) else None
        if subject is None:
            raise UploadError(404, f"no motion with id {upload_id[:40]!r}; upload one first (POST /api/motions)")
        return subject
