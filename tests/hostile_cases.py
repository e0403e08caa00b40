"""Bad story inputs and the exact messages they must produce (shared by the tests and the docs)."""

from __future__ import annotations

BASE = """\
id: lisbon-tram-28
title: A test story
time_zone: Europe/Lisbon
region: {near: {lat: 38.7, lon: -9.1}, within_km: 12}
sources:
  - id: guide
    outlet: Fixtures
    headline: A ride on tram 28
    text: lisbon-tram-28/sources/fixture-guide.txt
    body: {from: Tram 28 leaves, to: the Prazeres cemetery.}
stops:
  - id: first
    name: Martim Moniz
    date: 2024-05-01
    place: {query: Martim Moniz}
    summary: Start.
    quotes:
      - text: Tram 28 leaves Martim Moniz
        source: guide
  - id: second
    name: Portas do Sol
    date: 2024-05-02
    place: {query: Portas do Sol}
    summary: View.
    quotes:
      - text: the view opens over the rooftops of Alfama
        source: guide
legs:
  - from: first
    to: second
    mode: rail
"""


def edit(old: str, new: str) -> str:
    """BASE with one exact fragment replaced (fails loudly if the fragment is not there)."""
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" + "".join(
    f"{chr(99 + i)}: &{chr(99 + i)} [" + ", ".join([f"*{chr(98 + i)}"] * 9) + "]\n" for i in range(7))

SRC = "lisbon-tram-28/sources/fixture-guide.txt"
Q1 = "      - text: Tram 28 leaves Martim Moniz\n        source: guide"
BODY = "    body: {from: Tram 28 leaves, to: the Prazeres cemetery.}\n"

