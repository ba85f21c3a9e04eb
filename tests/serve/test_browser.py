"""End to end in a real browser: Debian's headless Chromium driven by Playwright (executablePath set, no
browser download) uploads a motion or a video, asks, and checks the streamed answer, the thinking state, the
chosen-frame marks on both timelines (the video's and the skeleton's), the legend and the error messages.
Screenshots land in $LLAMO_SCREENSHOTS (default: the test's tmp_path) for a look."""

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.motion.formats.test_asf_amc import write_clip
from tests.serve.conftest import EXAMPLES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Without these flags Chromium keeps trying to reach Google's hosts, which this network refuses.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required"]
# Records whether the thinking indicator was ever shown with the Ask button disabled (answers can be quick).
WATCH_THINKING = """() => {
  window.sawThinking = false;
  new MutationObserver(() => {
    const t = document.getElementById("thinking");
    if (!t.hidden && t.offsetWidth > 0 && document.getElementById("ask").disabled) window.sawThinking = true;
  }).observe(document.body, { attributes: true, subtree: true });
}"""


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None or not _has_playwright():
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser test: .ci/run installs Debian's chromium and playwright")
        pytest.skip("needs Debian's chromium (apt-get install chromium) and playwright (pip install -e '.[dev]')")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def _has_playwright() -> bool:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return True


