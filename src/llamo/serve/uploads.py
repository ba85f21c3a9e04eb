"""The upload area: size-limited uploads, each in its own folder named by a random id, parsed into a Subject
at once; a bad file is removed with its folder and reported. No request names a path: files are found by id,
and the client's file name only contributes its suffix.

A CMU recording comes as two files: its skeleton (.asf) is uploaded first and kept by id (checked by parsing
it), then the motion (.amc) names that id and is read against a copy of it."""

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
from ..motion.formats.asf_amc import parse_asf

MOTION_SUFFIXES = (".npy", ".bvh", ".txt", ".json", ".amc")
SKELETON_SUFFIX = ".asf"  # an .amc motion's skeleton
ACCEPTED_SUFFIXES = MOTION_SUFFIXES + (SKELETON_SUFFIX,) + VIDEO_SUFFIXES
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
    """Parsed uploads by id (motions and videos as Subjects, ASF skeletons as their file), the newest `capacity`
    of each kept (older ones and their files are deleted)."""

    def __init__(self, root: Path, max_bytes: int, capacity: int = 64) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.capacity = capacity
        self.subjects: OrderedDict[str, Subject] = OrderedDict()
        self.skeletons: OrderedDict[str, Path] = OrderedDict()
        self.lock = threading.Lock()
        root.mkdir(parents=True, exist_ok=True)

    def check_length(self, declared: str | None) -> None:
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            raise UploadError(413, f"upload of {int(declared)} bytes is over the limit of {self.max_bytes} bytes")

    async def receive(self, name: str, chunks: AsyncIterator[bytes], skeleton: str | None = None
                      ) -> tuple[str, Subject | None]:
        """Store the streamed upload, parse it, and return its id and Subject, or None for an ASF skeleton (or
        raise UploadError). skeleton: for an .amc motion, the id of its uploaded .asf."""
        suffix = check_name(name)
        asf = self.skeleton_for(suffix, skeleton)
        upload_id = uuid.uuid4().hex
        folder = self.root / upload_id
        folder.mkdir()
        path = folder / f"upload{suffix}"
        try:
            await self._write(path, chunks)
            if asf is not None:
                shutil.copyfile(asf, folder / f"upload{SKELETON_SUFFIX}")  # load_motion finds it beside the .amc
            subject = await run_in_threadpool(self.parse, path, name)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        self._keep(self.subjects if subject is not None else self.skeletons, upload_id, subject or path)
        return upload_id, subject

    def skeleton_for(self, suffix: str, skeleton: str | None) -> Path | None:
        """The uploaded ASF an .amc motion is read against (UploadError when it is missing or given to another)."""
        if suffix != ".amc":
            if skeleton is not None:
                raise UploadError(400, f"skeleton= names the .asf of an .amc motion; a {suffix} upload needs none")
            return None
        if skeleton is None:
            raise UploadError(400, "an .amc motion needs its skeleton: upload the .asf first (POST /api/motions?"
                                   "name=SUBJECT.asf), then this .amc with skeleton=ID (the id it returned)")
        with self.lock:
            path = self.skeletons.get(skeleton) if ID_PATTERN.match(skeleton) else None
        if path is None:
            raise UploadError(404, f"no skeleton with id {skeleton[:40]!r}; upload the .asf first")
        return path

    async def _write(self, path: Path, chunks: AsyncIterator[bytes]) -> None:
        size = 0
        with open(path, "wb") as sink:  # noqa: ASYNC230 - local chunks of ≤ 64 KiB; the limit bounds the total
            async for chunk in chunks:
                size += len(chunk)
                if size > self.max_bytes:
                    raise UploadError(413, f"upload is over the limit of {self.max_bytes} bytes")
                sink.write(chunk)

    def parse(self, path: Path, name: str) -> Subject | None:
        """The upload's Subject, or None for an ASF skeleton once it parses."""
        try:
            if path.suffix == SKELETON_SUFFIX:
                parse_asf(path)
                return None
            return to_subject(path)
        except LlamoError as err:
            raise UploadError(400, str(err).replace(str(path), name)) from err
        except Exception as err:  # a reader's unforeseen failure is the file's fault, not the server's
            raise UploadError(400, f"{name}: could not be read ({type(err).__name__}: {err})") from err

    def _keep(self, kept: OrderedDict, upload_id: str, value: Subject | Path) -> None:
        with self.lock:
            kept[upload_id] = value
            while len(kept) > self.capacity:
                old, _ = kept.popitem(last=False)
                shutil.rmtree(self.root / old, ignore_errors=True)

    def get(self, upload_id: str) -> Subject:
        with self.lock:
            subject = self.subjects.get(upload_id) if ID_PATTERN.match(upload_id) else None
        if subject is None:
            raise UploadError(404, f"no motion with id {upload_id[:40]!r}; upload one first (POST /api/motions)")
        return subject