# (name, story text or bytes, exact problem lines)
CASES: list[tuple[str, str | bytes, list[str]]] = [
    ("empty file", "", ["t.yaml:1:1: (story): the file is empty; start from the example in stories/README.md"]),
    ("only a comment", "# nothing\n", ["t.yaml:1:1: (story): the file is empty; start from the example in stories/README.md"]),
    ("top level is a list", "- a\n- b\n", ["t.yaml:1:1: (story): the top level must be a mapping of story fields (title:, stops:, ...); see stories/README.md"]),
    ("top level is text", "hello\n", ["t.yaml:1:1: (story): the top level must be a mapping of story fields (title:, stops:, ...); see stories/README.md"]),
    ("syntax error", edit("    name: Martim Moniz\n", "    name: Martim Moniz\n   bad: indent\n"), [
        "t.yaml:14:4: (story): YAML syntax: did not find expected '-' indicator, while parsing a block collection that starts on line 12; check indentation and quoting on this line and the one above",
    ]),
    ("tab indentation", edit("    name: Martim Moniz\n", "\tname: Martim Moniz\n"), [
        "t.yaml:13:1: (story): YAML syntax: a tab character at 13:1; YAML indents with spaces: replace the tab with spaces",
    ]),
    ("tab indenting a nested field", edit("    place: {query: Martim Moniz}\n", "    place:\n    \tquery: Martim Moniz\n"), [
        "t.yaml:16:5: (story): YAML syntax: a tab character at 16:5; YAML indents with spaces: replace the tab with spaces",
    ]),
    ("unquoted colon in a summary", edit("    summary: Start.\n", "    summary: Start: the tram leaves.\n"), [
        't.yaml:16:19: (story): YAML syntax: an unquoted \': \' inside a value; put the value in quotes: summary: "Start: the tram leaves."',
    ]),
    ("unquoted colon in a quote", edit("      - text: the view opens over the rooftops of Alfama\n",
                                       '      - text: the view opens: "rooftops of Alfama"\n'), [
        't.yaml:26:29: (story): YAML syntax: an unquoted \': \' inside a value; put the value in quotes: text: "the view opens: \\"rooftops of Alfama\\""',
    ]),
    ("unclosed quote", edit("title: A test story", 'title: "A test story'), [
        't.yaml:32:1: (story): YAML syntax: found unexpected end of stream, while scanning a quoted scalar that starts on line 2; check indentation and quoting on this line and the one above',
    ]),
    ("alias bomb", BILLION_LAUGHS, [
        't.yaml:1:4: (story): anchors (&a) are not allowed; write the value out in full',
    ]),
    ("self-referencing alias", "a: &a [*a]\n", [
        't.yaml:1:4: (story): anchors (&a) are not allowed; write the value out in full',
    ]),
    ("alias to a stop", edit("  - id: second", "  - &s\n    id: second"), [
        't.yaml:20:5: stops: anchors (&s) are not allowed; write the value out in full',
    ]),
    ("merge key", edit("region: {near: {lat: 38.7, lon: -9.1}, within_km: 12}", "region:\n  <<: {near: {lat: 38.7, lon: -9.1}}\n  within_km: 12"), [
        't.yaml:5:3: region: merge keys (<<) are not allowed; write the fields out in full',
    ]),
    ("python tag", edit("title: A test story", "title: !!python/object/apply:os.system ['ls']"), [
        't.yaml:2:8: (story): tags (tag:yaml.org,2002:python/object/apply:os.system) are not allowed; quote the value if it must be text',
    ]),
    ("custom tag", edit("title: A test story", "title: !story A test story"), [
        't.yaml:2:8: (story): tags (!story) are not allowed; quote the value if it must be text',
    ]),
    ("explicit str tag", edit("title: A test story", "title: !!str 012"), [
        't.yaml:2:8: (story): tags (tag:yaml.org,2002:str) are not allowed; quote the value if it must be text',
    ]),
    ("two documents", BASE + "---\nid: u\n", [
        "t.yaml:32:1: (story): a second YAML document ('---') is not allowed; one story per file",
    ]),
    ("duplicate key", edit("title: A test story\n", "title: A test story\ntitle: Another\n"), [
        "t.yaml:3:1: title: duplicate key 'title' (first on line 2); keep only one",
    ]),
    ("number as key", edit("title: A test story\n", "title: A test story\n1: one\n"), [
        "t.yaml:3:1: (story): key '1' must be text; write it as a name such as 'title'",
    ]),
    ("boolean as key", edit("title: A test story\n", "title: A test story\ntrue: yes\n"), [
        "t.yaml:3:1: (story): key 'true' must be text; write it as a name such as 'title'",
    ]),
    ("complex key", edit("title: A test story\n", "title: A test story\n? [a, b]\n: c\n"), [
        't.yaml:3:3: (story): a key must be plain text, not a list or mapping',
    ]),
    ("YAML 1.1 octal 012", edit("    name: Martim Moniz", "    name: 012"), [
        "t.yaml:13:5: stops[0].name: expected text, but YAML reads 012 as the number 12; write it in quotes: '012'",
    ]),
    ("YAML 1.1 sexagesimal 10:30 for a number", edit("time_zone: Europe/Lisbon\n", "time_zone: Europe/Lisbon\ndwell_seconds: 10:30\n"), [
        "t.yaml:4:1: dwell_seconds: expected a number, got the text '10:30'; write digits without quotes, e.g. 43.1",
    ]),
    ("unquoted time is still text", edit("    date: 2024-05-01\n", "    date: 2024-05-01\n    time: 25:00\n"), [
        "t.yaml:15:5: stops[0].time: '25:00' is not a time of day; hours go 00-23 and minutes 00-59",
    ]),
    ("date as a number", edit("    date: 2024-05-01", "    date: 20240501"), [
        't.yaml:14:5: stops[0].date: expected text, got the number 20240501; write it in quotes',
    ]),
    ("invalid date 2024-02-30", edit("    date: 2024-05-01", "    date: 2024-02-30"), [
        "t.yaml:14:5: stops[0].date: '2024-02-30' is not a day of the calendar; check the month and day",
    ]),
    ("date in the wrong form", edit("    date: 2024-05-01", "    date: 1 May 2024"), [
        "t.yaml:14:5: stops[0].date: '1 May 2024' is not a date; write it as YYYY-MM-DD, for example 2023-09-12",
    ]),
    ("boolean where text is expected", edit("title: A test story", "title: true"), [
        "t.yaml:2:1: title: expected text, but YAML reads true as the boolean true; write it in quotes: 'true'",
    ]),
    ("null title", edit("title: A test story", "title: ~"), [
        "t.yaml:2:1: title: expected text, but YAML reads ~ as nothing (null); write it in quotes: '~'",
    ]),
    ("blank title", edit("title: A test story", "title: '   '"), [
        't.yaml:2:1: title: is empty; write some text or remove the field',
    ]),
    ("unknown time zone", edit("time_zone: Europe/Lisbon", "time_zone: Mars/Olympus_Mons"), [
        "t.yaml:3:1: time_zone: 'Mars/Olympus_Mons' is not an IANA time zone; use a name such as 'Asia/Vladivostok'",
    ]),
    ("time zone that is a folder", edit("time_zone: Europe/Lisbon", "time_zone: Europe"), [
        "t.yaml:3:1: time_zone: 'Europe' is not an IANA time zone; use a name such as 'Asia/Vladivostok'",
    ]),
    ("time zone path traversal", edit("time_zone: Europe/Lisbon", "time_zone: ../../etc/passwd"), [
        "t.yaml:3:1: time_zone: '../../etc/passwd' is not an IANA time zone; use a name such as 'Asia/Vladivostok'",
    ]),
    ("latitude out of range", edit("region: {near: {lat: 38.7,", "region: {near: {lat: 95,"), [
        't.yaml:4:17: region.near.lat: 95 is out of range: it must be less than or equal to 90',
    ]),
    ("longitude infinite", edit("lon: -9.1}", "lon: .inf}"), [
        't.yaml:4:28: region.near.lon: must be a finite number, not infinity or NaN',
    ]),
    ("latitude NaN", edit("region: {near: {lat: 38.7,", "region: {near: {lat: .nan,"), [
        't.yaml:4:17: region.near.lat: must be a finite number, not infinity or NaN',
    ]),
    ("distance as text", edit("within_km: 12}", "within_km: twelve}"), [
        "t.yaml:4:40: region.within_km: expected a number, got the text 'twelve'; write digits without quotes, e.g. 43.1",
    ]),
    ("typo at top level", edit("title: A test story", "titel: A test story"), [
        "t.yaml:1:1: title: required field 'title' is missing; add it",
        "t.yaml:2:1: titel: unknown field 'titel'; did you mean 'title'? allowed here: byline, corrections, credits, dek, disagreements, dwell_seconds, id, language, layers, legs, map, region, sources, speakers, stops, time_zone, title",
    ]),
    ("typo in a stop", edit("    summary: Start.", "    sumary: Start."), [
        "t.yaml:12:5: stops[0].summary: required field 'summary' is missing; add it",
        "t.yaml:16:5: stops[0].sumary: unknown field 'sumary'; did you mean 'summary'? allowed here: camera, date, dwell_seconds, id, layers, local_names, name, no_quote, place, quotes, sources_differ, summary, time, time_zone",
    ]),
    ("missing title", edit("title: A test story\n", ""), [
        "t.yaml:1:1: title: required field 'title' is missing; add it",
    ]),
    ("legs is a mapping", edit("  - from: first\n    to: second\n    mode: rail\n", "  from: first\n  to: second\n"), [
        "t.yaml:28:1: legs: expected a list (lines starting with '- '), got a mapping",
    ]),
    ("id not a slug", edit("  - id: first", "  - id: First Stop"), [
        "t.yaml:12:5: stops[0].id: 'First Stop' is not a slug (lower-case letters, digits and single hyphens); for example 'first-stop'",
    ]),
    ("duplicate stop id", edit("  - id: second", "  - id: first"), [
        "t.yaml:20:5: stops[1].id: duplicate id 'first' (also stops[0]); ids must be unique",
        "t.yaml:30:5: legs[0].to: unknown stop 'second'; a leg joins two stops of this story",
    ]),
    ("unknown quote source", edit("      - text: Tram 28 leaves Martim Moniz\n        source: guide", "      - text: Tram 28 leaves Martim Moniz\n        source: guid"), [
        "t.yaml:19:9: stops[0].quotes[0].source: unknown source 'guid'; did you mean 'guide'? known sources: guide",
    ]),
    ("quote not verbatim", edit("- text: Tram 28 leaves Martim Moniz", "- text: Tram 28 departs Martim Moniz"), [
        't.yaml:18:9: stops[0].quotes[0].text: quote not found verbatim in source \'guide\'; closest passage (87% alike): "Tram 28 leaves Martim Moniz"; copy the words exactly',
    ]),
    ("quote from nowhere", edit("- text: Tram 28 leaves Martim Moniz", "- text: The weather in Oslo was grey all week"), [
        "t.yaml:18:9: stops[0].quotes[0].text: quote not found in source 'guide', nor anything like it; check the source id",
    ]),
    ("source file missing", edit("lisbon-tram-28/sources/fixture-guide.txt", "lisbon-tram-28/sources/nope.txt"), [
        "t.yaml:9:5: sources[0].text: source text file 'lisbon-tram-28/sources/nope.txt' not found; copy the article's text to lisbon-tram-28/sources/",
    ]),
    ("source path escapes the folder", edit("lisbon-tram-28/sources/fixture-guide.txt", "../../../../etc/passwd"), [
        "t.yaml:9:5: sources[0].text: '../../../../etc/passwd' must be a relative path inside lisbon-tram-28/sources/, without '..'",
    ]),
    ("source path absolute", edit("lisbon-tram-28/sources/fixture-guide.txt", "/etc/passwd"), [
        "t.yaml:9:5: sources[0].text: '/etc/passwd' must be a relative path inside lisbon-tram-28/sources/, without '..'",
    ]),
    ("leg to an unknown stop", edit("    to: second", "    to: secnod"), [
        "t.yaml:30:5: legs[0].to: unknown stop 'secnod'; did you mean 'second'? a leg joins two stops of this story",
    ]),
    ("leg skipping a stop", edit("    to: second", "    to: first"), [
        "t.yaml:30:5: legs[0].to: a leg joins consecutive stops; the stop after 'first' is 'second'",
    ]),
    ("unknown travel mode", edit("    mode: rail", "    mode: train"), [
        "t.yaml:31:5: legs[0].mode: the text 'train' is not allowed; use one of 'rail', 'road', 'air' or 'sea'",
    ]),
    ("stops out of order", edit("    date: 2024-05-02", "    date: 2024-04-30"), [
        "t.yaml:22:5: stops[1].date: 2024-04-30 comes before the previous stop 'first' (2024-05-01); stops must be in travel order",
    ]),
    ("stop without quotes or reason", edit("    quotes:\n      - text: Tram 28 leaves Martim Moniz\n        source: guide\n", ""), [
        "t.yaml:12:5: stops[0]: a stop needs at least one quote, or 'no_quote' saying why the sources have none",
    ]),
    ("region missing within_km", edit("    place: {query: Martim Moniz}", "    place: {query: Martim Moniz, region: {near: {lat: 38.7, lon: -9.1}}}"), [
        "t.yaml:15:34: stops[0].place.region: 'near' and 'within_km' go together; give both or neither",
    ]),
    ("control character", edit("title: A test story", "title: A test\x07story"), [
        't.yaml:2:14: (story): control character U+0007 is not allowed; delete it (it is often pasted in invisibly)',
    ]),
    ("lone surrogate escape", edit("title: A test story", 'title: "A test \\ud800 story"'), [
        't.yaml:2:18: (story): YAML syntax: found invalid Unicode character escape code; check indentation and quoting on this line and the one above',
    ]),
    ("non-UTF-8 bytes", edit("title: A test story", "title: A test story XX").encode().replace(b"XX", b"\xff\xfe"), [
        't.yaml:2:21: (story): byte 0xff is not UTF-8; save the file as UTF-8',
    ]),
    ("50 MB scalar", b"title: " + b"x" * 50_000_000 + b"\n", [
        't.yaml:1:1: (story): file is 50,000,008 bytes; the limit is 8,000,000: a story file holds text, not data — split it or shorten it',
    ]),
    ("100,000 nested brackets", "title: " + "[" * 100_000 + "]" * 100_000 + "\n", [
        't.yaml:1:39: title[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]: nested more than 32 levels deep; a story needs only a few levels',
    ]),
    ("deep block nesting", "".join("  " * i + f"k{i}:\n" for i in range(40)) + "  " * 40 + "v\n", [
        't.yaml:33:65: k0.k1.k2.k3.k4.k5.k6.k7.k8.k9.k10.k11.k12.k13.k14.k15.k16.k17.k18.k19.k20.k21.k22.k23.k24.k25.k26.k27.k28.k29.k30.k31: nested more than 32 levels deep; a story needs only a few levels',
    ]),
    ("too many values", "stops:\n" + "  - x\n" * 400_001, [
        't.yaml:399999:5: stops: more than 400,000 values in one file; a story needs far fewer',
    ]),
    ("long scalar", "title: " + "x" * 30_000 + "\n", [
        't.yaml:1:8: title: a value of 30,000 characters; the limit is 20,000',
    ]),
    # Integrity: a source is a source, verbatim means verbatim, extreme values stay problems.
    ('source is the story file', edit(SRC, "lisbon-tram-28.yaml"), [
        "t.yaml:9:5: sources[0].text: 'lisbon-tram-28.yaml' is a story or data file, not a source text; save the article's text as a .txt file in lisbon-tram-28/sources/",
    ]),
    ('source is a story file in its sources folder', edit(SRC, "lisbon-tram-28/sources/other.yaml"), [
        "t.yaml:9:5: sources[0].text: 'lisbon-tram-28/sources/other.yaml' is a story or data file, not a source text; save the article's text as a .txt file in lisbon-tram-28/sources/",
    ]),
    ('source is a data file', edit(SRC, "lisbon-tram-28/sources/route.GEOJSON"), [
        "t.yaml:9:5: sources[0].text: 'lisbon-tram-28/sources/route.GEOJSON' is a story or data file, not a source text; save the article's text as a .txt file in lisbon-tram-28/sources/",
    ]),
    ('source beside the folder', edit(SRC, "lisbon-tram-28/fixture-guide.txt"), [
        "t.yaml:9:5: sources[0].text: 'lisbon-tram-28/fixture-guide.txt' is not in lisbon-tram-28/sources/; keep each source text in the story's own sources folder (text: lisbon-tram-28/sources/fixture-guide.txt)",
    ]),
    ('source of another story', edit(SRC, "kim-russia-2023/sources/000_5d01c8594817aafb.txt"), [
        "t.yaml:9:5: sources[0].text: 'kim-russia-2023/sources/000_5d01c8594817aafb.txt' is not in lisbon-tram-28/sources/; keep each source text in the story's own sources folder (text: lisbon-tram-28/sources/000_5d01c8594817aafb.txt)",
    ]),
    ('source dot-dot inside the path', edit(SRC, "lisbon-tram-28/sources/../../lisbon-tram-28.yaml"), [
        "t.yaml:9:5: sources[0].text: 'lisbon-tram-28/sources/../../lisbon-tram-28.yaml' must be a relative path inside lisbon-tram-28/sources/, without '..'",
    ]),
    ('source is the sources folder', edit(SRC, "lisbon-tram-28/sources"), [
        "t.yaml:9:5: sources[0].text: source text 'lisbon-tram-28/sources' is not a regular file; save the article's text as a .txt file in lisbon-tram-28/sources/",
    ]),
    ('source under a home folder', edit(SRC, "~/fixture-guide.txt"), [
        "t.yaml:9:5: sources[0].text: '~/fixture-guide.txt' is not in lisbon-tram-28/sources/; keep each source text in the story's own sources folder (text: lisbon-tram-28/sources/fixture-guide.txt)",
    ]),
    ('quote starts inside a word', edit(Q1, "      - text: ram 28 leaves Martim Moniz\n        source: guide"), [
        "t.yaml:18:9: stops[0].quotes[0].text: quote is in source 'guide' only as part of longer words (it must start and end on word boundaries); quote whole words",
    ]),
    ('quote ends inside a word', edit(Q1, "      - text: Tram 28 leaves Martim Mon\n        source: guide"), [
        "t.yaml:18:9: stops[0].quotes[0].text: quote is in source 'guide' only as part of longer words (it must start and end on word boundaries); quote whole words",
    ]),
    ('quote is one word inside another', edit(Q1, "      - text: raç\n        source: guide"), [
        "t.yaml:18:9: stops[0].quotes[0].text: quote is in source 'guide' only as part of longer words (it must start and end on word boundaries); quote whole words",
    ]),
    ('quote across an unmarked break', edit(Q1, "      - text: to the river. The line ends\n        source: guide"), [
        "t.yaml:18:9: stops[0].quotes[0].text: quote runs across a paragraph break of source 'guide' (paragraph 2 ends inside it); mark the break with […] where it falls",
    ]),
    ('paragraph mark in the wrong place', edit(Q1, "      - text: the river. […] ends at Campo\n        source: guide"), [
        't.yaml:18:9: stops[0].quotes[0].text: quote not found verbatim in source \'guide\'; closest passage (82% alike): "The line ends at Campo"; copy the words exactly',
    ]),
    ('paragraph mark inside a paragraph', edit(Q1, "      - text: Tram 28 leaves […] Martim Moniz\n        source: guide"), [
        "t.yaml:18:9: stops[0].quotes[0].text: […] stands for a paragraph break, and source 'guide' has none there; remove it (a quote leaves nothing out)",
    ]),
    ('quote is only a paragraph mark', edit(Q1, "      - text: '[…]'\n        source: guide"), [
        "t.yaml:18:9: stops[0].quotes[0].text: quote not found in source 'guide', nor anything like it; check the source id",
    ]),
    ('quote from outside the article', edit(Q1, "      - text: This short text was written for storymap's tests\n        source: guide"), [
        "t.yaml:18:9: stops[0].quotes[0].text: quote is in the stored page of source 'guide' but outside its article (body.from to body.to): menus, author boxes and reader comments are not quotable; quote the article",
    ]),
    ('body missing', edit(BODY, ""), [
        't.yaml:6:5: sources[0].body: required field \'body\' is missing; add body: {from: "<the article\'s first words>", to: "<its last words>"} as they stand in the source text',
    ]),
    ('body.from not in the source', edit(BODY, "    body: {from: Tram 29 leaves, to: the Prazeres cemetery.}\n"), [
        "t.yaml:10:12: sources[0].body.from: 'Tram 29 leaves' is not in the source text; copy the first words of the article exactly, within one paragraph",
    ]),
    ('body.from ambiguous', edit(BODY, "    body: {from: the, to: the Prazeres cemetery.}\n"), [
        "t.yaml:10:12: sources[0].body.from: 'the' occurs 6 times in the source text; add words until it occurs once",
    ]),
    ('body.to before body.from', edit(BODY, "    body: {from: At Largo das Portas, to: climbs into Graça}\n"), [
        "t.yaml:10:39: sources[0].body.to: 'climbs into Graça' is not in the source text after 'from'; copy the last words of the article exactly, within one paragraph",
    ]),
    ('body.to not in the source', edit(BODY, "    body: {from: Tram 28 leaves, to: the Prazeres graveyard.}\n"), [
        "t.yaml:10:34: sources[0].body.to: 'the Prazeres graveyard.' is not in the source text; copy the last words of the article exactly, within one paragraph",
    ]),
    ('body.from blank', edit(BODY, "    body: {from: ' ', to: the Prazeres cemetery.}\n"), [
        't.yaml:10:12: sources[0].body.from: is empty; write some text or remove the field',
    ]),
    ('body with a typo', edit(BODY, "    body: {form: Tram 28 leaves, to: the Prazeres cemetery.}\n"), [
        "t.yaml:10:5: sources[0].body.from: required field 'from' is missing; add it",
        "t.yaml:10:12: sources[0].body.form: unknown field 'form'; did you mean 'from'? allowed here: from, to",
    ]),
    ('body as text', edit(BODY, "    body: Tram 28 leaves\n"), [
        "t.yaml:10:5: sources[0].body: expected a mapping of fields (name: value lines), got the text 'Tram 28 leaves'",
    ]),
    ('speaker not named near the quote', edit(Q1, Q1 + "\n        speaker: Vladimir Putin"), [
        "t.yaml:20:9: stops[0].quotes[0].speaker: 'Vladimir Putin' is not named near this quote in source 'guide' (looked for 'Vladimir Putin' in its paragraph and the ones before and after); add the name the source uses under the story's speakers: (Vladimir Putin: [...]), or give speaker_basis: with your reason",
    ]),
    ('speaker named only far away', edit(Q1, Q1 + "\n        speaker: Prazeres"), [
        "t.yaml:20:9: stops[0].quotes[0].speaker: 'Prazeres' is not named near this quote in source 'guide' (looked for 'Prazeres' in its paragraph and the ones before and after); add the name the source uses under the story's speakers: (Prazeres: [...]), or give speaker_basis: with your reason",
    ]),
    ('speakers as a list', edit("stops:\n", "speakers: [Kim, Putin]\nstops:\n"), [
        't.yaml:11:1: speakers: expected a mapping of fields (name: value lines), got a list',
    ]),
    ('speaker alias as text', edit("stops:\n", "speakers: {Vladimir Putin: Putin}\nstops:\n"), [
        "t.yaml:11:12: speakers.Vladimir Putin: expected a list (lines starting with '- '), got the text 'Putin'",
    ]),
    ('speaker_basis blank', edit(Q1, Q1 + "\n        speaker: Vladimir Putin\n        speaker_basis: ''"), [
        't.yaml:21:9: stops[0].quotes[0].speaker_basis: is empty; write some text or remove the field',
    ]),
    ('date in year 1', edit("    date: 2024-05-01", "    date: 0001-01-01\n    time: '00:30'"), [
        "t.yaml:14:5: stops[0].date: '0001-01-01' is outside the dates storymap can place in time (0002-01-01 to 9998-12-31)",
    ]),
    ('date in year 9999', edit("    date: 2024-05-02", "    date: 9999-12-31\n    time: '23:30'"), [
        "t.yaml:22:5: stops[1].date: '9999-12-31' is outside the dates storymap can place in time (0002-01-01 to 9998-12-31)",
    ]),
    ('time with a trailing newline', edit("    date: 2024-05-01\n", "    date: 2024-05-01\n    time: \"09:00\\n\"\n"), [
        "t.yaml:15:5: stops[0].time: '09:00\\n' is not a time of day; write it as HH:MM in quotes, for example '14:30'",
    ]),
    ('time in Arabic-Indic digits', edit("    date: 2024-05-01\n", "    date: 2024-05-01\n    time: \"\u0660\u0669:\u0663\u0660\"\n"), [
        "t.yaml:15:5: stops[0].time: '٠٩:٣٠' is not a time of day; write it as HH:MM in quotes, for example '14:30'",
    ]),
    ('date in full-width digits', edit("    date: 2024-05-01", "    date: \"\uff12\uff10\uff12\uff14-05-01\""), [
        "t.yaml:14:5: stops[0].date: '２０２４-05-01' is not a date; write it as YYYY-MM-DD, for example 2023-09-12",
    ]),
    ('slug with a trailing newline', edit("  - id: first", "  - id: \"first\\n\""), [
        "t.yaml:12:5: stops[0].id: 'first\\n' is not a slug (lower-case letters, digits and single hyphens); for example 'first'",
    ]),
    ('number thousands of digits long', edit("time_zone: Europe/Lisbon\n", "time_zone: Europe/Lisbon\ndwell_seconds: " + "9" * 5000 + "\n"), [
        't.yaml:4:16: dwell_seconds: a number of 5,000 characters; numbers here need at most 30 digits (quote it if it is text)',
    ]),
    ('key thousands of digits long', edit("title: A test story\n", "title: A test story\n" + "1" * 5000 + ": x\n"), [
        "t.yaml:3:5001: (story): YAML syntax: could not find expected ':'; check indentation and quoting on this line and the one above",
    ]),
    ('float with a huge exponent', edit("time_zone: Europe/Lisbon\n", "time_zone: Europe/Lisbon\ndwell_seconds: 1e999\n"), [
        't.yaml:4:1: dwell_seconds: must be a finite number, not infinity or NaN',
    ]),
    ("a story camera, now fitted to the route", edit("region: {near: {lat: 38.7, lon: -9.1}, within_km: 12}", "camera: {lat: 38.7, lon: -9.1, zoom: 12}"), [
        "t.yaml:4:1: camera: a story has no camera of its own any more: the whole-trip view is fitted to the route on every screen; delete this field (each stop's camera stays)",
    ]),
]


