"""The HTML report opened in headless Chromium (Debian's chromium): the page is not blank, the
thumbnails and the plots are drawn (compared with the same page whose images are removed)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from qa_fake import MAGENTA, start_fake_server, write_fake_suite

from idverify.qa.report_html import write_html
from idverify.qa.runner import run_suite
from idverify.qa.suite import load_suite

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian package chromium)")


def _screenshot(html: Path, png: Path, profile: Path) -> np.ndarray:
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--hide-scrollbars", f"--user-data-dir={profile}", f"--screenshot={png}", "--window-size=1280,3200",
               html.resolve().as_uri()]
    done = subprocess.run(command, capture_output=True, timeout=90, check=False)
    assert png.is_file(), f"chromium wrote no screenshot (exit {done.returncode}): {done.stderr[-2000:]!r}"
    with Image.open(png) as image:
        return np.asarray(image.convert("RGB"), dtype=np.int16)


def _near(pixels: np.ndarray, colour: tuple[int, int, int], tolerance: int = 40) -> np.ndarray:
    return (np.abs(pixels - np.array(colour, dtype=np.int16)).sum(axis=2) <= tolerance)


def test_report_renders_images_and_plots_in_headless_chromium(tmp_path):
    server, target = start_fake_server()
    try:
        run = run_suite(load_suite(write_fake_suite(tmp_path / "suite", broken=True)), target, jobs=4, timeout=10)
    finally:
        server.stop(0).wait()
    report = write_html(run, tmp_path / "report.html")
    # the same page with every embedded image removed: what a report with broken images looks like
    stripped = tmp_path / "stripped.html"
    stripped.write_text(re.sub(r"src='data:image/[a-z]+;base64,[^']*'", "src=''", report.read_text()))

    shot = _screenshot(report, tmp_path / "report.png", tmp_path / "profile1")
    bare = _screenshot(stripped, tmp_path / "stripped.png", tmp_path / "profile2")

    assert shot.shape[:2] == (3200, 1280)  # tall enough for the plots, the tables and the first cases
    assert shot.std() > 20, "the screenshot is blank"
    # the plots sit at the top of the page (below the summary): that band must differ from the
    # image-less page and hold the plots' line colours (genuine blue, impostor red)
    band = slice(0, 700)
    changed = np.abs(shot[band] - bare[band]).sum(axis=2) > 30
    assert changed.sum() > 15_000, "the plots did not render"
    assert _near(shot[band], (0x1F, 0x77, 0xB4)).sum() > 500, "no genuine-distance bars or FRR curve"
    assert _near(shot[band], (0xD6, 0x27, 0x28)).sum() > 300, "no impostor bars or FAR curve"
    # the face cases' thumbnails are magenta squares: many magenta pixels on screen, none without images
    assert _near(shot, MAGENTA).sum() > 5000, "the thumbnails did not render"
    assert _near(bare, MAGENTA).sum() == 0
