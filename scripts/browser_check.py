"""`make browser-check`: JupyterLab from `make lab`, used in headless Chromium as a reader would.

It starts `make lab` on a free localhost port with a fresh, throw-away user profile (so only the
repository's own .jupyter/ settings apply), then in Debian's Chromium driven by Playwright:
double-clicks README.md (it must open as text) and a chapter's .py (it must open as a notebook),
runs every cell, checks the typeset math and the widget, moves a slider and checks that the
figure changes, waits past an autosave, and checks that `git status` has not changed.
Screenshots go to runs/browser-check/. Exit 0 when every check holds, 1 otherwise.
"""
import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "runs" / "browser-check"
CHROMIUM = "/usr/bin/chromium"  # Debian's package; Playwright never downloads a browser here
CHAPTER = "02_optimal_discriminator.py"  # a fast chapter (about 20 s on 2 cores) with sliders
AUTOSAVE_S = 5  # this check's autosave interval (JupyterLab's default is 120 s)
DOCMANAGER = "@jupyterlab/docmanager-extension"


class CheckFailed(Exception):
    """One check did not hold; the message says which and what was seen."""


def free_port() -> int:
    """A TCP port on localhost that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def throwaway_profile(tmp: Path, autosave: bool) -> dict:
    """Environment with the reader's Jupyter folders replaced by empty ones under `tmp`."""
    env = dict(os.environ)
    for var, name in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                      ("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTERLAB_SETTINGS_DIR", "settings"),
                      ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"), ("IPYTHONDIR", "ipython")]:
        env[var] = str(tmp / name)
    env.pop("JUPYTER_CONFIG_PATH", None)
    # The user's own setting: a short interval, so that an autosave, if it were on, comes soon.
    # Only the interval is set here; whether autosave is on comes from the repository's .jupyter/.
    user = {"autosaveInterval": AUTOSAVE_S, **({"autosave": True} if autosave else {})}
    write_setting(tmp, DOCMANAGER, "plugin", user)
    # Every cell in the page, not only those in view, so that the checks can count them.
    write_setting(tmp, "@jupyterlab/notebook-extension", "tracker", {"windowingMode": "none"})
    return env


def write_setting(tmp: Path, package: str, plugin: str, values: dict) -> None:
    """Write one plugin's user settings into the throw-away profile."""
    path = tmp / "settings" / package / f"{plugin}.jupyterlab-settings"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(values))


