"""The hostile-input suite in one place: every bad input, through every door, changes nothing on disk.

Doors: the loader (tests/hostile_cases.py, exact messages in test_story.py), the command line, the
page (AppTest), the geodata readers, the export. Payloads: the YAML table, HTML/JS/Markdown/LaTeX in
every text field of a story, hostile query parameters, geodata truncated or edited by hand. Browser
checks of the same payloads are in tests/browser/test_hostile_browser.py.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil

import pytest
from helpers import FIXTURE_GEODATA, FIXTURE_STORIES, ROOT
from hostile_cases import CASES
from streamlit.testing.v1 import AppTest

from storymap.catalog import load_bundle
from storymap.cli import main
from storymap.export import export_html
from storymap.story import load_story

PAYLOAD = ("</script><script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3)) "
           "![i](http://example.invalid/t.png) $\\frac{1}{2}$ **b** {{7*7}} <!-- \u202e")
PROTECTED = [ROOT / "stories", ROOT / "geodata", ROOT / "tests" / "fixtures"]


def tree_digest() -> dict[str, str]:
    """A hash of every file the suite must leave alone."""
    digests = {}
    for folder in PROTECTED:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digests[str(path.relative_to(ROOT))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


@pytest.fixture(scope="module", autouse=True)
def nothing_on_disk_changes():
    before = tree_digest()
    yield
    assert tree_digest() == before, "a hostile input changed a file under stories/, geodata/ or tests/fixtures/"


def hostile_story(tmp_path, payload: str = PAYLOAD):
    """The Lisbon fixture with the payload in every free-text field (quotes must stay verbatim, so the
    payload goes into the quote's speaker and context, and into the source text a quote can cite)."""
    shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", tmp_path / "lisbon-tram-28")
    text = (FIXTURE_STORIES / "lisbon-tram-28.yaml").read_text(encoding="utf-8")
    p = json.dumps(payload)
    for old, new in [
        ("title: Tram 28 across Lisbon", f"title: {p}"), ("dek: A fixture story for the tests.", f"dek: {p}\nbyline: {p}\ncredits: {p}"),
        ("    outlet: storymap test fixtures", f"    outlet: {p}\n    author: {p}\n    note: {p}"),
        ("    name: Martim Moniz\n", f"    name: {p}\n    local_names: {{pt: {p}}}\n"),
        ("    summary: The tram sets off.", f"    summary: {p}\n    sources_differ: [{{note: {p}, sources: [fixture-guide]}}]"),
        ("      - text: Tram 28 leaves Martim Moniz and climbs into Graça\n        source: fixture-guide",
         f"      - text: Tram 28 leaves Martim Moniz and climbs into Graça\n        source: fixture-guide\n"
         f"        speaker: {p}\n        context: {p}"),
        ("    no_quote: The fixture text describes the terminus but the curators chose not to quote it.", f"    no_quote: {p}"),
    ]:
        assert old in text, old
        text = text.replace(old, new)
    text = text.replace("  - from: martim-moniz\n    to: portas-do-sol\n    mode: rail\n",
                        f"  - from: martim-moniz\n    to: portas-do-sol\n    mode: rail\n    label: {p}\n")
    path = tmp_path / "lisbon-tram-28.yaml"
    path.write_text(text, encoding="utf-8")
    # The leg label is part of the route: rebuild the route in a copy of the fixture geodata.
    geodata = tmp_path / "geodata"
    shutil.copytree(FIXTURE_GEODATA, geodata)
    assert main(["route", str(path), "--geodata-dir", str(geodata)]) == 0
    return path, geodata


@pytest.mark.parametrize(("text", "expected"), [(t, e) for _, t, e in CASES], ids=[n for n, _, _ in CASES])
def test_every_yaml_case_through_the_command_line(tmp_path, capsys, text, expected):
    if not expected:  # a case that is valid YAML and a valid story (none today, but keep the door honest)
        return
    path = tmp_path / "t.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
    shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", tmp_path / "lisbon-tram-28")
    assert main(["validate", str(path), "--geodata-dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert out.strip(), "no problem printed"
    assert all(line.startswith(f"{path}:") for line in out.splitlines())


@pytest.mark.parametrize("name", ["alias bomb", "100,000 nested brackets", "python tag", "control character",
                                  "non-UTF-8 bytes", "two documents", "50 MB scalar"])
def test_worst_yaml_cases_through_the_page(monkeypatch, tmp_path, name):
    text = next(t for n, t, _ in CASES if n == name)
    (tmp_path / "aaa.yaml").write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    shutil.copy(FIXTURE_STORIES / "lisbon-tram-28.yaml", tmp_path)
    shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", tmp_path / "lisbon-tram-28")
    monkeypatch.setenv("STORYMAP_STORIES_DIR", str(tmp_path))
    monkeypatch.setenv("STORYMAP_GEODATA_DIR", str(FIXTURE_GEODATA))
    page = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not page.exception
    assert "This story cannot be shown" in page.error[0].value
    page.selectbox[0].select("lisbon-tram-28").run()   # the other story is still served
    assert not page.exception and page.get("component_instance")


def test_payload_in_every_text_field_is_valid_and_reaches_the_page_as_text(monkeypatch, tmp_path):
    path, geodata = hostile_story(tmp_path)
    story = load_story(path)
    assert story.title == PAYLOAD
    monkeypatch.setenv("STORYMAP_STORIES_DIR", str(tmp_path))
    monkeypatch.setenv("STORYMAP_GEODATA_DIR", str(geodata))
    page = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not page.exception and not page.error
    config = json.loads(json.loads(page.get("component_instance")[0].proto.json_args)["config"])
    assert config["story"]["title"] == PAYLOAD and config["stops"][0]["name"] == PAYLOAD
    text_version = page.expander[0].markdown[0].value
    body = re.sub(r"(?m)^> ?", "", text_version.split("\n", 1)[1])  # our title line and quote markers aside
    for special in "<>[]()$`!{}":
        assert not re.search(r"(?<!\\)" + re.escape(special), body.replace("\\\\", "")), f"unescaped {special!r}"


def test_payload_in_every_text_field_is_inert_in_the_export(tmp_path):
    path, geodata = hostile_story(tmp_path)
    html = export_html(load_bundle(load_story(path), geodata), geodata)
    assert html.count("</script") == 4
    assert not re.search(r"<img|<a |javascript:alert\(3\)\)\"|onerror=alert\(2\)>", html.split("<script")[0])
    assert "<title>&lt;/script&gt;&lt;script&gt;alert(1)" in html


@pytest.mark.parametrize(("edit", "message"), [
    (lambda text: text[: len(text) // 2], "not valid JSON"),
    (lambda text: text.replace('"lat": ', '"lat": "'), "not valid JSON"),
    (lambda text: "\ufeff" + text, "not valid JSON"),
    (lambda text: json.dumps({"format": 1, "places": [{"query": "x"}]}), "places[0].lat: missing or wrong type"),
    (lambda text: "", "not valid JSON"),
])
def test_geodata_truncated_or_edited_by_hand(tmp_path, capsys, edit, message):
    shutil.copytree(ROOT / "stories", tmp_path / "stories")
    shutil.copytree(ROOT / "geodata", tmp_path / "geodata")
    cache = tmp_path / "geodata" / "kim-russia-2023.geocode.json"
    cache.write_text(edit(cache.read_text(encoding="utf-8")), encoding="utf-8")
    broken = cache.read_bytes()
    assert main(["validate", str(tmp_path / "stories" / "kim-russia-2023.yaml"),
                 "--geodata-dir", str(tmp_path / "geodata")]) == 1
    assert message in capsys.readouterr().out
    assert main(["geocode", str(tmp_path / "stories" / "kim-russia-2023.yaml"), "--provider", "offline",
                 "--geodata-dir", str(tmp_path / "geodata")]) == 1
    assert message in capsys.readouterr().err
    assert cache.read_bytes() == broken, "a broken cache must be left as it is"


@pytest.mark.parametrize("route_text", ["{", '{"type": "FeatureCollection"}', "[]"])
def test_route_file_edited_by_hand(tmp_path, capsys, route_text):
    shutil.copytree(ROOT / "stories", tmp_path / "stories")
    shutil.copytree(ROOT / "geodata", tmp_path / "geodata")
    (tmp_path / "geodata" / "kim-russia-2023.route.geojson").write_text(route_text, encoding="utf-8")
    assert main(["validate", str(tmp_path / "stories" / "kim-russia-2023.yaml"),
                 "--geodata-dir", str(tmp_path / "geodata")]) == 1
    out = capsys.readouterr().out
    assert "kim-russia-2023.route.geojson" in out and "run: python -m storymap route" in out
