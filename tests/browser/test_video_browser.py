"""storymap.video: the trip as an MP4 and a GIF, checked with ffprobe and frame hashes.

Short renders of the Lisbon fixture (three stops, two legs) in the tests' own browser: a few frames
each, so the whole module stays within seconds of rendering.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from browser_support import ROOT, SCREENSHOTS

from storymap.catalog import load_bundle
from storymap.story import load_story
from storymap.video import render_gif, render_video

pytestmark = pytest.mark.browser
FIXTURES = ROOT / "tests" / "fixtures"
LISBON = FIXTURES / "stories" / "lisbon-tram-28.yaml"
# fps 2, 0.3 s a stop: the title (0-0.3 s), the first step, the cut to Martim Moniz (0.9 s), the first leg
# from 1.2 s; 2.5 s of it are five frames.
QUICK = {"fps": 2, "seconds_per_stop": 0.3, "max_seconds": 2.5}


@pytest.fixture(scope="module")
def bundle():
    return load_bundle(load_story(LISBON), FIXTURES / "geodata")


def probe(path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                          "stream=codec_name,width,height,pix_fmt,nb_read_frames,r_frame_rate:format=duration",
                          "-of", "json", str(path)], capture_output=True, text=True, check=True).stdout
    data = json.loads(out)
    return {**data["streams"][0], "duration": float(data["format"]["duration"])}


def frame_hashes(path) -> list[str]:
    """The MD5 of every decoded frame (ffmpeg's framemd5), in order."""
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "framemd5", "-"], capture_output=True,
                         text=True, check=True).stdout
    return [line.rsplit(",", 1)[1].strip() for line in out.splitlines() if line and not line.startswith("#")]


def save_frames(path, numbers: list[int], name: str) -> None:
    """Frames as PNG in the screenshots folder, to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    for number in numbers:
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(path), "-vf", f"select=eq(n\\,{number})", "-vsync",
                        "0", "-frames:v", "1", str(SCREENSHOTS / f"{name}-{number}.png")], check=True)


def test_the_video_is_h264_1080p_its_frames_move_and_two_renders_are_the_same(browser, bundle, tmp_path):
    first = render_video(bundle, tmp_path / "a.mp4", browser=browser, **QUICK)
    again = render_video(bundle, tmp_path / "b.mp4", browser=browser, **QUICK)
    info = probe(tmp_path / "a.mp4")
    assert (info["codec_name"], info["width"], info["height"], info["pix_fmt"]) == ("h264", 1920, 1080, "yuv420p")
    assert int(info["nb_read_frames"]) == first["frames"] == 5 and info["r_frame_rate"] == "2/1"
    assert info["duration"] == pytest.approx(2.5, abs=0.05)
    hashes = frame_hashes(tmp_path / "a.mp4")
    assert hashes == frame_hashes(tmp_path / "b.mp4") and again["frames"] == 5
    # The cut to the first stop and every frame of the leg are new pictures.
    assert len(set(hashes[2:])) == 3 and hashes[0] not in hashes[2:], hashes
    save_frames(tmp_path / "a.mp4", [0, 2, 4], "video")


def test_the_vertical_video_plays_the_whole_plan_to_the_end_card(browser, bundle, tmp_path):
    made = render_video(bundle, tmp_path / "v.mp4", browser=browser, vertical=True, fps=1, seconds_per_stop=0.1)
    info = probe(tmp_path / "v.mp4")
    assert (info["codec_name"], info["width"], info["height"], info["pix_fmt"]) == ("h264", 1080, 1920, "yuv420p")
    # 0.1 s title + 0.6 s first step + 3 stops of 0.1 s + 2 legs of 4 s + 0.9 s end card = 9.9 s: 10 frames.
    assert made["planned_seconds"] == pytest.approx(9.9) and int(info["nb_read_frames"]) == made["frames"] == 10
    assert made["ended"]  # the last frame is the end card's
    assert info["duration"] == pytest.approx(10.0, abs=0.05)
    assert len(set(frame_hashes(tmp_path / "v.mp4"))) >= 7
    save_frames(tmp_path / "v.mp4", [9], "video-vertical")


def test_the_gif_is_600_pixels_wide_and_loops_over_the_route(browser, bundle, tmp_path):
    made = render_gif(bundle, tmp_path / "route.gif", browser=browser, fps=4, max_seconds=2)
    info = probe(tmp_path / "route.gif")
    assert (info["codec_name"], info["width"], info["height"]) == ("gif", 600, 338)
    assert int(info["nb_read_frames"]) == made["frames"] == 8
    data = (tmp_path / "route.gif").read_bytes()
    assert b"NETSCAPE2.0\x03\x01\x00\x00" in data   # loops forever
    assert len(data) < 200_000 and len(set(frame_hashes(tmp_path / "route.gif"))) >= 4
    save_frames(tmp_path / "route.gif", [7], "video-gif")
