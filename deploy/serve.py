"""Run N storymap processes behind nginx on this machine, or print the nginx config for a server.

    python deploy/serve.py --replicas 2 --listen 127.0.0.1:8080
    python deploy/serve.py --replicas 3 --frame-ancestors "'self' https://news.example" --print-config \\
        > /etc/nginx/conf.d/storymap.conf

The local run is the recipe in docs/deploy.md, whole: it starts the replicas on loopback ports,
renders deploy/nginx-storymap.conf.template for them, and runs Debian's nginx in the foreground
as the current user (its files go to a temporary folder). Ctrl-C stops everything. Standard
library and the storymap package, so it runs from the app's own virtualenv.

Link previews (chat apps, social sites) read the page's HTML without running its scripts, and
Streamlit writes no head tags of its own: nginx adds each story's Open Graph and Twitter card tags
to the page's HTML, chosen by its ?story= (the first story without one, as the page shows).
"""

from __future__ import annotations

import argparse
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).with_name("nginx-storymap.conf.template")
START_SECONDS = 90
# What may go in frame-ancestors: 'self', 'none' and explicit origins (scheme, host, optional port).
# Scheme-only sources (https:) and wildcards would let any site frame the story, and anything else
# could break out of the quoted nginx directive, so they are refused rather than escaped.
FRAME_SOURCE = re.compile(r"(?:'self'|'none'|https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?)")


class DeployError(ValueError):
    """A bad option, told as what to do."""


def frame_ancestors_value(text: str) -> str:
    sources = text.split()
    bad = [source for source in sources if not FRAME_SOURCE.fullmatch(source)]
    if bad or not sources:
        raise DeployError(f"--frame-ancestors: {bad[0] if bad else 'nothing'!r} is not an origin; give "
                          "'self', 'none' or origins like https://news.example (no wildcards, no bare "
                          "schemes), separated by spaces")
    if "'none'" in sources and len(sources) > 1:
        raise DeployError("--frame-ancestors: 'none' means no site may frame the story; give it alone")
    if sources == ["'none'"]:
        # Streamlit frames its own player from the app's origin, so 'none' becomes 'self': no other site.
        return "'self'"
    if "'self'" not in sources:
        sources.insert(0, "'self'")  # the page frames its player from its own origin
    return " ".join(sources)


CARD = "\x00card\x00"   # where the card's URL goes, after the story's own text is made safe for nginx


def _nginx_text(html: str) -> str:
    """Tags as the inside of a single-quoted nginx string: nginx reads backslashes as escapes and `$` as a
    variable, so those become HTML character references (the tags are already HTML-escaped)."""
    return html.replace("\\", "&#92;").replace("$", "&#36;").replace("'", "&#39;")


def share_tags_map(stories_dir: Path | None = None, geodata_dir: Path | None = None) -> str:
    """An nginx map from ?story= to that story's share tags, a story that does not load has none. A story
    with a card beside its geodata (`storymap card ID -o geodata/ID.card.png`) names it as its image,
    by the address the reader used ($scheme://$http_host), which link previewers need absolute."""
    from storymap.catalog import StoryBundle, load_catalog
    from storymap.export import _share_tags
    from storymap.paths import geodata_dir as geodata_of
    from storymap.paths import stories_dir as stories_of
    from storymap.story import story_paths
    from storymap.words import ui

    stories = stories_of(stories_dir)
    geodata = geodata_of(stories, geodata_dir)
    lines, first = [], None
    for path, result in load_catalog(story_paths(stories), geodata):
        if not isinstance(result, StoryBundle):
            continue
        story = result.story
        card = (geodata / f"{story.id}.card.png").is_file()
        tags = _share_tags(story, ui(story.language), CARD if card else None)
        text = _nginx_text("".join(tags)).replace(CARD, f"$scheme://$http_host/app/static/{story.id}.card.png")
        text += f'<meta property="og:url" content="$scheme://$http_host/?story={story.id}">'
        lines.append(f"    {story.id} '{text}';")
        first = first or text
    return "\n".join(["map $arg_story $storymap_share_tags {", f"    default '{first or ''}';", *lines, "}"])


