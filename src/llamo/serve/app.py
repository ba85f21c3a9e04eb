"""`llamo serve`: the JSON API and the web page (FastAPI; one model behind a bounded queue).

    GET  /                          the page (static/index.html: plain HTML + JS, no build step)
    GET  /api/health                {"status": "ok", "waiting": n, "queue_size": N}
    POST /api/motions?name=F        raw file body (motion or video) → {"id", "fps", "num_frames", "joints", ...,
                                    "video": null or {"url", "fps", "num_frames"} (the video's own clock)}
    POST /api/motions?name=S.asf    a CMU skeleton → {"id", "skeleton": S.asf}; then
    POST /api/motions?name=M.amc&skeleton=ID   its motion, read against that skeleton → as a motion above
    GET  /api/motions/{id}/video    the uploaded video itself (404 for a motion upload)
    POST /api/motions/{id}/ask      {"question", "history": [[q, a], ...]} → NDJSON stream (worker.py)

Every error is JSON {"error": "..."}: 400 (bad file or question), 404 (unknown id or route), 413 (too large),
415 (unknown type), 422 (malformed request: not JSON, a missing field or parameter), 503 (busy: the queue is
full). FastAPI's own {"detail": ...} bodies are rewritten into this shape.
"""

import shutil
import tempfile
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from ..assistant import Assistant
from ..assistant.assistant import check_question
from ..data.schema import MOTION_TOKEN, Turn
from ..errors import LlamoError
from ..motion.skeleton import CHAINS, JOINT_NAMES
from .uploads import UploadError, UploadStore
from .worker import Busy, ModelWorker

STATIC = Path(__file__).parent / "static"
VIDEO_TYPES = {".mp4": "video/mp4", ".mov": "video/quicktime", ".webm": "video/webm", ".mkv": "video/x-matroska",
               ".avi": "video/x-msvideo"}
# What each route accepts, for the message of a malformed request (keyed by the route function's name).
EXPECTED = {
    "upload": "POST /api/motions?name=FILE (a plain file name with its suffix; for an .amc also skeleton=ID of "
              "its uploaded .asf) with the file as the body",
    "ask": 'a JSON body {"question": "...", "history": [["an earlier question", "its answer"], ...]}',
}


@dataclass
class ServeConfig:
    model: str | None = None  # model folder; None = the shipped default
    host: str = "127.0.0.1"
    port: int = 8000
    queue_size: int = 8
    max_upload_mb: float = 50.0
    upload_dir: Path | None = None  # None: a fresh temporary folder
    max_history: int = 8


class AskRequest(BaseModel):
    question: str = Field(max_length=4000)
    history: list[tuple[str, str]] = Field(default_factory=list, max_length=32)


def conversation(request: AskRequest, max_history: int) -> list[Turn]:
    """The turns the model sees: earlier (question, answer) pairs, the motion attached to the first question."""
    pairs = [*request.history[-max_history:], (request.question, None)]
    turns: list[Turn] = []
    for i, (question, answer) in enumerate(pairs):
        text = check_question(question)
        turns.append(Turn("human", f"{MOTION_TOKEN}\n{text}" if i == 0 else text))
        if answer is not None:
            turns.append(Turn("gpt", answer.strip() or "(no answer)"))
    return turns


def motion_payload(upload_id: str, subject) -> dict:
    """What the page draws: joints rounded to millimetres [T, 22, 3], the bone chains, the frame rate, and for a
    video where to fetch it and its own clock (the numbering of the chosen frames in answers)."""
    motion, clock = subject.motion, subject.video_clock
    video = None if clock is None else {"url": f"/api/motions/{upload_id}/video", "fps": clock.fps,
                                        "num_frames": clock.num_frames}
    return {"id": upload_id, "fps": motion.fps, "num_frames": motion.num_frames,
            "joints": np.round(motion.joints, 3).tolist(), "chains": [list(c) for c in CHAINS],
            "joint_names": list(JOINT_NAMES), "from_video": subject.video is not None, "video": video}


