"""End to end in a real browser: Debian's headless Chromium driven by Playwright (executablePath set, no
browser download) uploads a motion, asks, and checks the streamed answer and the chosen-frame markers."""

import os
import shutil

import pytest

from tests.serve.conftest import EXAMPLES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Without these flags Chromium keeps trying to reach Google's hosts, which this network refuses.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


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


def test_upload_ask_and_jump_to_a_chosen_frame(server, browser, tmp_path):
    page = browser.new_page()
    page.goto(server)
    page.set_input_files("#file", str(EXAMPLES / "kick.npy"))
    page.wait_for_selector("#question:not([disabled])", timeout=30_000)
    assert "31 frames" in page.text_content("#status")

    page.fill("#question", "Which leg does the person kick with?")
    page.click("#ask")
    page.wait_for_selector("#answer[data-state=done]", timeout=60_000)
    assert page.text_content("#answer") == "right"
    assert page.text_content("#error") == ""

    markers = page.locator(".marker")
    assert 0 < markers.count() <= 16
    frame = int(markers.nth(markers.count() - 1).get_attribute("data-frame"))
    markers.nth(markers.count() - 1).click()
    assert page.text_content("#frame").startswith(f"frame {frame} / 30") and "chosen" in page.text_content("#frame")
    assert page.input_value("#scrub") == str(frame)
    assert "right" in page.text_content("#history")
    page.screenshot(path=str(tmp_path / "page.png"))


def test_a_bad_file_shows_the_reason(server, browser, tmp_path):
    page = browser.new_page()
    page.goto(server)
    (tmp_path / "broken.npy").write_bytes(b"not numpy")
    page.set_input_files("#file", str(tmp_path / "broken.npy"))
    page.wait_for_function("document.getElementById('error').textContent.length > 0", timeout=30_000)
    assert "not an .npy file" in page.text_content("#error")
    assert page.is_disabled("#ask")
