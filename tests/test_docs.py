"""The docs cannot drift: the README examples are real, loadable inputs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from helpers import ROOT

from storymap.limits import documented_table
from storymap.model import Body, Correction, Leg, MapOptions, Original, Place, Quote, Source, Stop, Story
from storymap.story import parse_story

STORIES_README = ROOT / "stories" / "README.md"


def yaml_blocks(markdown: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", markdown, flags=re.S)


def test_stories_readme_example_is_a_valid_story(tmp_path):
    blocks = [b for b in yaml_blocks(STORIES_README.read_text(encoding="utf-8")) if "stops:" in b]
    assert len(blocks) == 1
    (tmp_path / "example" / "sources").mkdir(parents=True)
    shutil.copy(ROOT / "stories" / "kim-russia-2023" / "sources" / "004_07a353d0804c85f7.txt",
                tmp_path / "example" / "sources" / "bbn-ap.txt")
    story = parse_story(blocks[0], "stories/README.md", base_dir=tmp_path, expected_id="example")
    assert story.stops[0].quotes[0].source == "bbn-ap"


def test_stories_readme_shows_the_codes_limits():
    readme = STORIES_README.read_text(encoding="utf-8")
    table = "\n".join("  " + line for line in documented_table().splitlines())
    assert table in readme


def test_stories_readme_documents_every_field():
    readme = STORIES_README.read_text(encoding="utf-8")
    for model in (Story, Source, Body, Stop, Place, Leg, Quote, Original, Correction, MapOptions):
        for name, field in model.model_fields.items():
            assert f"`{field.alias or name}`" in readme, f"{model.__name__}.{name} is not documented"


TUTORIAL_HEADING = "## Make your own story\n"


def tutorial_section(markdown: str) -> str:
    """The README's tutorial, from its heading to the next one."""
    start = markdown.index(TUTORIAL_HEADING)
    return markdown[start:markdown.index("\n## ", start + 1)]


def command_lines(markdown: str) -> list[str]:
    """Commands in the ```bash / ```sh blocks, continuation lines joined, comments dropped."""
    lines = []
    for block in re.findall(r"```(?:bash|sh)\n(.*?)```", markdown, flags=re.S):
        for command in block.replace("\\\n", " ").splitlines():
            command = command.split("  #")[0].strip()
            if command and not command.startswith("#"):
                lines.append(command)
    return lines


def test_every_storymap_and_deploy_command_in_the_docs_parses():
    import importlib.util
    import shlex

    from storymap.cli import build_parser, story_path
    spec = importlib.util.spec_from_file_location("deploy_serve", ROOT / "deploy" / "serve.py")
    serve = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(serve)
    checked = 0
    for doc in (ROOT / "README.md", ROOT / "docs" / "deploy.md"):
        text = doc.read_text(encoding="utf-8")
        if TUTORIAL_HEADING in text:  # its commands run for real, in test_the_readme_tutorial_runs_offline
            text = text.replace(tutorial_section(text), "")
        for command in command_lines(text):
            words = shlex.split(command.split(" > ")[0].split(" && ")[0])
            if any(word.startswith("[") or re.fullmatch(r"[A-Z_]+(\.[a-z]+)?", word) for word in words):
                continue  # a synopsis line (STORY, TABLE.csv, [--json]), not a command to run
            prefix = 3 if words[:3] == ["python", "-m", "storymap"] else 1 if words[:1] == ["storymap"] else 0
            if prefix:
                arguments = build_parser().parse_args(words[prefix:])
                story = getattr(arguments, "story", None)
                for name in story if isinstance(story, list) else [story]:
                    path = name and story_path(name, ROOT / "stories")
                    assert path is None or (ROOT / path).is_file(), f"{doc.name}: {command}: no such story"
                checked += 1
            elif words[:2] == ["python", "deploy/serve.py"]:
                options = serve.parse_arguments(words[2:])
                ports = [options.first_port + i for i in range(options.replicas)]
                serve.site_config(ports, options.listen, options.frame_ancestors)
                checked += 1
    assert checked >= 4


def tutorial_script(markdown: str, venv: Path) -> str:
    """The tutorial as one bash script, in order: each file it shows written where it says, each shell
    block run as it stands. Only the virtualenv is this test's own, and `preview` (a server that runs
    until Ctrl-C; tests/test_preview.py runs it) is left out."""
    section = tutorial_section(markdown)
    lines = []
    pattern = r"(?:<!-- tutorial-file: (\S+) -->\n)?```(\w+)\n(.*?)```"
    for path, language, body in re.findall(pattern, section, flags=re.S):
        if path:
            lines += [f"mkdir -p \"$(dirname {path})\"", f"cat > {path} <<'TUTORIAL_EOF'", body.rstrip("\n"),
                      "TUTORIAL_EOF"]
        elif language == "sh":
            for line in body.splitlines():
                if line.startswith(". .venv/bin/activate"):
                    line = f". {venv}/bin/activate"
                elif line.startswith("storymap preview"):
                    continue
                lines.append(line)
    return "\n".join(lines) + "\n"


def test_the_readme_tutorial_runs_offline(tmp_path):
    import os
    import subprocess
    import sys

    from storymap.catalog import load_catalog

    venv = Path(sys.prefix)
    assert (venv / "bin" / "activate").is_file() and (venv / "bin" / "storymap").is_file(), \
        "run the tests from a virtualenv with the package installed (make test does: pip install -e '.[maps]')"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    script = tutorial_script(readme, venv)
    assert "storymap new nightjet-alps" in script and "storymap export nightjet-alps" in script
    # Offline: no User-Agent, so build geocodes without the network; HOME is the test's own.
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYMAP_")}
    env.update(HOME=str(tmp_path), STORYMAP_RATE_DIR=str(tmp_path / "rate"))
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    work = tmp_path / "storymaps"
    assert "nightjet-alps: check: ok: 5 stops, 5 quotes verified" in result.stderr
    assert "geocoding offline" not in result.stderr  # every stop is pinned: nothing to look up
    [(_, bundle)] = load_catalog([work / "stories" / "nightjet-alps.yaml"], work / "geodata")
    assert [stop.id for stop in bundle.story.stops] == ["amsterdam", "cologne", "munich", "innsbruck", "vienna"]
    assert (work / "dist" / "nightjet-alps.html").stat().st_size > 0
    # The sizes the tutorial quotes for the files to commit are the sizes the run wrote (to the KB).
    for name in ("route", "basemap"):
        size = (work / "geodata" / f"nightjet-alps.{name}.geojson").stat().st_size
        assert f"the {name}, {round(size / 1000)} KB" in tutorial_section(readme), (name, size)