def start_lab(env: dict, port: int, token: str, log) -> subprocess.Popen:
    """`make lab` on `port`, in its own process group so that it can be stopped whole."""
    args = f"--no-browser --ServerApp.ip=127.0.0.1 --port={port} --ServerApp.port_retries=0 " \
           f"--IdentityProvider.token={token}" + (" --allow-root" if os.geteuid() == 0 else "")
    return subprocess.Popen(["make", "-s", "lab", f"LAB_ARGS={args}"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_for_server(url: str, proc: subprocess.Popen, timeout=240) -> None:
    """Poll JupyterLab's API until it answers; fail if the process exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise CheckFailed(f"`make lab` exited with {proc.returncode}; see {OUT}/jupyterlab.log")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise CheckFailed(f"JupyterLab did not answer at {url} within {timeout} s")


def stop(proc: subprocess.Popen, timeout=30) -> None:
    """Stop `make lab` and the server it started (their process group), kernels included."""
    os.killpg(proc.pid, signal.SIGTERM)  # the server shuts its kernels down on SIGTERM
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        proc.poll()
        try:
            os.killpg(proc.pid, 0)  # anyone left in the group?
        except ProcessLookupError:
            return
        time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def git_status(paths: list) -> str:
    """`git status --porcelain` of `paths` (ignored files are not listed)."""
    return subprocess.run(["git", "status", "--porcelain", "--", *paths], cwd=ROOT,
                          check=True, capture_output=True, text=True).stdout


def shot(page, name: str) -> None:
    """Save a screenshot of the whole window under runs/browser-check/."""
    page.screenshot(path=str(OUT / f"{name}.png"))


def double_click(page, name: str, timeout=60) -> None:
    """Double-click `name` in the file browser, as a reader does."""
    item = page.locator(".jp-DirListing-item", has=page.locator(
        ".jp-DirListing-itemText", has_text=name)).first
    item.wait_for(timeout=timeout * 1000)
    item.dblclick()


# The main area's current document: its tab names the widget's id.
CURRENT = ("document.getElementById(document.querySelector("
           "'#jp-main-dock-panel .lm-TabBar-tab.jp-mod-current').dataset.id)")


def current(page):
    """A locator for the document in the current tab of the main area."""
    return page.locator(f"[id='{page.evaluate(CURRENT + '.id')}']")


def current_view(page, name: str) -> str:
    """`notebook`, `editor` or `other`: what the tab `name` shows once it is the current one."""
    page.locator("#jp-main-dock-panel .lm-TabBar-tab.jp-mod-current",
                 has_text=name).first.wait_for(timeout=60_000)
    if "jp-NotebookPanel" in page.evaluate(f"{CURRENT}.className"):
        return "notebook"
    return "editor" if page.evaluate(f"!!{CURRENT}.querySelector('.jp-FileEditor')") else "other"


def accept_kernel(page) -> None:
    """Start the notebook's own kernel: accept JupyterLab's choice if it asks which one."""
    dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
    try:
        dialog.wait_for(timeout=5_000)
    except Exception:  # no dialog: the kernel starts by itself
        return
    print("  (JupyterLab asked for a kernel; accepted its choice)", flush=True)
    dialog.locator("button", has_text="Select").click()


def wait_kernel_idle(page, timeout: float) -> None:
    """Wait until the status bar says the current notebook's kernel is idle."""
    page.locator("#jp-main-statusbar", has_text="| Idle").wait_for(timeout=timeout * 1000)


def menu(page, top: str, item: str) -> None:
    """Click `top` in the menu bar, then `item` in its menu."""
    page.locator(".lm-MenuBar-itemLabel", has_text=top).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def run_all(page, timeout=420) -> float:
    """Clear the saved outputs, then Run > Run All Cells; wait until every code cell has run."""
    accept_kernel(page)
    wait_kernel_idle(page, 300)  # a kernel importing torch on a busy 2-core machine is slow
    menu(page, "Edit", "Clear Outputs of All Cells")  # so each "[n]" below is from this run
    start = time.monotonic()
    menu(page, "Run", "Run All Cells")
    page.wait_for_function(f"""() => {{
        const prompts = Array.from({CURRENT}.querySelectorAll('.jp-CodeCell .jp-InputPrompt'));
        const status = document.querySelector('#jp-main-statusbar').innerText;
        return status.includes('| Idle') && prompts.length > 0
            && prompts.every(p => /\[\d+\]/.test(p.textContent));
    }}""", timeout=timeout * 1000, polling=500)
    return time.monotonic() - start


def notebook_report(page) -> dict:
    """What the open notebook shows: cells, typeset formulas, tracebacks, widget sliders."""
    return page.evaluate(f"""() => {{
        const nb = {CURRENT};
        const outputs = Array.from(nb.querySelectorAll('.jp-OutputArea-output'));
        return {{
            cells: nb.querySelectorAll('.jp-Cell').length,
            math: nb.querySelectorAll('mjx-container').length,
            raw_math: Array.from(nb.querySelectorAll('.jp-MarkdownOutput'))
                           .filter(e => e.innerText.includes('$$')).length,
            tracebacks: outputs.filter(o => o.innerText.includes('Traceback')).length,
            sliders: nb.querySelectorAll('.widget-slider').length,
        }};
    }}""")


def widget_figure(page) -> str:
    """The src of the figure inside the first widget's output ('' when there is none)."""
    image = current(page).locator(".widget-output img").first
    return image.get_attribute("src") if image.count() else ""


def move_slider(page) -> tuple[str, str]:
    """Move the first slider three steps right with the keyboard; its readout before and after."""
    slider = current(page).locator(".widget-slider").first
    slider.scroll_into_view_if_needed()
    readout = slider.locator(".widget-readout").first
    before = readout.inner_text()
    handle = slider.locator(".noUi-handle").first
    handle.click()
    for _ in range(3):
        handle.press("ArrowRight")
    page.wait_for_function("([el, old]) => el.innerText !== old",
                           arg=[readout.element_handle(), before], timeout=10_000)
    return before, readout.inner_text()


def wait_figure_changed(page, old: str) -> str:
    """Wait until the widget's figure differs from `old`; the new src."""
    page.wait_for_function(f"""old => {{
        const image = {CURRENT}.querySelector('.widget-output img');
        return image && image.src !== old;
    }}""", arg=old, timeout=30_000)
    return widget_figure(page)


def check(condition: bool, message: str, passed: list) -> None:
    """Record a passed check or raise with `message`."""
    if not condition:
        raise CheckFailed(message)
    passed.append(message.split(":")[0])
    print(f"  ok  {passed[-1]}", flush=True)


def browse(url: str, chapter: str, files_before: dict, status_before: str) -> list:
    """Drive JupyterLab at `url` through the reader's steps; the checks that held."""
    from playwright.sync_api import sync_playwright

    passed = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        double_click(page, "README.md", timeout=180)  # the first load is slow on a busy machine
        check(current_view(page, "README.md") == "editor",
              "README.md opens as text: a double-click did not show the editor", passed)
        double_click(page, "chapters")
        double_click(page, chapter)
        check(current_view(page, chapter) == "notebook",
              f"{chapter} opens as a notebook: a double-click showed something else", passed)
        current(page).locator(".jp-Cell").first.wait_for(timeout=120_000)
        shot(page, "1-opened")
        seconds = run_all(page)
        report = notebook_report(page)
        shot(page, "2-ran")
        print(f"  ran {report['cells']} cells in {seconds:.1f} s", flush=True)
        check(report["tracebacks"] == 0, f"the chapter runs: {report['tracebacks']} traceback(s)",
              passed)
        check(report["math"] > 0 and report["raw_math"] == 0,
              f"math is typeset: {report['math']} formulas, {report['raw_math']} raw $$", passed)
        check(report["sliders"] > 0, "the widget shows sliders: none found", passed)
        figure = widget_figure(page)
        check(bool(figure), "the widget draws a figure: no image in its output", passed)
        before, after = move_slider(page)
        redrawn = wait_figure_changed(page, figure)
        shot(page, "3-slider")
        check(redrawn != figure,
              f"moving a slider ({before} -> {after}) redraws the figure: it did not", passed)
        dirty = page.locator("#jp-main-dock-panel .lm-TabBar-tab.jp-mod-current.jp-mod-dirty"
                             ).count() > 0
        check(dirty, "the run left unsaved changes (what an autosave would write): none", passed)
        time.sleep(3 * AUTOSAVE_S)
        shot(page, "4-after-autosave-wait")
        browser.close()
    saves = [line for line in (OUT / "jupyterlab.log").read_text().splitlines()
             if "Saving file at" in line]  # jupyter_server logs every save it is asked for
    check(not saves, "JupyterLab saved no file: " + "; ".join(saves), passed)
    changed = [name for name, mtime in files_before.items() if (ROOT / name).stat().st_mtime
               != mtime]
    status = git_status(list(files_before))
    check(not changed and status == status_before,
          f"git status of the opened files is unchanged after {3 * AUTOSAVE_S} s "
          f"(3 autosave intervals): rewritten {changed}, status now\n{status}", passed)
    return passed


def main(argv=None) -> int:
    """Run every check; print each result and the total time; 0 when all hold."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapter", default=CHAPTER, help=f"chapter .py (default {CHAPTER})")
    parser.add_argument("--autosave", action="store_true",
                        help="switch autosave on for this run, to see the git check fail (it "
                             "rewrites the chapter's .ipynb: `git checkout` it afterwards)")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"browser-check: {CHROMIUM} is missing; `apt-get install -y chromium`")
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    stem = Path(args.chapter).stem
    opened = [f"chapters/{stem}.py", f"chapters/{stem}.ipynb", "README.md"]
    files = {name: (ROOT / name).stat().st_mtime for name in opened}
    status_before, start = git_status(opened), time.monotonic()
    port, token = free_port(), secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="browser-check-") as tmp, \
            open(OUT / "jupyterlab.log", "w") as log:
        proc = start_lab(throwaway_profile(Path(tmp), args.autosave), port, token, log)
        try:
            wait_for_server(f"http://127.0.0.1:{port}/api/status?token={token}", proc)
            passed = browse(f"http://127.0.0.1:{port}/lab?token={token}", args.chapter,
                            files, status_before)
        except Exception as err:  # Playwright's timeouts too: report, keep the screenshots
            print(f"browser-check FAILED after {time.monotonic() - start:.0f} s: "
                  f"{type(err).__name__}: {err}")
            return 1
        finally:
            stop(proc)
    print(f"browser-check: {len(passed)} checks passed in {time.monotonic() - start:.0f} s; "
          f"screenshots in {OUT.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
