"""Realistic image-pull progress, as dockerd 20.10 sends it (stdlib only).

Shared by ``bench_pull_stream.py`` (its local server answers ``POST /images/create`` with it)
and ``bench_images.py`` (the in-memory decoder rows).  The messages follow what
``_wire_capture.py`` recorded from the real engine:

* one JSON object per message, compact, followed by ``\\r\\n``; Go's encoder escapes ``>`` in
  the progress bar as ``\\u003e``;
* ``Pulling from <repo>`` (``id``: the tag), then per layer ``Pulling fs layer`` (some
  ``Waiting``), ``Downloading`` updates of up to three layers at a time, interleaved, with
  ``progressDetail`` ``{current, total}`` and the bar ``[==>   ]  1.2MB/31.4MB`` (sizes in
  decimal units with 4 significant digits, as Go's ``units.HumanSize``), ``Verifying
  Checksum``, ``Download complete``; then ``Extracting`` layer after layer, in order, each
  ending in ``Pull complete``; and ``Digest: sha256:...``, ``Status: Downloaded newer image``.

On the wire (HTTP/1.1, ``Transfer-Encoding: chunked``) each message is an HTTP chunk of its own:
:func:`chunked_body` frames it that way.
"""

from __future__ import annotations

import json
import random
from typing import Any

_dumps = json.JSONEncoder(separators=(",", ":")).encode


def human(size: float) -> str:
    """Go's ``units.HumanSize``: decimal units, 4 significant digits (``69.18kB``)."""
    units = ("B", "kB", "MB", "GB", "TB")
    i = 0
    while size >= 1000 and i < len(units) - 1:
        size /= 1000
        i += 1
    return f"{size:.4g}{units[i]}"


def bar(current: int, total: int) -> str:
    """The daemon's progress string: a 50-wide bar, then ``current/total``."""
    filled = min(50, int(current / total * 100) // 2)
    box = "[" + "=" * filled + ">" + " " * (50 - filled) + "] "
    return f"{box}{human(current):>8}/{human(total)}"


def _message(event: dict[str, Any]) -> bytes:
    # Go's encoding/json escapes <, > and & (HTML-safe); only '>' occurs here.
    return (_dumps(event).replace(">", "\\u003e") + "\r\n").encode()


def one_pull(rng: random.Random, repo: str = "library/demo") -> list[bytes]:
    """The messages of one pull of an image with 4 to 8 layers."""
    out = [_message({"status": f"Pulling from {repo}", "id": "latest"})]
    count = rng.randint(4, 8)
    layers = {f"{rng.getrandbits(48):012x}": rng.randint(2_000, 60_000_000) for _ in range(count)}
    order = list(layers)
    for layer in order:
        out.append(_message({"status": "Pulling fs layer", "progressDetail": {}, "id": layer}))
    for layer in order[3:]:
        out.append(_message({"status": "Waiting", "progressDetail": {}, "id": layer}))
    # Downloads: three at a time, updates interleaved.
    done = dict.fromkeys(order, 0)
    queue = list(order)
    active: list[str] = []
    while queue or active:
        while queue and len(active) < 3:
            active.append(queue.pop(0))
        layer = rng.choice(active)
        total = layers[layer]
        done[layer] = min(total, done[layer] + rng.randint(30_000, 600_000))
        current = done[layer]
        if current < total:
            out.append(
                _message(
                    {
                        "status": "Downloading",
                        "progressDetail": {"current": current, "total": total},
                        "progress": bar(current, total),
                        "id": layer,
                    }
                )
            )
        else:
            active.remove(layer)
            for status in ("Verifying Checksum", "Download complete"):
                out.append(_message({"status": status, "progressDetail": {}, "id": layer}))
    # Extraction: one layer after the other, in order.
    for layer in order:
        total, current = layers[layer], 0
        while current < total:
            current = min(total, current + rng.randint(30_000, 600_000))
            out.append(
                _message(
                    {
                        "status": "Extracting",
                        "progressDetail": {"current": current, "total": total},
                        "progress": bar(current, total),
                        "id": layer,
                    }
                )
            )
        out.append(_message({"status": "Pull complete", "progressDetail": {}, "id": layer}))
    out.append(_message({"status": f"Digest: sha256:{rng.getrandbits(256):064x}"}))
    out.append(_message({"status": "Status: Downloaded newer image for demo:latest"}))
    return out


def messages(size: int, seed: int = 7) -> list[bytes]:
    """Whole pulls, one after the other, until at least ``size`` bytes: one item a message."""
    rng = random.Random(seed)
    out: list[bytes] = []
    total = 0
    while total < size:
        pull = one_pull(rng)
        out.extend(pull)
        total += sum(map(len, pull))
    return out


def chunked_body(msgs: list[bytes]) -> bytes:
    """The HTTP/1.1 chunked body dockerd sends: one chunk per message (lower-case hex sizes),
    then the last chunk."""
    return b"".join(b"%x\r\n%b\r\n" % (len(m), m) for m in msgs) + b"0\r\n\r\n"