def site_config(replica_ports: list[int], listen: str, frame_ancestors: str = "'self'",
                share_tags: str | None = None) -> str:
    """The server block and upstream for /etc/nginx/conf.d/, with replicas on 127.0.0.1, and the share
    tags' map (share_tags_map(); made from the stories folder when not given)."""
    if not replica_ports:
        raise DeployError("--replicas: give at least 1")
    if not re.fullmatch(r"(?:[0-9.]+:|\[[0-9a-fA-F:]+\]:)?\d{1,5}", listen):
        raise DeployError(f"--listen: {listen!r} is not a port or address:port, e.g. 127.0.0.1:8080")
    servers = "\n".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in replica_ports)
    return (TEMPLATE.read_text(encoding="utf-8").replace("{{SERVERS}}", servers).replace("{{LISTEN}}", listen)
            .replace("{{FRAME_ANCESTORS}}", frame_ancestors_value(frame_ancestors))
            .replace("{{SHARE_TAGS}}", share_tags if share_tags is not None else share_tags_map()))


def nginx_conf(site: str, prefix: Path) -> str:
    """A whole nginx.conf around the site for an unprivileged foreground nginx with its files in `prefix`."""
    temp = "\n".join(f"    {kind}_temp_path {prefix / kind};" for kind in
                     ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""daemon off;
worker_processes auto;
pid {prefix / 'nginx.pid'};
error_log {prefix / 'error.log'} warn;
events {{ worker_connections 4096; }}
http {{
    # Which replica served each request, last ("a, b" when nginx moved on from a dead replica a).
    log_format storymap '$remote_addr $status "$request" $upstream_addr';
    access_log {prefix / 'access.log'} storymap;
{temp}
{site}
}}
"""


def wait_healthy(url: str, process: subprocess.Popen, seconds: float = START_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")


def start_replica(port: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                             "--server.port", str(port), "--server.address", "127.0.0.1"], cwd=ROOT)


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], prog="deploy/serve.py")
    parser.add_argument("--replicas", type=int, default=2, help="app processes (default 2; one per core)")
    parser.add_argument("--first-port", type=int, default=8501, help="the first replica's port (default 8501)")
    parser.add_argument("--replica-ports", help="the replicas' ports, comma-separated (overrides the two above)")
    parser.add_argument("--listen", default="127.0.0.1:8080", help="nginx's address:port (default 127.0.0.1:8080)")
    parser.add_argument("--frame-ancestors", default="'self'",
                        help="sites allowed to embed the page, e.g. \"'self' https://news.example\"")
    parser.add_argument("--print-config", action="store_true", help="print the nginx site config and exit")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    options = parse_arguments(argv)
    try:
        ports = ([int(port) for port in options.replica_ports.split(",")] if options.replica_ports
                 else [options.first_port + i for i in range(options.replicas)])
        site = site_config(ports, options.listen, options.frame_ancestors)
    except (DeployError, ValueError) as error:
        print(f"deploy/serve.py: {error}", file=sys.stderr)
        return 2
    if options.print_config:
        print(site, end="")
        return 0
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if nginx is None:
        print("deploy/serve.py: nginx is not installed; on Debian: apt-get install nginx", file=sys.stderr)
        return 2

    prefix = Path(tempfile.mkdtemp(prefix="storymap-nginx-"))
    (prefix / "nginx.conf").write_text(nginx_conf(site, prefix), encoding="utf-8")
    children: list[subprocess.Popen] = []

    def stop(*_):
        for child in reversed(children):
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        for port in ports:
            children.append(start_replica(port))
        for port, child in zip(ports, children):
            wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", child)
            print(f"storymap: replica 127.0.0.1:{port} is process {child.pid}", flush=True)
        proxy = subprocess.Popen([nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                                  "-e", str(prefix / "error.log")])
        children.append(proxy)
        host = options.listen if ":" in options.listen else f"127.0.0.1:{options.listen}"
        wait_healthy(f"http://{host}/_stcore/health", proxy)
        print(f"storymap: {len(ports)} replicas behind http://{host} (nginx files: {prefix})", flush=True)
        return proxy.wait()
    except KeyboardInterrupt:
        return 0
    except RuntimeError as error:
        print(f"deploy/serve.py: {error}; nginx's log: {prefix / 'error.log'}", file=sys.stderr)
        return 1
    finally:
        stop()


if __name__ == "__main__":
    sys.exit(main())
