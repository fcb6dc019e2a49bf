"""The run report: one self-contained HTML page that shows a finished run at a glance.

:func:`write_report` reads a finished output directory (``stats.json``, ``pipeline.toml`` and the
record streams of any layout, :mod:`corpusclean.outputs`) and writes ``report.html``: the
documents kept, dropped and rejected; removed lines by reason and by step; languages; the
length of the kept documents before and after cleaning; the most frequent template lines per
site and the largest duplicate clusters when the corpus steps ran; a few removed lines of each
reason among their neighbours; the pipeline with its fingerprint; the run's timings.

The page has inline CSS and inline SVG charts drawn here, no script and nothing fetched. Every
text that comes from the data is HTML-escaped. Its size is bounded whatever the run's: lengths
are read from at most :data:`SAMPLE_DOCUMENTS` documents (an even stride over the output, so the
same rows every time), examples are the :data:`EXAMPLES` lines of each reason with the smallest
hash of their document id and line, and every table and chart is capped. Only the timings
section differs between two runs that wrote the same output.
"""

from __future__ import annotations

import heapq
import html
import json
import re
import sys
import zlib
from collections import Counter, defaultdict
from collections.abc import Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from . import _accel, _json
from .outputs import iter_lines, iter_pieces, stream_files, stream_lines
from .stats import Stats
from .writers import write_atomic

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPORT_FILE = "report.html"
#: Kept documents whose lengths are read (an even stride over the output beyond this).
SAMPLE_DOCUMENTS = 50_000
#: Removed lines shown per reason, and lines either side of each.
EXAMPLES = 3
CONTEXT = 2
#: Sites, template lines per site, duplicate clusters and chart bars shown.
TOP_SITES, TOP_LINES, TOP_CLUSTERS, TOP_BARS = 10, 5, 10, 30
#: Dropped duplicates named per cluster, output files named per stream.
MEMBERS, FILES = 5, 6
#: Characters of one line shown before it is cut.
LINE_CHARS = 240
#: Bin edges (characters) of the length histogram; the last bin is open.
LENGTH_BINS = (0, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000)

_SITE_RE = re.compile(r" documents of (.+)$")


@dataclass
class Example:
    """One removed line with the lines around it: ``(number or None, text, reason or None)``,
    a ``None`` number for kept lines, whose place is estimated."""

    doc_id: str
    line: int
    reason: str
    step: str
    detail: str
    removed: list[dict[str, Any]]
    around: list[tuple[int | None, str, str | None]] = field(default_factory=list)


@dataclass
class Facts:
    """What the report shows, gathered from an output directory."""

    counts: Counter[str]
    run: dict[str, Any]
    timings: dict[str, Any]
    pipeline_toml: str
    steps: list[dict[str, Any]]
    by_step: Counter[str] = field(default_factory=Counter)
    removal_rows: int = 0
    lengths_after: list[int] = field(default_factory=list)
    lengths_before: list[int] = field(default_factory=list)
    sampled: int = 0
    kept_total: int = 0
    removals_known: bool = True
    templates: dict[str, Counter[str]] = field(default_factory=dict)
    #: Per kept document: how many were dropped as its duplicates, and the first few of them
    #: (id, reason, similarity).
    clusters: dict[str, tuple[int, list[tuple[str, str, float]]]] = field(default_factory=dict)
    examples: dict[str, list[Example]] = field(default_factory=dict)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def ran(self, use: str) -> bool:
        return any(s.get("use") == use and s.get("enabled", True) for s in self.steps)


def _stride(total: int, cap: int) -> Iterator[bool]:
    """Whether to take each of ``total`` rows so that at most ``cap`` are taken, evenly."""
    if total <= cap:
        while True:
            yield True
    i = 0
    while True:
        yield (i + 1) * cap // total > i * cap // total
        i += 1


def _id_prefix(doc_id: str) -> bytes:
    """How a record line of ``doc_id`` begins (records start with their id)."""
    return b'{"id":' + _json.dumps_line(doc_id)[:-1] + b","