def validation_message(errors: list[dict], expected: str) -> str:
    """FastAPI's validation errors → one sentence naming what was wrong and what is accepted."""
    parts = []
    for error in errors[:3]:
        where, *path = [str(part) for part in error.get("loc", ())]
        field = ".".join(path)
        place = {"query": f"query parameter {field!r}", "body": f"body field {field!r}" if field else "the body"}
        place = place.get(where, where)
        if error.get("type") == "json_invalid":
            parts.append(f"the body is not valid JSON ({error.get('ctx', {}).get('error', error['msg'])})")
        elif error.get("type") == "missing":
            parts.append(f"{place} is missing")
        else:
            parts.append(f"{place}: {error['msg']}")
    return f"malformed request: {'; '.join(parts)}; expected {expected}"


def add_error_handlers(app: FastAPI) -> None:
    """Every refusal answers {"error": "..."}, FastAPI's own 422/404/405 included."""

    @app.exception_handler(UploadError)
    async def upload_error(_: Request, err: UploadError) -> JSONResponse:
        return JSONResponse({"error": str(err)}, status_code=err.status)

    @app.exception_handler(LlamoError)
    async def llamo_error(_: Request, err: LlamoError) -> JSONResponse:
        return JSONResponse({"error": str(err)}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, err: RequestValidationError) -> JSONResponse:
        endpoint = getattr(request.scope.get("endpoint"), "__name__", "")
        expected = EXPECTED.get(endpoint, "a request as described in the API's docs (GET /docs)")
        return JSONResponse({"error": validation_message(list(err.errors()), expected)}, status_code=422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, err: HTTPException) -> JSONResponse:
        return JSONResponse({"error": f"{request.method} {request.url.path}: {err.detail}"},
                            status_code=err.status_code, headers=err.headers)


def create_app(config: ServeConfig, assistant: Assistant | None = None) -> FastAPI:
    assistant = assistant or Assistant.from_pretrained(config.model)
    upload_root = config.upload_dir or Path(tempfile.mkdtemp(prefix="llamo-uploads-"))
    store = UploadStore(upload_root, int(config.max_upload_mb * 2**20))
    worker = ModelWorker(assistant, config.queue_size)

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        yield
        worker.stop()
        if config.upload_dir is None:  # a temporary upload area goes with the server
            shutil.rmtree(upload_root, ignore_errors=True)

    app = FastAPI(title="llamo", summary="Ask questions about human motion", lifespan=lifespan)
    add_error_handlers(app)

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/api/health")
    async def health() -> dict:
        return {"status": "ok", "waiting": worker.waiting, "queue_size": config.queue_size}

    @app.post("/api/motions")
    async def upload(request: Request, name: str = Query(max_length=255),
                     skeleton: str | None = Query(None, max_length=64)) -> dict:
        store.check_length(request.headers.get("content-length"))
        upload_id, subject = await store.receive(name, request.stream(), skeleton)
        return {"id": upload_id, "skeleton": name} if subject is None else motion_payload(upload_id, subject)

    @app.get("/api/motions/{upload_id}")
    async def motion(upload_id: str) -> dict:
        return motion_payload(upload_id, store.get(upload_id))

    @app.get("/api/motions/{upload_id}/video")
    async def video(upload_id: str) -> FileResponse:
        path = store.get(upload_id).video
        if path is None:
            raise UploadError(404, f"motion {upload_id} was uploaded as a motion file, not a video; "
                                   "only video uploads can be played back")
        if not path.is_file():
            raise UploadError(404, f"the video of motion {upload_id} is no longer stored; upload it again")
        return FileResponse(path, media_type=VIDEO_TYPES[path.suffix.lower()])

    @app.post("/api/motions/{upload_id}/ask")
    async def ask(upload_id: str, body: AskRequest) -> StreamingResponse:
        subject = store.get(upload_id)
        turns = conversation(body, config.max_history)
        try:
            job = worker.submit(subject, turns)
        except Busy:
            return JSONResponse({"error": f"busy: {config.queue_size} questions are already waiting; "
                                          "try again in a moment"}, status_code=503, headers={"Retry-After": "2"})
        return StreamingResponse(job.lines(), media_type="application/x-ndjson")

    app.state.worker, app.state.store = worker, store
    return app


def run_server(config: ServeConfig) -> None:
    import uvicorn

    app = create_app(config)
    print(f"llamo: serving on http://{config.host}:{config.port}/ (queue {config.queue_size}, "
          f"uploads ≤ {config.max_upload_mb:g} MB in {app.state.store.root})", flush=True)
    uvicorn.run(app, host=config.host, port=config.port, log_level="warning")
