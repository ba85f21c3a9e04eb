"""`llamo serve`: the JSON API and the web page (FastAPI; one model behind a bounded queue).

    GET  /                          the page (static/index.html: plain HTML + JS, no build step)
    GET  /api/health                {"status": "ok", "waiting": n, "queue_size": N}
    POST /api/motions?name=F        raw file body (motion or video) → {"id", "fps", "num_frames", "joints", ...}
    POST /api/motions/{id}/ask      {"question", "history": [[q, a], ...]} → NDJSON stream (worker.py)

Errors are JSON {"error": "..."} with 400 (bad file or question), 404 (unknown id), 413 (too large),
415 (unknown type), 503 (busy: the queue is full), 422 (malformed request).
"""

import shutil
import tempfile
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from fastapi import FastAPI, Query, Request
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from ..assistant import Assistant
from ..assistant.assistant import check_question
from ..data.schema import MOTION_TOKEN, Turn
from ..errors import LlamoError
from ..motion.skeleton import CHAINS, JOINT_NAMES
from .uploads import UploadError, UploadStore
from .worker import Busy, ModelWorker

STATIC = Path(__file__).parent / "static"


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
    """What the page draws: joints rounded to millimetres [T, 22, 3], the bone chains, the frame rate."""
    motion = subject.motion
    return {"id": upload_id, "fps": motion.fps, "num_frames": motion.num_frames,
            "joints": np.round(motion.joints, 3).tolist(), "chains": [list(c) for c in CHAINS],
            "joint_names": list(JOINT_NAMES), "from_video": subject.video is not None}


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

    @app.exception_handler(UploadError)
    async def upload_error(_: Request, err: UploadError) -> JSONResponse:
        return JSONResponse({"error": str(err)}, status_code=err.status)

    @app.exception_handler(LlamoError)
    async def llamo_error(_: Request, err: LlamoError) -> JSONResponse:
        return JSONResponse({"error": str(err)}, status_code=400)

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/api/health")
    async def health() -> dict:
        return {"status": "ok", "waiting": worker.waiting, "queue_size": config.queue_size}

    @app.post("/api/motions")
    async def upload(request: Request, name: str = Query(max_length=255)) -> dict:
        store.check_length(request.headers.get("content-length"))
        upload_id, subject = await store.receive(name, request.stream())
        return motion_payload(upload_id, subject)

    @app.get("/api/motions/{upload_id}")
    async def motion(upload_id: str) -> dict:
        return motion_payload(upload_id, store.get(upload_id))

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
