"""The story as text, for readers without JavaScript or a map: one renderer for the page and the export.

It reads the player config (storymap.deck.player_config), so it says exactly what the player shows:
every stop with its date, distance, summary, quotes with attribution, "sources differ" notes and the
reason a stop has no quote; the story-wide notes and the credits. Every string from a story is
escaped with html.escape: this is markup we build, around text that stays text.
"""

from __future__ import annotations

from html import escape


def _quote(quote: dict, words: dict, language: str) -> str:
    said = (words["quoted_by"].format(speaker=quote["speaker"], attribution=quote["attribution"])
            if quote.get("speaker") else quote["attribution"])
    context = f"<p class=\"context\">{escape(quote['context'])}</p>" if quote.get("context") else ""
    original = ""
    if quote.get("original"):
        note = words["translated_by"].format(name=quote["translated_by"], language=quote["original"]["language"])
        language_code = escape(quote["original"]["language"])
        original = (f"<p class=\"original\"><small>{escape(note)}</small> <q lang=\"{language_code}\">"
                    f"{escape(quote['original']['text'])}</q></p>")
    return (f"<blockquote><p lang=\"{escape(language)}\">{escape(quote['text'])}</p>{original}"
            f"<footer>— {escape(said)}</footer>{context}</blockquote>")


def _link(url: str | None, text: str) -> str:
    return f' <a href="{escape(url)}" rel="noopener noreferrer">{escape(text)}</a>' if url else ""


def _sources(config: dict, words: dict) -> str:
    items = []
    for source in config["sources"]:
        retrieved = f" · {escape(words['retrieved'].format(date=source['retrieved']))}" if source["retrieved"] else ""
        unrecorded = "" if source["fingerprint_recorded"] else escape(words["fingerprint_not_recorded"])
        items.append(f"<li lang=\"{escape(source['language'])}\"><cite>{escape(source['headline'])}</cite> — "
                     f"{escape(source['attribution'])}{retrieved}{_link(source['url'], words['live_page'])}"
                     f"{_link(source['archived_url'], words['archived_copy'])}<br><small><code>"
                     f"{escape(words['source_fingerprint'].format(sha256=source['sha256']))}</code>{unrecorded}</small></li>")
    return f"<p><strong>{escape(words['sources'])}</strong></p><ul>{''.join(items)}</ul>"


def _corrections(config: dict, words: dict) -> str:
    if not config["corrections"]:
        return ""
    items = "".join(f"<li>{escape(words['correction_item'].format(date=c['date_label'], what=c['what'], why=c['why']))}"
                    "</li>" for c in config["corrections"])
    return f"<p><strong>{escape(words['corrections'])}</strong></p><ul>{items}</ul>"


def _notes(notes: list[dict], heading: str) -> str:
    if not notes:
        return ""
    items = "".join(f"<li>{escape(note['note'])}</li>" for note in notes)
    return f"<p><strong>{escape(heading)}</strong></p><ul>{items}</ul>"


def _local_names(names: list[dict]) -> str:
    """'станция Хасан · 하산역', each name marked with its language (screen readers, fonts)."""
    if not names:
        return ""
    spans = " · ".join(f'<span lang="{escape(n["lang"])}">{escape(n["name"])}</span>' for n in names)
    return f"<p>{spans}</p>"


def text_version_html(config: dict, current: str | None = None, intro: bool = False) -> str:
    """The itinerary as semantic HTML; `current` marks the stop a deep link points at; `intro` says
    why it is there (for the export's no-JavaScript copy)."""
    story, words = config["story"], config["ui"]
    items = []
    for stop in config["stops"]:
        linked = f" <em>{escape(words['linked_stop'])}</em>" if stop["id"] == current else ""
        quotes = "".join(_quote(q, words, story["language"]) for q in stop["quotes"])
        no_quote = f"<p><em>{escape(stop['no_quote'])}</em></p>" if stop.get("no_quote") else ""
        items.append(
            f"<li><h3>{escape(stop['name'])}{linked}</h3>{_local_names(stop.get('local_names', []))}"
            f"<p>{escape(stop['when_label'])} · {escape(stop['km_label'])}</p>"
            f"<p>{escape(stop['summary'])}</p>{quotes}{no_quote}"
            f"{_notes(stop['sources_differ'], words['sources_differ'].rstrip(': '))}</li>")
    dek = f"<p>{escape(story['dek'])}</p>" if story.get("dek") else ""
    lead = f"<p>{escape(words['text_intro'])}</p>" if intro else ""
    updated = f"<p><em>{escape(config['updated_label'])}</em></p>" if config.get("updated_label") else ""
    methods = "".join(f"<li>{escape(line)}</li>" for line in config["methods"])
    credits = "".join(f"<li>{escape(c)}</li>" for c in [config["credits"], *config["map_credits"]] if c)
    return (f"<div class=\"storymap-text\"><h2>{escape(story['title'])}</h2>{dek}{updated}{lead}"
            f"<ol>{''.join(items)}</ol>"
            f"{_notes(config['disagreements'], words['where_sources_differ'])}"
            f"{_sources(config, words)}{_corrections(config, words)}"
            f"<p><strong>{escape(words['methods'])}</strong></p><ul>{methods}</ul>"
            f"<p><strong>{escape(words['credits'])}</strong></p><ul>{credits}</ul></div>")