def gather(output: Path) -> Facts:
    """Read what the report shows from the finished output in ``output``."""
    stats = json.loads((output / "stats.json").read_text(encoding="utf-8"))
    toml_path = output / "pipeline.toml"
    toml_text = toml_path.read_text(encoding="utf-8") if toml_path.is_file() else ""
    try:
        steps = list(tomllib.loads(toml_text).get("steps", []))
    except tomllib.TOMLDecodeError:
        steps = []
    facts = Facts(Counter(stats.get("counts", {})), dict(stats.get("run", {})),
                  dict(stats.get("timings", {})), toml_text, steps)
    facts.files = sorted(p.name for s in ("documents", "dropped", "rejects", "removals")
                         for p in stream_files(output, s))
    facts.kept_total = facts.counts.get("documents.kept", 0)
    removed_mode = facts.run.get("removed", "sidecar")

    # Kept documents: lengths after cleaning, from an even stride.
    after: dict[str, int] = {}
    inline_before: dict[str, int] = {}
    take = _stride(facts.kept_total, SAMPLE_DOCUMENTS)
    for line in stream_lines(output, "documents"):
        if not next(take):
            continue
        rec = _json.loads(line)
        after[rec["id"]] = len(rec["text"])
        if removed_mode == "inline":
            inline_before[rec["id"]] = sum(len(r["text"]) + 1 for r in rec["metadata"].get("removed_lines", ()))
    facts.sampled = len(after)

    # Removed lines: by step, lengths before, template lines, examples.
    if removed_mode == "inline":
        rows = ({"id": r["id"], "removed": r["metadata"].get("removed_lines", [])}
                for s in ("documents", "dropped") for r in map(_json.loads, stream_lines(output, s)))
        removals = scan_removals_reference(rows, (), Counter(inline_before))
    else:
        removals = scan_removals(output, after)
    facts.removal_rows = removals.rows
    facts.by_step = removals.by_step
    removed_chars = removals.removed_chars
    facts.removals_known = removed_mode != "none"
    for doc_id, n in after.items():
        facts.lengths_after.append(n)
        facts.lengths_before.append(n + removed_chars.get(doc_id, 0))
    facts.templates = removals.templates
    facts.examples = {reason: [ex for _, _, ex in sorted(heap, key=lambda t: -t[0])]
                      for reason, heap in sorted(removals.heaps.items())}

    # Duplicate clusters from the dropped records; the kept text around the examples.
    clusters: dict[str, tuple[int, list[tuple[str, str, float]]]] = {}
    for line in stream_lines(output, "dropped"):
        if b'"duplicate_of"' not in line:
            continue
        rec = _json.loads(line)
        meta = rec["metadata"]
        n, members = clusters.get(meta["duplicate_of"], (0, []))
        if len(members) < MEMBERS:
            members.append((rec["id"], meta["dropped"]["reason"], float(meta.get("duplicate_similarity") or 0.0)))
        clusters[meta["duplicate_of"]] = (n + 1, members)
    facts.clusters = clusters
    _add_context(output, facts)
    for line in stream_lines(output, "rejects"):
        if len(facts.rejects) >= 10:
            break
        facts.rejects.append(_json.loads(line))
    return facts


@dataclass
class Removals:
    """What the removal rows give the report: the rows with a removed line, removed lines by
    step, removed characters (``len(text) + 1`` summed) by document, template lines (stripped)
    by site, and per reason the heap of ``(-key, order, Example)`` of its examples."""

    rows: int
    by_step: Counter[str]
    removed_chars: Counter[str]
    templates: dict[str, Counter[str]]
    heaps: dict[str, list[tuple[int, int, Example]]]


def scan_removals(output: Path, sampled: Mapping[str, int]) -> Removals:
    """:func:`scan_removals_reference` of the ``removals`` stream of ``output`` (removed
    characters counted for the ``sampled`` ids); in the compiled core when it is in use, which
    reads every row and hands back only the rows its examples are in, parsed here as the
    reference parses them. A row the core cannot read as Python does sends the whole scan to
    the reference."""
    found = _accel.attempt(lambda core: scan_removals_core(core, stream_files(output, "removals"),
                                                           sampled), "report")
    if found is not None:
        return found
    rows = map(_json.loads, stream_lines(output, "removals"))
    return scan_removals_reference(rows, sampled, Counter())