def screenshot(page, tmp_path: Path, name: str) -> None:
    folder = Path(os.environ.get("LLAMO_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=True)


def ask_and_watch(page, question: str) -> None:
    """Ask, and check the thinking state: shown while the answer is pending, gone once it is done."""
    page.evaluate(WATCH_THINKING)
    page.fill("#question", question)
    page.click("#ask")
    page.wait_for_selector("#answer[data-state=done]", timeout=60_000)
    assert page.evaluate("window.sawThinking")
    assert page.is_hidden("#thinking") and page.is_enabled("#ask")


def test_upload_ask_and_jump_to_a_chosen_frame(server, browser, tmp_path):
    page = browser.new_page()
    page.goto(server)
    page.set_input_files("#file", str(EXAMPLES / "kick.npy"))
    page.wait_for_selector("#question:not([disabled])", timeout=30_000)
    assert "31 frames" in page.text_content("#status") and page.is_hidden("#video-pane")
    assert page.is_visible("#legend [data-side=right]") and page.is_visible("#legend [data-side=left]")
    colours = page.eval_on_selector_all("#legend span", "els => els.map(e => e.style.getPropertyValue('--colour'))")
    assert colours[:2] == ["#dd6b20", "#2b6cb0"]  # right orange, left blue: the page's chain colours

    ask_and_watch(page, "Which leg does the person kick with?")
    assert page.text_content("#answer") == "right"
    assert page.text_content("#error") == ""

    markers = page.locator("#skeleton-marks .marker")
    assert 0 < markers.count() <= 16
    frame = int(markers.nth(markers.count() - 1).get_attribute("data-frame"))
    markers.nth(markers.count() - 1).click()
    assert page.text_content("#frame").startswith(f"frame {frame} / 30") and "chosen" in page.text_content("#frame")
    assert page.input_value("#scrub") == str(frame)
    assert "right" in page.text_content("#history")
    screenshot(page, tmp_path, "motion.png")


def test_an_empty_question_is_an_error_not_the_placeholder(server, browser):
    page = browser.new_page()
    page.goto(server)
    page.set_input_files("#file", str(EXAMPLES / "kick.npy"))
    page.wait_for_selector("#question:not([disabled])", timeout=30_000)
    page.fill("#question", "   ")
    page.click("#ask")
    assert "Type a question first" in page.text_content("#error")
    assert page.get_attribute("#answer", "data-state") == "idle" and page.text_content("#history") == ""


def test_a_video_plays_beside_its_skeleton_with_chosen_frames_on_both_timelines(video_server, kick_mp4, browser,
                                                                             tmp_path):
    page = browser.new_page(viewport={"width": 1180, "height": 900})
    page.goto(video_server)
    page.set_input_files("#file", str(kick_mp4))
    page.wait_for_selector("#question:not([disabled])", timeout=60_000)
    assert "46 frames" in page.text_content("#status") and page.is_visible("#video") and page.is_visible("#view")
    page.wait_for_function("document.getElementById('video').readyState >= 2", timeout=30_000)
    assert page.evaluate("document.getElementById('video').videoWidth") == 160  # Chromium decodes it

    ask_and_watch(page, "Which leg does the person kick with?")
    video_marks = page.eval_on_selector_all("#video-marks .marker", "els => els.map(e => +e.dataset.frame)")
    skeleton_marks = page.eval_on_selector_all("#skeleton-marks .marker", "els => els.map(e => +e.dataset.frame)")
    assert video_marks and video_marks == skeleton_marks and max(video_marks) <= 45  # the video's own numbers
    assert re.fullmatch(r"frame \d+ \(\d\.\d\d s\)", page.get_attribute("#video-marks .marker", "title"))

    frame = video_marks[-1]
    page.locator("#video-marks .marker").nth(len(video_marks) - 1).click()
    page.wait_for_function("!document.getElementById('video').seeking")
    assert page.evaluate("Math.floor(document.getElementById('video').currentTime * 30)") == frame
    label = page.text_content("#frame")
    assert label.startswith(f"frame {frame} / 45") and "chosen" in label
    assert f"skeleton frame {round(frame / 30 * 20)}" in label  # the skeleton shows the same moment

    page.locator("#scrub").fill("15")  # half a second in: video frame 15, skeleton frame 10
    page.wait_for_function("!document.getElementById('video').seeking")
    assert page.text_content("#frame").startswith("frame 15 / 45 (0.50 s) · skeleton frame 10")
    page.locator("#video-marks .marker").nth(len(video_marks) - 1).click()
    screenshot(page, tmp_path, "video.png")


def test_a_bad_file_shows_the_reason_and_clears_the_previous_motion(server, browser, tmp_path):
    page = browser.new_page()
    page.goto(server)
    page.set_input_files("#file", str(EXAMPLES / "kick.npy"))
    page.wait_for_selector("#question:not([disabled])", timeout=30_000)
    (tmp_path / "broken.npy").write_bytes(b"not numpy")
    page.set_input_files("#file", str(tmp_path / "broken.npy"))
    page.wait_for_function("document.getElementById('error').textContent.length > 0", timeout=30_000)
    assert "not an .npy file" in page.text_content("#error")
    assert "refused; no motion loaded" in page.text_content("#status")
    assert page.is_disabled("#ask") and page.is_disabled("#play") and page.text_content("#frame") == "frame –"
    assert page.evaluate("document.body.dataset.motion") is None
    screenshot(page, tmp_path, "refused.png")


def test_a_cmu_recording_is_chosen_as_its_two_files_and_one_alone_is_refused(server, browser, tmp_path):
    amc, _ = write_clip(tmp_path, frames=120)  # 1 s at 120 fps → 20 frames
    page = browser.new_page()
    page.goto(server)
    page.set_input_files("#file", [str(tmp_path / "07.asf"), str(amc)])
    page.wait_for_selector("#question:not([disabled])", timeout=30_000)
    assert page.text_content("#status").startswith("07_05.amc: 20 frames")
    ask_and_watch(page, "What is the person doing?")
    assert page.text_content("#error") == "" and page.locator("#skeleton-marks .marker").count() > 0
    screenshot(page, tmp_path, "cmu.png")
    page.set_input_files("#file", str(amc))
    page.wait_for_function("document.getElementById('error').textContent.length > 0", timeout=30_000)
    assert "a CMU recording's .asf skeleton and .amc motion together" in page.text_content("#error")
    assert page.is_disabled("#ask") and page.evaluate("document.body.dataset.motion") is None
