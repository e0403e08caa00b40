"""The docs cannot drift: the README examples are real, loadable inputs."""

from __future__ import annotations

import re
import shutil

from helpers import ROOT

from storymap.limits import documented_table
from storymap.model import Body, Correction, Leg, Original, Place, Quote, Source, Stop, Story
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
    for model in (Story, Source, Body, Stop, Place, Leg, Quote, Original, Correction):
        for name, field in model.model_fields.items():
            assert f"`{field.alias or name}`" in readme, f"{model.__name__}.{name} is not documented"


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

    from storymap.cli import build_parser
    spec = importlib.util.spec_from_file_location("deploy_serve", ROOT / "deploy" / "serve.py")
    serve = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(serve)
    checked = 0
    for doc in (ROOT / "README.md", ROOT / "docs" / "deploy.md"):
        for command in command_lines(doc.read_text(encoding="utf-8")):
            words = shlex.split(command.split(" > ")[0].split(" && ")[0])
            if any(word.startswith("[") or re.fullmatch(r"[A-Z_]+", word) for word in words):
                continue  # a synopsis line (STORY_PATH, [--json]), not a command to run
            if words[:3] == ["python", "-m", "storymap"]:
                arguments = build_parser().parse_args(words[3:])
                story = getattr(arguments, "story", None)
                for path in story if isinstance(story, list) else [story]:
                    assert path is None or (ROOT / path).is_file(), f"{doc.name}: {command}: no such story file"
                checked += 1
            elif words[:2] == ["python", "deploy/serve.py"]:
                options = serve.parse_arguments(words[2:])
                ports = [options.first_port + i for i in range(options.replicas)]
                serve.site_config(ports, options.listen, options.frame_ancestors)
                checked += 1
    assert checked >= 4
