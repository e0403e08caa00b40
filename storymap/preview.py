"""`storymap preview [STORY]`: the page on a story, rerun in the browser whenever its files change.

The command becomes the Streamlit server of the page (app.py, exec'd, so Ctrl-C and signals reach
it directly) with two settings changed: Streamlit watches the stories and geodata folders, and reruns open pages when a
file there changes (`server.runOnSave`). The app already keys its catalog on the content of every
story, source and geodata file, so the rerun shows the new text. The deployed page keeps watching
off (.streamlit/config.toml: a watcher per session halved how many sessions a process holds).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from storymap.errors import StorymapError
from storymap.model import Story
from storymap.paths import GEODATA_ENV, PROJECT_ROOT, STORIES_ENV
from storymap.story import display_path

# The story the page opens on when its link names none.
STORY_ENV = "STORYMAP_STORY"
# The page's view when its link names none: "check" is the curator's check view (`preview --check`).
VIEW_ENV = "STORYMAP_VIEW"


def page_script() -> Path:
    """app.py: in the checkout, or where `pip install` put it (<prefix>/share/storymap)."""
    for candidate in (PROJECT_ROOT / "app.py", Path(sys.prefix) / "share" / "storymap" / "app.py"):
        if candidate.is_file():
            return candidate
    raise StorymapError("the page (app.py) is not installed; reinstall storymap: pip install 'storymap[maps]'")


def streamlit_command(script: Path, stories_dir: Path, geodata_dir: Path, port: int, watch: bool = True) -> list[str]:
    """The `streamlit run` command line of the page; `watch`: rerun open pages when the story folders change."""
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port)]
    if watch:
        command += ["--server.headless", "true", "--server.runOnSave", "true", "--server.fileWatcherType", "auto",
                    "--server.folderWatchList", str(stories_dir.resolve()),
                    "--server.folderWatchList", str(geodata_dir.resolve())]
    if not (script.parent / "static").is_dir():  # an installed page: no static -> geodata link, data goes inline
        command += ["--server.enableStaticServing", "false"]
    return command


def preview(story: Story | None, stories_dir: Path, geodata_dir: Path, *, port: int = 8501,
            browser: bool = False, watch: bool = True, check: bool = False) -> int:
    """Become the Streamlit server (exec: Ctrl-C, signals and the exit code are its own); returns only on
    failure. Without `watch`, the page as deployed (`storymap serve`, `make run`); with `check`, the page
    opens on the curator's check view."""
    script = page_script()
    env = dict(os.environ, **{STORIES_ENV: str(stories_dir.resolve()), GEODATA_ENV: str(geodata_dir.resolve())})
    if story is not None:
        env[STORY_ENV] = story.id
    env.pop(VIEW_ENV, None)
    if check:
        env[VIEW_ENV] = "check"
    command = streamlit_command(script, stories_dir, geodata_dir, port, watch)
    if browser:
        command += ["--server.headless", "false"]  # Streamlit opens the browser once it is listening
    what = (f"reruns when a file in {display_path(stories_dir)} or {display_path(geodata_dir)} changes"
            if watch else f"stories in {display_path(stories_dir)}")
    view = "?view=check" if check else ""
    print(f"{'preview' if watch else 'serve'}: http://localhost:{port}/{view} ({what}; Ctrl-C stops it)",
          file=sys.stderr, flush=True)
    # From the page's own folder, so Streamlit finds its settings (.streamlit/) and static/ there.
    os.chdir(script.parent)
    os.execve(sys.executable, command, env)
    return 1  # pragma: no cover - execve does not return