def scan_removals_reference(rows: Iterable[dict[str, Any]], sampled: Container[str],
                            removed_chars: Counter[str]) -> Removals:
    """The reference scan of removal rows (``{"id", "removed": [...]}``): the removed
    characters of the documents in ``sampled`` are added to ``removed_chars``. An example's key
    is the CRC-32 of ``"<id>\\0<line>"``; each reason keeps the :data:`EXAMPLES` smallest, a
    new line entering a full heap only with a strictly smaller key."""
    out = Removals(0, Counter(), removed_chars, {}, defaultdict(list))
    templates: dict[str, Counter[str]] = defaultdict(Counter)
    order = 0
    for row in rows:
        removed = row["removed"]
        if not removed:
            continue
        out.rows += 1
        doc_id = row["id"]
        if doc_id in sampled:
            removed_chars[doc_id] += sum(len(r["text"]) + 1 for r in removed)
        out.by_step.update(r["step"] for r in removed)
        # The id's part of the key computed once a row.
        row_crc = zlib.crc32(f"{doc_id}\0".encode("utf-8", "surrogatepass"))
        for r in removed:
            reason = r["reason"]
            if reason == "corpus.template_line" and (m := _SITE_RE.search(r.get("detail", ""))):
                templates[m.group(1)][r["text"].strip()] += 1
            key = zlib.crc32(str(r["line"]).encode(), row_crc)
            heap = out.heaps[reason]
            if len(heap) < EXAMPLES or -heap[0][0] > key:
                order += 1
                ex = Example(doc_id, r["line"], reason, r["step"], r.get("detail", ""), removed)
                item = (-key, order, ex)
                if len(heap) < EXAMPLES:
                    heapq.heappush(heap, item)
                else:
                    heapq.heapreplace(heap, item)
    out.templates = dict(templates)
    out.heaps = dict(out.heaps)
    return out


def scan_removals_core(core: ModuleType, files: Iterable[Path], sampled: Iterable[str],
                       piece: int = 1 << 22) -> Removals:
    """:func:`scan_removals_reference` of the rows of the removal stream ``files`` in the
    compiled ``core``, which reads JSONL files in pieces of ``piece`` bytes and cuts them into
    rows itself (Parquet rows are handed over as their JSONL lines); raises ``core.CoreError``
    on a row it cannot read as Python does."""
    scan = core.RemovalScan(list(sampled), EXAMPLES)
    for path in files:
        if path.suffix == ".parquet":
            for batch in _batches(iter_lines(path)):
                scan.feed(batch)
        else:
            for data in iter_pieces(path, piece):
                scan.feed_piece(data)
            scan.end_file()
    rows, by_step, chars, templates, examples, kept = scan.finish()
    parsed = {at: _json.loads(line) for at, line in kept}

    def example(at: int, i: int) -> Example:
        row = parsed[at]
        removed = row["removed"]
        r = removed[i]
        return Example(row["id"], r["line"], r["reason"], r["step"], r.get("detail", ""), removed)

    heaps = {reason: [(neg_key, order, example(at, i)) for neg_key, order, at, i in heap]
             for reason, heap in examples}
    return Removals(rows, Counter(dict(by_step)), Counter(dict(chars)),
                    {site: Counter(dict(lines)) for site, lines in templates}, heaps)


def _batches(lines: Iterable[bytes], size: int = 1 << 22) -> Iterator[list[bytes]]:
    """``lines`` in lists of about ``size`` bytes."""
    batch: list[bytes] = []
    n = 0
    for line in lines:
        batch.append(line)
        n += len(line)
        if n >= size:
            yield batch
            batch, n = [], 0
    if batch:
        yield batch


def _add_context(output: Path, facts: Facts) -> None:
    wanted = {ex.doc_id for exs in facts.examples.values() for ex in exs}
    prefixes = {_id_prefix(i): i for i in wanted}
    texts: dict[str, str] = {}
    for stream in ("documents", "dropped"):
        for line in stream_lines(output, stream):
            if len(texts) == len(wanted):
                break
            head = line[: line.find(b',"text"') + 1]
            if head in prefixes:
                texts[prefixes[head]] = _json.loads(line)["text"]
    for exs in facts.examples.values():
        for ex in exs:
            ex.around = neighbours(ex.line, ex.removed, texts.get(ex.doc_id, ""))


