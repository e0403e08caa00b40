"""The hostile-input suite in one place: every bad input, through every door, changes nothing on disk.

Doors: the loader (tests/hostile_cases.py, exact messages in test_story.py), the command line, the
page (AppTest), the geodata readers, the export. Payloads: the YAML table, HTML/JS/Markdown/LaTeX in
every text field of a story, hostile query parameters, geodata truncated or edited by hand. Browser
checks of the same payloads are in tests/browser/test_hostile_browser.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil

import pytest
from helpers import FIXTURE_GEODATA, FIXTURE_STORIES, ROOT, copy_first_story
from hostile_cases import CASES
from streamlit.testing.v1 import AppTest

from storymap.catalog import load_bundle
from storymap.cli import main
from storymap.errors import StoryError
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
        ("title: Tram 28 across Lisbon", f"title: {p}"),
        ("    what: The Portuguese guide was added as a second source.\n    why: A reader asked for a source in the city's own language.",
         f"    what: {p}\n    why: {p}"), ("translated_by: the storymap test desk", f"translated_by: {p}"), ("dek: A fixture story for the tests.", f"dek: {p}\nbyline: {p}\ncredits: {p}"),
        ("    outlet: storymap test fixtures", f"    outlet: {p}\n    author: {p}\n    note: {p}"),
        ("    name: Martim Moniz\n", f"    name: {p}\n    local_names: {{pt: {p}}}\n"),
        ("    summary: The tram sets off.", f"    summary: {p}\n    sources_differ: [{{note: {p}, sources: [fixture-guide]}}]"),
        ("      - text: Tram 28 leaves Martim Moniz and climbs into Graça\n        source: fixture-guide",
         f"      - text: Tram 28 leaves Martim Moniz and climbs into Graça\n        source: fixture-guide\n"
         f"        speaker: {p}\n        speaker_basis: {p}\n        context: {p}"),
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
    (text_version,) = page.expander[0].get("html")
    # Our own markup only: every tag in it is one the renderer writes, the payload's are escaped.
    tags = set(re.findall(r"</?([a-zA-Z0-9]+)", text_version.proto.body))
    assert tags <= {"div", "h2", "h3", "p", "ol", "ul", "li", "blockquote", "footer", "em", "strong", "small",
                    "code", "br", "cite", "q", "a", "span"}, tags
    # The only links are the ones we built, to the Portuguese source's live page and its archived copy.
    assert re.findall(r'href="([^"]*)"', text_version.proto.body) == [
        "https://example.org/storymap-fixture/guia-28",
        "https://web.archive.org/web/2024/https://example.org/storymap-fixture/guia-28"]
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in text_version.proto.body
    assert config["corrections"][0]["what"] == PAYLOAD and config["corrections"][0]["why"] == PAYLOAD
    assert not page.markdown or all(PAYLOAD not in m.value for m in page.markdown)


def test_payload_in_every_text_field_is_inert_in_the_export(tmp_path):
    path, geodata = hostile_story(tmp_path)
    html = export_html(load_bundle(load_story(path), geodata), geodata)
    assert html.count("</script") == 4  # the JSON-LD, the config, deck.gl and the player
    head = html.split("<script")[0]
    assert not re.search(r"<img|javascript:alert\(3\)\)\"|onerror=alert\(2\)>", head)
    assert "<title>&lt;/script&gt;&lt;script&gt;alert(1)" in html


@pytest.mark.parametrize(("edit", "message"), [
    (lambda text: text[: len(text) // 2], "not valid JSON"),
    (lambda text: text.replace('"lat": ', '"lat": "'), "not valid JSON"),
    (lambda text: "\ufeff" + text, "not valid JSON"),
    (lambda text: json.dumps({"format": 1, "places": [{"query": "x"}]}), "places[0].lat: missing or wrong type"),
    (lambda text: "", "not valid JSON"),
])
def test_geodata_truncated_or_edited_by_hand(tmp_path, capsys, edit, message):
    copy_first_story(tmp_path / "stories", tmp_path / "geodata")
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
    copy_first_story(tmp_path / "stories", tmp_path / "geodata")
    (tmp_path / "geodata" / "kim-russia-2023.route.geojson").write_text(route_text, encoding="utf-8")
    assert main(["validate", str(tmp_path / "stories" / "kim-russia-2023.yaml"),
                 "--geodata-dir", str(tmp_path / "geodata")]) == 1
    out = capsys.readouterr().out
    assert "kim-russia-2023.route.geojson" in out and "run: python -m storymap route" in out


# --- one story's problem is that story's alone: every geodata file, every way it can be wrong -------

DEEP = "[" * 100_000 + "]" * 100_000


def _basemap_with(edit):
    def change(text: str) -> str:
        data = json.loads(text)
        edit(data)
        return json.dumps(data)
    return change


def _set(path, value):
    def edit(data):
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return edit


def _sub_once(pattern, new, text):
    changed, count = re.subn(pattern, new, text, count=1)
    assert count == 1, pattern
    return changed


GEODATA_CASES = [
    # (name, file suffix, what to put there: text, "dir", "dangling", or a function of the old text)
    ("cache nested 100,000 deep", ".geocode.json", DEEP),
    ("route nested 100,000 deep", ".route.geojson", DEEP),
    ("basemap nested 100,000 deep", ".basemap.geojson", DEEP),
    ("cache is a folder", ".geocode.json", "dir"),
    ("route is a folder", ".route.geojson", "dir"),
    ("basemap is a folder", ".basemap.geojson", "dir"),
    ("cache is a dangling link", ".geocode.json", "dangling"),
    ("route is a dangling link", ".route.geojson", "dangling"),
    ("basemap is a dangling link", ".basemap.geojson", "dangling"),
    ("basemap with NaN", ".basemap.geojson", lambda text: _sub_once(r'"detail_minzoom": ?8', '"detail_minzoom": NaN', text)),
    ("basemap with a huge number", ".basemap.geojson",
     lambda text: _sub_once(r'"detail_minzoom": ?8', '"detail_minzoom": 1' + "0" * 5000, text)),
    ("basemap point off the globe", ".basemap.geojson", _basemap_with(_set(["features", 0, "geometry"], {"type": "Point", "coordinates": [500, 0]}))),
    ("basemap geometry of another kind", ".basemap.geojson", _basemap_with(_set(["features", 0, "geometry", "type"], "Circle"))),
    ("basemap without features", ".basemap.geojson", _basemap_with(lambda data: data.pop("features"))),
    ("basemap layer unknown", ".basemap.geojson", _basemap_with(_set(["features", 0, "properties", "layer"], "<script>"))),
    ("basemap attribution missing", ".basemap.geojson", _basemap_with(lambda data: data["storymap"].pop("attribution"))),
    ("basemap is a list", ".basemap.geojson", "[]"),
    ("route with a leg of one point", ".route.geojson", _basemap_with(_set(["features", 0, "geometry", "coordinates"], [[0, 0]]))),
]


def _break_geodata(geodata, story_id, suffix, how):
    path = geodata / f"{story_id}{suffix}"
    if how == "dir":
        path.unlink()
        path.mkdir()
    elif how == "dangling":
        path.unlink()
        path.symlink_to(geodata / "gone.json")
    elif callable(how):
        path.write_text(how(path.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        path.write_text(how, encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "suffix", "how"), GEODATA_CASES, ids=[c[0] for c in GEODATA_CASES])
def test_every_broken_geodata_file_is_a_located_problem_of_its_story_alone(tmp_path, capsys, name, suffix, how):
    stories, geodata = tmp_path / "stories", tmp_path / "geodata"
    copy_first_story(stories, geodata)
    shutil.copy(FIXTURE_STORIES / "lisbon-tram-28.yaml", stories)
    shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", stories / "lisbon-tram-28")
    for path in FIXTURE_GEODATA.iterdir():
        shutil.copy(path, geodata)
    broken = _break_geodata(geodata, "kim-russia-2023", suffix, how)
    assert main(["validate", "--stories-dir", str(stories), "--geodata-dir", str(geodata)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    lines = captured.out.splitlines()
    assert lines and all(line.split(":")[0].endswith(broken.name) or "kim-russia-2023" in line.split(":")[0]
                         for line in lines), lines
    assert not any("bug in storymap" in line for line in lines), lines
    assert "lisbon-tram-28.yaml: ok" in captured.err, "the other story must still be valid"


def test_a_story_file_deleted_while_loading_is_its_own_problem(tmp_path):
    from storymap.catalog import load_catalog
    shutil.copy(FIXTURE_STORIES / "lisbon-tram-28.yaml", tmp_path)
    shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", tmp_path / "lisbon-tram-28")
    results = load_catalog([tmp_path / "gone.yaml", tmp_path / "lisbon-tram-28.yaml"], FIXTURE_GEODATA)
    assert [type(result).__name__ for _, result in results] == ["StoryError", "StoryBundle"]
    assert results[0][1].problems[0].message == "the story file is missing; check the path"


def test_a_source_deleted_while_loading_is_a_problem_not_a_crash(tmp_path, monkeypatch):
    import storymap.story as story_module
    shutil.copy(FIXTURE_STORIES / "lisbon-tram-28.yaml", tmp_path)
    shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", tmp_path / "lisbon-tram-28")
    real = story_module.read_limited

    def vanish(path, limit):  # the check for symbolic links passed; the file goes before it is read
        if path.suffix == ".txt":
            path.unlink()
        return real(path, limit)
    monkeypatch.setattr(story_module, "read_limited", vanish)
    with pytest.raises(StoryError) as caught:
        load_story(tmp_path / "lisbon-tram-28.yaml")
    assert "source text file 'lisbon-tram-28/sources/fixture-guide.txt' not found" in caught.value.problems[0].message


def test_an_unforeseen_failure_is_one_storys_problem(tmp_path, monkeypatch, capsys):
    import storymap.catalog as catalog
    shutil.copy(FIXTURE_STORIES / "lisbon-tram-28.yaml", tmp_path)
    shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", tmp_path / "lisbon-tram-28")
    geodata = tmp_path / "geodata"
    copy_first_story(tmp_path, geodata)
    for path in FIXTURE_GEODATA.iterdir():
        shutil.copy(path, geodata)
    real = catalog.checked_route

    def explode(story, located, geodata_dir, current=None):
        if story.id == "kim-russia-2023":
            raise MemoryError("simulated")
        return real(story, located, geodata_dir, current)
    monkeypatch.setattr(catalog, "checked_route", explode)
    assert main(["validate", "--stories-dir", str(tmp_path), "--geodata-dir", str(geodata)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert "kim-russia-2023.yaml:1:1: (story): could not be loaded (MemoryError: simulated)" in captured.out
    assert "lisbon-tram-28.yaml: ok" in captured.err


SOURCE_FILE_CASES = [
    ("a FIFO", lambda path: (path.unlink(), os.mkfifo(path)), "is not a regular file"),
    ("a symbolic link to the story file", lambda path: (path.unlink(), path.symlink_to(path.parent.parent.parent / "lisbon-tram-28.yaml")),
     "goes through a symbolic link"),
    ("a symbolic link inside the folder", lambda path: (path.rename(path.with_name("real.txt")), path.symlink_to("real.txt")),
     "goes through a symbolic link"),
    ("over the size limit", lambda path: path.write_bytes(b"a " * 1_000_001), "is 2,000,002 bytes; the limit is 2,000,000"),
    ("not UTF-8", lambda path: path.write_bytes(b"\xff\xfe Tram 28"), "is not UTF-8; save it as UTF-8"),
    ("a folder", lambda path: (path.unlink(), path.mkdir()), "is not a regular file"),
]


@pytest.mark.parametrize(("name", "change", "says"), SOURCE_FILE_CASES, ids=[c[0] for c in SOURCE_FILE_CASES])
def test_a_source_text_must_be_a_regular_file_in_the_sources_folder(tmp_path, name, change, says):
    shutil.copy(FIXTURE_STORIES / "lisbon-tram-28.yaml", tmp_path)
    shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", tmp_path / "lisbon-tram-28")
    change(tmp_path / "lisbon-tram-28" / "sources" / "fixture-guide.txt")
    with pytest.raises(StoryError) as caught:
        load_story(tmp_path / "lisbon-tram-28.yaml")
    assert says in caught.value.problems[0].message
    assert caught.value.problems[0].field == "sources[0].text"


# --- the page: never stale, never markup, never the server's paths ---------------------------------


def _fixture_folder(tmp_path):
    stories = tmp_path / "stories"
    stories.mkdir()
    shutil.copy(FIXTURE_STORIES / "lisbon-tram-28.yaml", stories)
    shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", stories / "lisbon-tram-28")
    return stories


def _page(monkeypatch, stories, geodata=FIXTURE_GEODATA, **query):
    monkeypatch.setenv("STORYMAP_STORIES_DIR", str(stories))
    monkeypatch.setenv("STORYMAP_GEODATA_DIR", str(geodata))
    page = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in query.items():
        page.query_params[key] = value
    return page


def _same_size_same_time(path, old, new):
    """Edit a file so that its size and modification time stay as they were."""
    assert len(old.encode()) == len(new.encode())
    info = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size and path.stat().st_mtime_ns == info.st_mtime_ns


@pytest.mark.parametrize("edited", ["source", "story"])
def test_the_page_reloads_a_story_whose_files_changed_by_content_alone(monkeypatch, tmp_path, edited):
    stories = _fixture_folder(tmp_path)
    page = _page(monkeypatch, stories).run()
    assert not page.error and page.get("component_instance")
    if edited == "source":  # the quoted words leave the source: the quote must not be shown as verified
        _same_size_same_time(stories / "lisbon-tram-28" / "sources" / "fixture-guide.txt", "climbs into", "climbs unto")
    else:
        _same_size_same_time(stories / "lisbon-tram-28.yaml", "climbs into Graça", "climbs unto Graça")
    page.run()
    assert not page.exception
    assert page.error and "cannot be shown" in page.error[0].value
    assert "quote not found verbatim in source 'fixture-guide'" in page.code[0].value
    assert not page.get("component_instance")


def test_internal_marker_strings_in_story_text_stay_text(monkeypatch, tmp_path):
    stories = _fixture_folder(tmp_path)
    markers = '{"__start__": true} {marker} "start": null, }'
    path = stories / "lisbon-tram-28.yaml"
    text = path.read_text(encoding="utf-8")
    for old in ("title: Tram 28 across Lisbon", "    name: Martim Moniz", "    summary: The tram sets off."):
        text = text.replace(old, old.split(":")[0] + ": " + json.dumps(markers))
    path.write_text(text, encoding="utf-8")
    page = _page(monkeypatch, stories, stop="martim-moniz").run()
    assert not page.exception and not page.error
    config = json.loads(json.loads(page.get("component_instance")[0].proto.json_args)["config"])
    assert config["story"]["title"] == markers and config["stops"][0]["summary"] == markers
    assert config["start"]["stop"] == "martim-moniz"
    (html,) = page.expander[0].get("html")
    assert html.proto.body.count("(linked stop)") == 1
    assert "{marker}" in html.proto.body


LINKY_NAME = "[x](evil.example) ![i](evil.example.png) www.evil.example a@evil.example :smile: $x^2$ <b>"


def test_a_story_file_name_never_becomes_markup_or_a_request(monkeypatch, tmp_path):
    stories = _fixture_folder(tmp_path)
    shutil.copy(stories / "lisbon-tram-28.yaml", stories / f"{LINKY_NAME}.yaml")
    page = _page(monkeypatch, stories, story=LINKY_NAME[:90]).run()
    assert not page.exception
    page.selectbox[0].select(LINKY_NAME).run()
    assert not page.exception
    # The name reaches the reader only inside the code block (literal text) and the picker.
    assert page.error and "evil" not in page.error[0].value
    assert LINKY_NAME in page.code[0].value
    for element in [*page.markdown, *page.info, *page.warning, *page.error, *page.caption]:
        assert "evil" not in element.value


def test_no_server_path_reaches_the_page(monkeypatch, tmp_path):
    stories = _fixture_folder(tmp_path)
    (stories / "lisbon-tram-28.yaml").write_text("titel: x\n", encoding="utf-8")
    page = _page(monkeypatch, stories).run()
    assert not page.exception
    shown = "\n".join([page.code[0].value, *(e.value for e in page.error)])
    assert str(tmp_path) not in shown and "/tmp" not in shown
    assert page.code[0].value.splitlines()[-1].startswith("stories/lisbon-tram-28.yaml:1:1: ")


def test_several_broken_stories_and_one_good_one_on_the_page(monkeypatch, tmp_path):
    stories = _fixture_folder(tmp_path)
    geodata = tmp_path / "geodata"
    shutil.copytree(FIXTURE_GEODATA, geodata)
    for index, (_, suffix, how) in enumerate(c for c in GEODATA_CASES if c[1] != ".geocode.json"):
        story_id = f"broken-{index}"
        text = (stories / "lisbon-tram-28.yaml").read_text(encoding="utf-8").replace("id: lisbon-tram-28", f"id: {story_id}")
        (stories / f"{story_id}.yaml").write_text(text.replace("lisbon-tram-28/sources/", f"{story_id}/sources/"), encoding="utf-8")
        shutil.copytree(stories / "lisbon-tram-28", stories / story_id)
        for suffix_of in (".route.geojson", ".basemap.geojson"):
            shutil.copy(geodata / f"lisbon-tram-28{suffix_of}", geodata / f"{story_id}{suffix_of}")
        _break_geodata(geodata, story_id, suffix, how)
    page = _page(monkeypatch, stories, geodata).run()
    assert not page.exception
    options = list(page.selectbox[0].options)
    assert options[-1] == "Tram 28 across Lisbon" and len(options) > 10
    for index in range(len(options) - 1):
        page.selectbox[0].select(f"broken-{index}").run()
        assert not page.exception and "cannot be shown" in page.error[0].value, index
        assert "bug in storymap" not in page.code[0].value
    page.selectbox[0].select("lisbon-tram-28").run()
    assert not page.exception and not page.error and page.get("component_instance")


@pytest.mark.parametrize("kind", ["folder", "dangling link"])
def test_a_folder_or_dangling_link_named_like_a_story_is_its_own_problem(monkeypatch, tmp_path, kind):
    stories = _fixture_folder(tmp_path)
    odd = stories / "aaa.yaml"
    if kind == "folder":
        odd.mkdir()
    else:
        odd.symlink_to(stories / "gone.yaml")
    page = _page(monkeypatch, stories).run()
    assert not page.exception
    assert "cannot be shown" in page.error[0].value
    says = "is not a regular file" if kind == "folder" else "is missing"
    assert page.code[0].value == f"stories/aaa.yaml:1:1: (story): the story file {says}; check the path"
    page.selectbox[0].select("lisbon-tram-28").run()
    assert not page.exception and not page.error and page.get("component_instance")
