"""A server started without --upload-dir keeps uploads in a temporary folder and removes it when stopped."""

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from tests.serve.conftest import EXAMPLES, free_port, upload, wait_healthy


def test_temporary_upload_area_is_removed_on_sigterm(tmp_path):
    port = free_port()
    log_path = tmp_path / "serve.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "llamo", "serve", "--port", str(port)], stdout=log,
                                   stderr=subprocess.STDOUT, env={**os.environ, "HF_HUB_OFFLINE": "1"})
        try:
            url = f"http://127.0.0.1:{port}"
            wait_healthy(url, process)
            assert upload(url, EXAMPLES / "kick.npy", "kick.npy").status_code == 200
            folder = Path(re.search(r"uploads ≤ \S+ MB in (\S+)\)", log_path.read_text()).group(1))
            assert len(list(folder.iterdir())) == 1
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    assert not folder.exists()