def edits(*pairs: tuple[str, str]) -> str:
    """BASE with several exact fragments replaced, each found once."""
    text = BASE
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


LISBON_AT_NINE = ("    date: 2024-05-01\n    place: {query: Martim Moniz}\n",
                  '    date: 2024-05-01\n    time: "09:00"\n'
                  "    place: {query: Martim Moniz, pin: {lat: 38.7157, lon: -9.1365, reason: the square}}\n")


def second_stop(date: str, lines: str) -> tuple[str, str]:
    """Replace the second stop's date and place with these."""
    return "    date: 2024-05-02\n    place: {query: Portas do Sol}\n", f"    date: {date}\n{lines}"


# Legs faster than any vehicle of their mode (storymap/route.py, leg_speed_problems): (name, story, problems).
SPEED_CASES: list[tuple[str, str, list[str]]] = [
    ("a namesake far away", edits(LISBON_AT_NINE, second_stop("2024-05-01", (
        '    time: "09:20"\n    place: {query: Portas do Sol, region: {country: pt}, '
        "pin: {lat: 41.1496, lon: -8.611, reason: a namesake in Porto}}\n"))), [
        "t.yaml:31:5: legs[0]: 274 km from 'first' (2024-05-01 09:00 Europe/Lisbon) to 'second' (2024-05-01 09:20 "
        "Europe/Lisbon) in 0.33 h is 822 km/h, faster than any train (350 km/h); check both places' coordinates "
        "(a namesake far away?) and both times and their time zones (a stop's time_zone: is its local zone)",
    ]),
    ("a time written in the wrong zone", edits(LISBON_AT_NINE, second_stop("2024-05-01", (
        '    time: "10:40"\n    time_zone: Europe/Madrid\n    place: {query: Madrid, region: {country: es}, '
        "pin: {lat: 40.4168, lon: -3.7038, reason: Madrid Atocha}}\n"))), [
        # 1 h 40 min on the clocks, 40 minutes in fact: Madrid is an hour ahead of Lisbon.
        "t.yaml:32:5: legs[0]: 503 km from 'first' (2024-05-01 09:00 Europe/Lisbon) to 'second' (2024-05-01 10:40 "
        "Europe/Madrid) in 0.67 h is 755 km/h, faster than any train (350 km/h); check both places' coordinates "
        "(a namesake far away?) and both times and their time zones (a stop's time_zone: is its local zone)",
    ]),
    ("days without times, still too fast", edits(
        ("    place: {query: Martim Moniz}\n",
         "    place: {query: Martim Moniz, pin: {lat: 38.7157, lon: -9.1365, reason: the square}}\n"),
        second_stop("2024-05-01", (
            "    time_zone: Asia/Vladivostok\n    place: {query: Vladivostok, region: {country: ru}, "
            "pin: {lat: 43.1115, lon: 131.8825, reason: the station}}\n"))), [
        "t.yaml:30:5: legs[0]: 10,130 km from 'first' (2024-05-01 time unknown, counted from 00:00 Europe/Lisbon) "
        "to 'second' (2024-05-01 time unknown, counted to 24:00 Asia/Vladivostok) in at most 15.00 h is 675 km/h, "
        "faster than any train (350 km/h); check both places' coordinates (a namesake far away?) and both times "
        "and their time zones (a stop's time_zone: is its local zone)",
    ]),
]
