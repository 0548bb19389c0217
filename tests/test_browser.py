"""`make browser-check` in the suite: JupyterLab from `make lab` in headless Chromium opens a
chapter's .py as a notebook, runs it, redraws a widget's figure when a slider moves, and leaves
`git status` clean after waiting past an autosave (about a minute on 2 cores)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package: Playwright never downloads a browser


def test_browser_check_passes():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: `apt-get install -y chromium`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    run = subprocess.run([sys.executable, "scripts/browser_check.py"], cwd=REPO, text=True,
                         capture_output=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "git status of the opened files is unchanged" in run.stdout
    assert "checks passed" in run.stdout.splitlines()[-1]
    shots = {path.name for path in (REPO / "runs" / "browser-check").glob("*.png")}
    assert {"1-opened.png", "2-ran.png", "3-slider.png", "4-after-autosave-wait.png"} <= shots
