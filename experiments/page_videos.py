"""The page with videos of pybullet's humanoid: `llamo serve` in a real browser (Debian's Chromium through
Playwright, as tests/serve/test_browser.py drives it), each of experiments/ask_videos.py's solid-body videos
uploaded, "What is the person doing?" asked, the answer read off the page and a screenshot written.

    python experiments/page_videos.py [--model DIR] [--out /tmp/llamo_page_videos]   # needs llamo[pose], chromium

Prints one markdown row per clip: the answer as the page showed it, and the screenshot's path.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from ask_videos import QUESTIONS, video_of

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required"]


def start_server(model: str | None, port: int) -> subprocess.Popen:
    """`llamo serve` on `port`, returned once it answers."""
    cmd = [sys.executable, "-m", "llamo", "serve", "--port", str(port), *(["--model", model] if model else [])]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return server
        except OSError:
            time.sleep(1)
    server.kill()
    raise RuntimeError("llamo serve did not start in 120 s")


def ask_on_page(browser, url: str, video: Path, question: str, shot: Path) -> str:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url)
    page.set_input_files("#file", str(video))
    page.wait_for_selector("#question:not([disabled])", timeout=120_000)
    page.fill("#question", question)
    page.click("#ask")
    page.wait_for_selector("#answer[data-state=done]", timeout=120_000)
    page.wait_for_function("document.getElementById('video').readyState >= 2", timeout=30_000)
    page.screenshot(path=str(shot), full_page=True)
    answer = page.text_content("#answer")
    page.close()
    return answer


def main() -> None:
    from playwright.sync_api import sync_playwright

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default=None)
    p.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "llamo_page_videos")
    p.add_argument("--port", type=int, default=8765)
    args = p.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    server = start_server(args.model, args.port)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
            print("| clip | question | answer on the page | screenshot |\n|---|---|---|---|")
            for name in QUESTIONS:
                question = QUESTIONS[name][0]
                shot = args.out / f"{name}.png"
                answer = ask_on_page(browser, f"http://127.0.0.1:{args.port}/", video_of(name), question, shot)
                print(f"| {name} | {question} | {answer} | {shot} |", flush=True)
            browser.close()
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