def neighbours(line: int, removed: list[dict[str, Any]], kept_text: str,
               context: int = CONTEXT) -> list[tuple[int | None, str, str | None]]:
    """The lines around removed line ``line``: the removed ones by their number, the kept ones
    in the places the removed lines leave free (estimated: blank lines the output merged are
    not counted).

    >>> rm = [{"line": 2, "text": "Menu", "reason": "nav"}]
    >>> neighbours(2, rm, "Title\\nBody one\\nBody two", context=1)
    [(None, 'Title', None), (2, 'Menu', 'nav'), (None, 'Body one', None)]
    """
    by_no = {r["line"]: r for r in removed}
    kept = [t for t in kept_text.split("\n") if t.strip()]
    slots: list[tuple[int | None, str, str | None]] = []
    k = 0
    for no in range(1, line + context + 1):
        if no in by_no:
            slots.append((no, by_no[no]["text"], by_no[no]["reason"]))
        elif k < len(kept):
            slots.append((None, kept[k], None))
            k += 1
    at = next(i for i, s in enumerate(slots) if s[0] == line)
    return slots[max(0, at - context): at + context + 1]


# -- HTML ------------------------------------------------------------------------------------------

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
header{background:#1d2b3a;color:#fff;padding:16px 28px}header h1{margin:0;font-size:20px}
header p{margin:4px 0 0;color:#c5d0dc}main{max-width:1040px;margin:0 auto;padding:12px 28px 40px}
nav{margin:12px 0;font-size:13px}nav a{margin-right:12px;color:#2f6db5}
section{background:#fff;border:1px solid #dde2e8;border-radius:6px;padding:14px 18px;margin:14px 0}
h2{font-size:16px;margin:0 0 10px}h3{font-size:14px;margin:12px 0 6px}
.cards{display:flex;flex-wrap:wrap;gap:10px}.card{flex:1 1 100px;border:1px solid #dde2e8;border-radius:6px;padding:8px 12px}
.card b{display:block;font-size:20px;white-space:nowrap}.card span{color:#5b6675;font-size:12px}
table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-bottom:1px solid #eef0f3;padding:3px 6px;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
pre{background:#f3f5f8;padding:8px;overflow:auto;font-size:12px;max-height:360px}
.ex{border-left:3px solid #c9d3df;margin:8px 0;padding:2px 8px;font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}
.ex div{white-space:pre-wrap;word-break:break-word}.rm{color:#9b2c2c}.hit{background:#fde8e8;color:#7a1d1d}.kp{color:#2c5f2e}
.muted{color:#6b7685}svg{display:block;max-width:100%;height:auto}
"""


def esc(value: Any) -> str:
    """``value`` as text safe inside HTML (elements and attribute values).

    >>> esc("<script>alert('x')</script>")
    '&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;'
    """
    return html.escape(str(value), quote=True)


def _cut(text: str) -> str:
    return text if len(text) <= LINE_CHARS else text[:LINE_CHARS] + "…"


def _n(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def bar_chart(items: list[tuple[str, int]], *, color: str = "#3b7dd8", total: int | None = None) -> str:
    """A horizontal bar chart as inline SVG (the first :data:`TOP_BARS` items; the rest summed
    in one grey bar)."""
    if not items:
        return '<p class="muted">nothing to show</p>'
    shown = items[:TOP_BARS]
    rest = items[TOP_BARS:]
    if rest:
        shown = [*shown, (f"{len(rest)} more", sum(v for _, v in rest))]
    top = max(v for _, v in shown) or 1
    label_w, bar_w, row = 260, 520, 20
    width, height = label_w + bar_w + 110, row * len(shown) + 6
    parts = [f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img">']
    for i, (label, value) in enumerate(shown):
        y = 3 + i * row
        w = max(1, round(bar_w * value / top)) if value else 0
        fill = "#b5bdc7" if rest and i == len(shown) - 1 else color
        share = f" ({value / total:.1%})" if total else ""
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" font-size="12">{esc(_cut(label)[:40])}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{w}" height="{row - 5}" fill="{fill}"><title>{esc(label)}: '
            f'{value}</title></rect><text x="{label_w + w + 5}" y="{y + 14}" font-size="12">{_n(value)}{share}</text>')
    parts.append("</svg>")
    return "".join(parts)


def histogram(series: list[tuple[str, str, list[int]]]) -> str:
    """Side-by-side bars of several series over :data:`LENGTH_BINS` as inline SVG;
    ``series``: ``(name, colour, values)``."""
    edges = LENGTH_BINS
    labels = [f"{_k(a)}–{_k(b)}" for a, b in zip(edges, edges[1:])] + [f"≥{_k(edges[-1])}"]
    counts = []
    for _, _, values in series:
        c = [0] * len(edges)
        for v in values:
            i = len(edges) - 1
            while edges[i] > v:
                i -= 1
            c[i] += 1
        counts.append(c)
    top = max((max(c) for c in counts), default=0) or 1
    group, plot_h, left, bottom = 72, 200, 44, 40
    width, height = left + group * len(edges) + 10, plot_h + bottom + 30
    bw = (group - 12) / max(1, len(series))
    out = [f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img">']
    for frac in (0, 0.5, 1):
        y = 20 + plot_h * (1 - frac)
        out.append(f'<line x1="{left}" x2="{width - 10}" y1="{y}" y2="{y}" stroke="#e3e7ec"/>'
                   f'<text x="{left - 4}" y="{y + 4}" text-anchor="end" font-size="11">{top * frac:g}</text>')
    for j, (name, colour, _) in enumerate(series):
        out.append(f'<rect x="{left + 240 * j}" y="4" width="10" height="10" fill="{colour}"/>'
                   f'<text x="{left + 240 * j + 14}" y="13" font-size="12">{esc(name)}</text>')
        for i, n in enumerate(counts[j]):
            h = plot_h * n / top
            x = left + group * i + 6 + bw * j
            out.append(f'<rect x="{x:.1f}" y="{20 + plot_h - h:.1f}" width="{bw - 2:.1f}" height="{h:.1f}" '
                       f'fill="{colour}"><title>{esc(name)} {labels[i]}: {n}</title></rect>')
    for i, label in enumerate(labels):
        out.append(f'<text x="{left + group * i + group / 2}" y="{20 + plot_h + 16}" text-anchor="middle" '
                   f'font-size="11">{label}</text>')
    out.append(f'<text x="{left + group * len(edges) / 2}" y="{height - 4}" text-anchor="middle" '
               'font-size="11">characters per document</text></svg>')
    return "".join(out)


def _files(names: list[str]) -> str:
    """The record files, at most :data:`FILES` named per stream.

    >>> _files(["a.jsonl"] + [f"d-{i:05d}.jsonl" for i in range(9)])
    'a.jsonl, d-00000.jsonl … d-00008.jsonl (9 files)'
    """
    groups: dict[str, list[str]] = defaultdict(list)
    for name in names:
        groups[name.split(".")[0].split("-")[0]].append(name)
    out = []
    for group in groups.values():
        out.append(", ".join(group) if len(group) <= FILES else f"{group[0]} … {group[-1]} ({len(group)} files)")
    return ", ".join(out)


def _size(n: int) -> str:
    """Bytes in kB, MB or GB (powers of 10).

    >>> _size(999), _size(14_200), _size(3_450_000_000)
    ('999 B', '14.2 kB', '3.5 GB')
    """
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


def _k(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 else str(n)


def _group(counts: Mapping[str, int], prefix: str) -> list[tuple[str, int]]:
    """Counters under ``prefix.`` as (name, count) pairs, largest first then by name."""
    return list(Stats(Counter(counts)).group(prefix).items())


def _table(head: list[str], rows: Iterable[list[Any]], numeric: Iterable[int] = ()) -> str:
    num = set(numeric)
    th = "".join(f'<th{" class=n" if i in num else ""}>{esc(h)}</th>' for i, h in enumerate(head))
    body = "".join("<tr>" + "".join(f'<td{" class=n" if i in num else ""}>{esc(c)}</td>'
                                    for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><tr>{th}</tr>{body}</table>"


def _section(key: str, title: str, body: str) -> str:
    return f'<section id="{key}"><h2>{esc(title)}</h2>{body}</section>'


def render(facts: Facts) -> str:
    """The report page of ``facts``."""
    c = facts.counts
    sections: list[tuple[str, str, str]] = []
    cards = [("documents read", c.get("documents.in", 0)), ("kept", c.get("documents.kept", 0)),
             ("dropped", c.get("documents.dropped", 0)), ("rejected", c.get("documents.rejected", 0)),
             ("lines removed", c.get("removed_lines.total", 0)),
             ("input files", _size(c.get("bytes.in", 0))), ("documents files", _size(c.get("bytes.out", 0)))]
    body = '<div class="cards">' + "".join(
        f"<div class=card><b>{v if isinstance(v, str) else _n(v)}</b><span>{esc(k)}</span></div>"
        for k, v in cards) + "</div>"
    body += "<h3>Dropped documents by reason</h3>" + bar_chart(_group(c, "dropped"), color="#c77c2e")
    body += "<h3>Rejected inputs by reason</h3>" + bar_chart(_group(c, "rejected"), color="#b23b3b")
    if facts.rejects:
        body += _table(["source", "reason", "message"],
                       ([r.get("source", ""), r.get("reason", ""), _cut(r.get("message", ""))]
                        for r in facts.rejects))
    if c.get("files.unsupported") or c.get("files.excluded"):
        body += (f'<p class="muted">{c.get("files.unsupported", 0)} files no reader takes, '
                 f'{c.get("files.excluded", 0)} left out by --include/--exclude.</p>')
    body += f'<p class="muted">Output files: {esc(_files(facts.files))}</p>'
    sections.append(("documents", "Documents", body))

    total = c.get("removed_lines.total", 0)
    reasons = [(k, v) for k, v in _group(c, "removed_lines") if k != "total"]
    sections.append(("reasons", "Removed lines by reason", bar_chart(reasons, total=total)))
    if facts.removals_known:
        body = bar_chart(sorted(facts.by_step.items(), key=lambda kv: (-kv[1], kv[0])), color="#5a8f5a",
                         total=sum(facts.by_step.values()))
    else:
        body = '<p class="muted">The run was made with --removed none: the removed lines were not kept.</p>'
    sections.append(("steps", "Removed lines by step", body))

    langs = _group(c, "languages")
    sections.append(("languages", "Languages of the kept documents",
                     bar_chart(langs, color="#7a5ab5", total=sum(v for _, v in langs))))

    sample = (f"all {facts.sampled} kept documents" if facts.sampled == facts.kept_total else
              f"{facts.sampled} of {facts.kept_total} kept documents (an even stride over the output)")
    series = [("after", "#3b7dd8", facts.lengths_after)]
    if facts.removals_known:
        series.insert(0, ("before (kept + removed lines)", "#b5bdc7", facts.lengths_before))
    med = _median(facts.lengths_after)
    body = histogram(series) + f'<p class="muted">From {sample}; median length after: {med:,} characters'
    if facts.removals_known:
        body += f", before: {_median(facts.lengths_before):,}"
    sections.append(("lengths", "Length before and after", body + ".</p>"))

    if facts.ran("corpus.template_lines"):
        sites = sorted(facts.templates.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
        if sites:
            body = f'<p class="muted">{len(sites)} sites with template lines; the {TOP_SITES} with most removed.</p>'
            for site, lines in sites[:TOP_SITES]:
                top = sorted(lines.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_LINES]
                body += f"<h3>{esc(site)} ({sum(lines.values())} lines removed)</h3>"
                body += _table(["removed", "line"], ([n, _cut(t)] for t, n in top), numeric=[0])
        else:
            body = '<p class="muted">The template step ran and found no line repeated across a site.</p>'
    else:
        body = '<p class="muted">The corpus steps did not run (add --corpus, or corpus.template_lines to the pipeline).</p>'
    sections.append(("templates", "Template lines per site", body))

    if facts.ran("corpus.dedup"):
        ranked = sorted(facts.clusters.items(), key=lambda kv: (-kv[1][0], kv[0]))
        dropped = sum(n for n, _ in facts.clusters.values())
        body = f'<p class="muted">{len(ranked)} clusters, {dropped} duplicates dropped; the {TOP_CLUSTERS} largest.</p>'
        rows = [[kept, n + 1, ", ".join(f"{m} ({r}, {s:.2f})" for m, r, s in members)
                 + (f", … {n - len(members)} more" if n > len(members) else "")]
                for kept, (n, members) in ranked[:TOP_CLUSTERS]]
        body += _table(["kept document", "size", "dropped as its duplicates (reason, similarity)"], rows, numeric=[1])
    else:
        body = '<p class="muted">Deduplication did not run (add --corpus, or corpus.dedup to the pipeline).</p>'
    sections.append(("duplicates", "Duplicate clusters", body))

    if facts.examples:
        body = ('<p class="muted">For each reason, up to '
                f'{EXAMPLES} removed lines (chosen by a hash of document and line) with {CONTEXT} lines either '
                'side: <span class="hit">the line</span>, <span class="rm">other removed lines</span> with '
                'their number, <span class="kp">kept lines</span> (their place is estimated).</p>')
        for reason, exs in facts.examples.items():
            body += f"<h3>{esc(reason)}</h3>"
            for ex in exs:
                detail = f" — {esc(ex.detail)}" if ex.detail else ""
                body += f'<div class="ex"><div class="muted">{esc(ex.doc_id)} line {ex.line}, step {esc(ex.step)}{detail}</div>'
                for no, text, why in ex.around:
                    if no is None:
                        body += f'<div class="kp">  +      {esc(_cut(text))}</div>'
                    else:
                        cls = "hit" if no == ex.line else "rm"
                        body += f'<div class="{cls}">  - {no:>5} {esc(_cut(text))}  [{esc(why)}]</div>'
                body += "</div>"
    elif not facts.removals_known:
        body = '<p class="muted">The run was made with --removed none: no removed text to show.</p>'
    else:
        body = '<p class="muted">No line was removed.</p>'
    sections.append(("examples", "Removed lines in context", body))

    fp = facts.run.get("pipeline", "")
    body = (f"<p>Fingerprint <code>{esc(fp)}</code>, corpusclean {esc(facts.run.get('version', ''))}, "
            f"removed lines: {esc(facts.run.get('removed', ''))}.</p>")
    body += _table(["step", "enabled"], ([s.get("use", "?"), "no" if s.get("enabled") is False else "yes"]
                                          for s in facts.steps))
    body += f"<h3>pipeline.toml</h3><pre>{esc(facts.pipeline_toml)}</pre>"
    run = {k: v for k, v in facts.run.items() if k not in ("pipeline",)}
    body += f"<h3>Run</h3><pre>{esc(json.dumps(run, indent=1, sort_keys=True, ensure_ascii=False))}</pre>"
    sections.append(("pipeline", "Pipeline", body))

    t = facts.timings
    if t:
        body = _table(["elapsed s", "CPU s", "MB/s", "documents/s"],
                      [[t.get("elapsed_seconds"), t.get("cpu_seconds"), t.get("mb_per_second"),
                        t.get("documents_per_second")]], numeric=[0, 1, 2, 3])
        steps = [(name, v.get("seconds", 0.0)) for name, v in t.get("steps", {}).items()]
        body += "<h3>Seconds per step (summed over documents and workers)</h3>"
        body += bar_chart(sorted(steps, key=lambda kv: (-kv[1], kv[0])), color="#8a8f3a")
    else:
        body = '<p class="muted">No timings recorded.</p>'
    sections.append(("timings", "Timings", body))

    nav = "".join(f'<a href="#{k}">{esc(title)}</a>' for k, title, _ in sections)
    head = (f"{c.get('documents.kept', 0):,} kept of {c.get('documents.in', 0):,} documents read from "
            f"{facts.run.get('input', '?')}")
    return ("<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
            '<meta name=viewport content="width=device-width, initial-scale=1">'
            # nothing runs and nothing is fetched, whatever the data holds
            "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<title>corpusclean run report</title><style>{_CSS}</style></head><body>"
            f"<header><h1>corpusclean run report</h1><p>{esc(head)}</p></header><main>"
            f"<nav>{nav}</nav>" + "".join(_section(*s) for s in sections) + "</main></body></html>\n")


def _median(values: list[int]) -> int:
    if not values:
        return 0
    s = sorted(values)
    return s[len(s) // 2]


def write_report(output: str | Path, to: str | Path | None = None) -> Path:
    """Write the report of the finished run in ``output`` to ``to`` (default
    ``output/report.html``), atomically; return its path."""
    output = Path(output)
    target = Path(to) if to is not None else output / REPORT_FILE
    write_atomic(target, render(gather(output)))
    return target
