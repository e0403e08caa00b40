"""storymap.video without a browser: frame counts, the progress line, and the one-line errors."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from storymap.video import Progress, frame_count

ROOT = Path(__file__).resolve().parent.parent
LISBON = ROOT / "tests" / "fixtures" / "stories" / "lisbon-tram-28.yaml"


def test_frame_counts_cover_the_plan_and_stop_at_the_limit():
    assert frame_count(9900, 1) == 10
    assert frame_count(10000, 30) == 300
    assert frame_count(10001, 30) == 301
    assert frame_count(10700, 2, max_seconds=3) == 6
    assert frame_count(1, 30) == 1


def test_the_progress_line_says_frames_done_and_time_left():
    stream = io.StringIO()
    progress = Progress(20, "trip.mp4", stream)
    for done in range(1, 21):
        progress.update(done)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 11  # not a terminal: the first frame, then a line per tenth
    assert lines[0].startswith("trip.mp4 [#---") and "1/20 frames" in lines[0] and lines[0].endswith(" left")
    assert lines[1].startswith("trip.mp4 [###---") and "2/20 frames" in lines[1]
    assert "20/20 frames, 0:00 left" in lines[-1]


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "storymap", "video", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**__import__("os").environ, **env})


def test_without_ffmpeg_the_video_is_one_line_saying_how_to_install_it(tmp_path):
    done = run(str(LISBON), "--geodata-dir", str(ROOT / "tests" / "fixtures" / "geodata"), "-o",
               str(tmp_path / "x.mp4"), STORYMAP_FFMPEG=str(tmp_path / "no-ffmpeg"))
    assert done.returncode == 1 and not (tmp_path / "x.mp4").exists()
    assert done.stderr.strip().splitlines() == [
        "error: making a video needs ffmpeg; install Debian's ffmpeg (apt-get install ffmpeg) or set "
        "STORYMAP_FFMPEG=<path to ffmpeg>"]


def test_a_missing_story_and_a_bad_rate_are_one_line_each(tmp_path):
    missing = run("no-such-story")
    assert missing.returncode == 1 and len(missing.stderr.strip().splitlines()) == 1
    assert "no-such-story.yaml" in missing.stderr and "Traceback" not in missing.stderr
    bad = run(str(LISBON), "--fps", "0")
    assert bad.returncode == 2 and bad.stderr.strip().splitlines()[-1].endswith("--fps: 0 is not between 1 and 60")
