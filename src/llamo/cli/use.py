"""`llamo ask`, `llamo chat`, `llamo serve` and `llamo export`: using a trained model."""

import argparse
from pathlib import Path


def ask(args: argparse.Namespace) -> None:
    """Answer one question about a motion file or a video (video needs the `pose` extra: mediapipe)."""
    from ..assistant import Assistant

    assistant, subject = Assistant.load_for(args.motion, args.fps, args.model, args.max_new_tokens)
    answer = assistant.ask(subject, args.question)
    print(answer.text)
    if args.show_frames:  # a video's own frame numbers, else the motion's
        print("frames: " + ", ".join(f"{f} ({t:.2f} s)" for f, t in zip(answer.frames, answer.times)))
    if args.render:
        from ..motion.render import render_motion

        render_motion(answer.motion, args.render, marks=answer.motion_frames)  # the canonical motion's own frames
        print(f"{args.render}: {answer.motion.num_frames} frames, {len(answer.motion_frames)} marked")


def chat(args: argparse.Namespace) -> None:
    """Talk about a motion turn by turn, answers streamed as they are written (empty line or Ctrl-D ends)."""
    from ..assistant import Assistant

    assistant, subject = Assistant.load_for(args.motion, args.fps, args.model, args.max_new_tokens)
    conversation = assistant.chat(subject)
    print(f"{args.motion}: {conversation.subject.motion.num_frames} frames. Ask about the motion.")
    while True:
        try:
            question = input("you> ").strip()
        except EOFError:
            break
        if not question:
            break
        print("llamo> ", end="", flush=True)
        for piece in conversation.stream(question):
            print(piece, end="", flush=True)
        print()


def export(args: argparse.Namespace) -> None:
    """Copy a trained model folder into the smallest form that loads: fp16 weights, no tokenizer files."""
    from ..model.persistence import compact_copy

    out = compact_copy(args.model, args.out)
    size = sum(f.stat().st_size for f in out.iterdir())
    print(f"{out}: {size / 2**20:.1f} MiB")


def serve(args: argparse.Namespace) -> None:
    """Serve the JSON API and the web page: upload a motion or video, watch it, ask, see the chosen frames."""
    from ..serve import ServeConfig, run_server

    run_server(ServeConfig(model=args.model, host=args.host, port=args.port, queue_size=args.queue_size,
                           max_upload_mb=args.max_upload_mb, upload_dir=args.upload_dir))


def add_model_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default=None, help="model folder (default: the shipped LLaMo model)")
    p.add_argument("--max-new-tokens", type=int, default=48)


def add_ask_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("motion", type=Path, help="motion file (.npy, .bvh, DeepMimic .txt) or video (.mp4, ...)")
    p.add_argument("question")
    p.add_argument("--fps", type=float, default=None, help="frame rate of files that do not store one")
    p.add_argument("--show-frames", action="store_true", help="print the frames the Cross Talker chose")
    p.add_argument("--render", type=Path, default=None, help="write a .gif/.mp4 with the chosen frames marked")
    add_model_arg(p)


def add_chat_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("motion", type=Path, help="motion file or video")
    p.add_argument("--fps", type=float, default=None, help="frame rate of files that do not store one")
    add_model_arg(p)


def add_export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", type=Path, help="model folder written by training")
    p.add_argument("--out", type=Path, required=True, help="folder to write")


def add_serve_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default=None, help="model folder (default: the shipped LLaMo model)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--queue-size", type=int, default=8, help="questions waiting beyond this get 'busy' (503)")
    p.add_argument("--max-upload-mb", type=float, default=50.0)
    p.add_argument("--upload-dir", type=Path, default=None, help="where uploads live (default: a temp folder)")
