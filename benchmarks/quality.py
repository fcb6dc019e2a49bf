#!/usr/bin/env python3
"""Quality of corpusclean on the labelled boilerplate bench (dev split), for both of its tasks.

  lines task  one Document per NAME.dump.txt (lines numbered from 1), run through the pipeline;
              PRED/NAME.txt holds the ORIGINAL dump lines that were not removed, in order.
  html task   NAME.html read by corpusclean's HTML reader and run through the same pipeline;
              PRED/NAME.txt holds the document's text (empty when the pipeline dropped it).

Both are scored by the bench's own ``score.py`` (``--task lines|html --json``). Besides its
overall and per-source figures this prints per-language figures (language from the manifest,
else the pipeline's ``language`` annotation, else "?"), and for every reason code the number of
lines it removed and how many of them the bench labels as content (so the precision of each
rule family on the labels), then the bench README's reference figures.

  python benchmarks/quality.py                      # both tasks, default pipeline
  python benchmarks/quality.py --task html -j 2     # one task, two worker processes
  python benchmarks/quality.py --config pipeline.toml --out build/quality
  python benchmarks/quality.py --write-docs         # also regenerate docs/quality.md

The bench is found at ``--bench``, else ``$CORPUSCLEAN_BENCH``, else ``../shared/bench`` beside
the repository. Pages are processed by a process pool; results are collected in manifest order,
so every figure is deterministic (timings excepted, which are printed but not written to docs).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from multiprocessing import get_context
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from corpusclean import __version__  # noqa: E402
from corpusclean.document import Document  # noqa: E402
from corpusclean.pipeline import Pipeline  # noqa: E402
from corpusclean.readers import Reject, read_file  # noqa: E402

TASKS = ("lines", "html")
_WS = re.compile(r"\s+")

# -- worker side ----------------------------------------------------------------------------------

_PIPELINE: Pipeline | None = None


def _init_worker(config: str | None) -> None:
    global _PIPELINE
    _PIPELINE = Pipeline.from_file(config) if config else Pipeline.default()


def _norm(text: str) -> str:
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _labels(path: Path) -> list[tuple[str, str]]:
    """``(label, text)`` of every dump line, in order (index = line number - 1)."""
    out: list[tuple[str, str]] = []
    with path.open(encoding="utf-8") as fh:
        for raw in fh:
            row = json.loads(raw)
            out.append((row["label"], row["text"]))
    return out


def run_page(job: tuple[str, str, str, str]) -> dict[str, Any]:
    """Run the pipeline on one page for one task; write PRED/NAME.txt; return what was removed.

    ``job`` is ``(task, data folder, pred folder, page name)``.
    """
    task, data, pred, name = job
    data_dir, pred_dir = Path(data), Path(pred)
    assert _PIPELINE is not None
    labels = _labels(data_dir / f"{name}.labels.jsonl")
    t0 = time.perf_counter()
    reject = None
    if task == "lines":
        text = (data_dir / f"{name}.dump.txt").read_text(encoding="utf-8")
        doc = Document.from_text(
            text, id=name, meta={"source": f"{name}.dump.txt", "format": "text"}
        )
        result = _PIPELINE.run(doc)
        removed_nos = {r.line for r in result.doc.removals}
        source_lines = doc.lines
        if result.dropped:
            out = ""
        else:
            out = "\n".join(ln.text for ln in source_lines if ln.no not in removed_nos)
        final = result.doc
    else:
        items = list(read_file(data_dir / f"{name}.html", f"{name}.html"))
        item = items[0] if items else None
        if isinstance(item, Document):
            result = _PIPELINE.run(item)
            final = result.doc
            out = "" if result.dropped else final.text
        else:
            reject = item.reason if isinstance(item, Reject) else "read.nothing"
            result, final, out = None, None, ""
    seconds = time.perf_counter() - t0
    (pred_dir / f"{name}.txt").write_text(out + ("\n" if out else ""), encoding="utf-8")

    removals: list[tuple[str, str]] = []  # (reason, label of the removed line)
    if final is not None:
        if task == "lines":
            for r in final.removals:
                lab = labels[r.line - 1][0] if 0 < r.line <= len(labels) else "?"
                removals.append((r.reason, lab))
        else:
            by_text: dict[str, str] = {}
            for lab, text in labels:
                key = _norm(text)
                # a text labelled content anywhere on the page counts as content
                if by_text.get(key) != "content":
                    by_text[key] = lab
            for r in final.removals:
                removals.append((r.reason, by_text.get(_norm(r.text), "unmatched")))
    lang = final.annotations.get("language") if final is not None else None
    return {
        "name": name,
        "removals": removals,
        "dropped": result.dropped if result is not None else None,
        "reject": reject,
        "detected_lang": lang if isinstance(lang, str) else None,
        "seconds": seconds,
    }


# -- driver side ----------------------------------------------------------------------------------


def find_bench(arg: str | None) -> Path:
    for cand in (arg, os.environ.get("CORPUSCLEAN_BENCH"), str(REPO.parent / "shared" / "bench")):
        if cand and (Path(cand) / "score.py").exists():
            return Path(cand)
    msg = "bench not found: pass --bench DIR or set CORPUSCLEAN_BENCH (folder with score.py, dev/)"
    raise SystemExit(msg)


def load_score_module(bench: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_score", bench / "score.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_task(
    task: str, data: Path, pred: Path, names: list[str], config: str | None, jobs: int
) -> list[dict[str, Any]]:
    pred.mkdir(parents=True, exist_ok=True)
    work = [(task, str(data), str(pred), n) for n in names]
    if jobs <= 1:
        _init_worker(config)
        return [run_page(w) for w in work]
    with get_context("spawn").Pool(jobs, initializer=_init_worker, initargs=(config,)) as pool:
        return list(pool.imap(run_page, work, chunksize=4))


def score_task(task: str, bench: Path, pred: Path, data: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "score.json"
        cmd = [
            sys.executable,
            str(bench / "score.py"),
            "--task",
            task,
            "--pred",
            str(pred),
            "--data",
            str(data),
            "--split",
            "all",
            "--json",
            str(out),
        ]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        return json.loads(out.read_text(encoding="utf-8"))


def by_language(
    score_mod: ModuleType,
    task: str,
    scored: dict[str, Any],
    pages: dict[str, dict[str, Any]],
    manifest: dict[str, dict[str, Any]],
) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in scored["pages"]:
        lang = manifest[row["name"]].get("lang") or pages[row["name"]]["detected_lang"] or "?"
        groups[lang].append(row)
    order = sorted(groups, key=lambda k: (-len(groups[k]), k))
    return {lang: score_mod.aggregate(task, groups[lang]) for lang in order}


def reason_table(pages: list[dict[str, Any]]) -> list[tuple[str, int, int, int, int]]:
    """Per reason: removed lines, labelled content, labelled boilerplate, other (unlabelled)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for p in pages:
        for reason, lab in p["removals"]:
            counts[reason][lab] += 1
    rows = []
    for reason in sorted(counts):
        c = counts[reason]
        total = sum(c.values())
        rows.append(
            (reason, total, c["content"], c["boilerplate"], total - c["content"] - c["boilerplate"])
        )
    return rows


def reference_figures(bench: Path) -> list[list[str]]:
    """The rows of the reference table in the bench README (tool, lines task, html task)."""
    text = (bench / "README.md").read_text(encoding="utf-8")
    part = text.split("## Reference figures", 1)
    rows: list[list[str]] = []
    if len(part) < 2:
        return rows
    for line in part[1].splitlines()[1:]:
        if line.startswith("## "):
            break
        if line.startswith("|") and not line.startswith("|---") and "tool" not in line:
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows


def fmt(x: Any, nd: int = 3) -> str:
    return "-" if x is None else f"{x:.{nd}f}"


COLS = {
    "lines": ("c_p", "c_r", "c_f1", "b_p", "b_r", "b_f1", "tok_f1"),
    "html": ("p", "r", "f1", "sh_f1", "with_recall", "without_leak"),
}


def table(task: str, rows: list[tuple[str, dict[str, Any]]], first: str) -> list[str]:
    cols = COLS[task]
    out = [f"| {first} | pages | " + " | ".join(cols) + " |", "|---|---:|" + "---:|" * len(cols)]
    for label, agg in rows:
        out.append(
            f"| {label} | {agg['pages']} | " + " | ".join(fmt(agg.get(c)) for c in cols) + " |"
        )
    return out


def report(task: str, res: dict[str, Any]) -> list[str]:
    o = res["score"]["overall"]
    key = "tok_f1" if task == "lines" else "f1"
    out = [f"## {task} task", ""]
    macro = fmt(o.get(key + "_macro_over_sources"))
    head = f"Token F1 **{fmt(o.get(key))}** (macro over sources {macro})"
    if task == "lines":
        head += f"; lines scored {o['lines']}, accuracy {fmt(o.get('acc'))}"
    else:
        head += f" on {o['full_pages']} full-gold pages; {o['snippet_pages']} snippet pages"
    dropped = sum(1 for p in res["pages"] if p["dropped"])
    rejected = sum(1 for p in res["pages"] if p["reject"])
    head += f"; documents dropped by the pipeline: {dropped}, rejected by the reader: {rejected}."
    out += [head, ""]
    out += table(task, [("OVERALL", o), *sorted(res["score"]["by_source"].items())], "source")
    out += ["", "By language (manifest, else detected, else ?):", ""]
    out += table(task, list(res["by_lang"].items()), "language")
    out += [
        "",
        "Removed lines by reason code (label of the removed line on the bench; for the html task a",
        "removed line is matched to a labelled dump line by its text, `other` = no label found):",
        "",
    ]
    out += [
        "| reason | removed | content | boilerplate | other | precision |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for reason, total, content, boiler, other in res["reasons"]:
        labelled = content + boiler
        prec = fmt(boiler / labelled) if labelled else "-"
        out.append(f"| `{reason}` | {total} | {content} | {boiler} | {other} | {prec} |")
    if not res["reasons"]:
        out.append("| (no line removed) | 0 | 0 | 0 | 0 | - |")
    return out


#: Where the part of docs/quality.md that --write-docs keeps as it is begins.
KEPT_SECTIONS = "## Agreement with datatrove's quality filters"


def render_docs(
    results: dict[str, dict[str, Any]], bench: Path, pipeline_desc: str, fingerprint: str
) -> str:
    out = [
        "# Quality on the boilerplate bench",
        "",
        "Generated by `python benchmarks/quality.py --write-docs`, up to the section on",
        "datatrove's quality filters (kept as it is); do not edit that part by hand.",
        "",
        f"corpusclean {__version__}, pipeline {pipeline_desc} (fingerprint `{fingerprint}`), bench "
        "development split (648 labelled pages; the bench's `score.py` computes every figure).",
        "No figure here is in-sample: the line model was fitted on the bench's training split",
        "(WCXB pages that are in neither this split nor the held-out one), and these pages only",
        "chose its decision threshold and the filters' defaults.",
        "",
        "- lines task: each `NAME.dump.txt` runs through the pipeline as plain text; the output",
        "  is the dump lines no step removed. `c_*` = keeping content lines, `b_*` = removing",
        "  boilerplate lines (micro over lines), `tok_f1` = token F1 of the kept text against the",
        "  gold text.",
        "- html task: each `NAME.html` is read by corpusclean's HTML reader (`readers/html.py`)",
        "  and runs through the same pipeline; the output is the document text. `f1` =",
        "  bag-of-words token F1 against the gold (mean over the full-gold pages), `sh_f1` = word",
        "  4-gram F1, and on snippet pages `with_recall` (must-have snippets found) and",
        "  `without_leak` (must-not snippets kept).",
        "- precision of a reason = share of its removed lines the bench labels boilerplate.",
        "",
    ]
    for task in TASKS:
        if task in results:
            out += [*report(task, results[task]), ""]
    out += [
        "## Reference figures (from the bench README, token F1)",
        "",
        "| tool | lines task (dump) | html task |",
        "|---|---|---|",
    ]
    for row in reference_figures(bench):
        out.append("| " + " | ".join(row) + " |")
    ours = " | ".join(
        fmt(results[t]["score"]["overall"].get("tok_f1" if t == "lines" else "f1"))
        if t in results
        else "-"
        for t in TASKS
    )
    out.append(f"| **corpusclean {__version__}** | {ours} |")
    out += [
        "",
        "The learned line model (`boilerplate.layout`): features, training, cross-validated",
        "figures and limits are in [line_model.md](line_model.md).",
        '',
        '## Remaining failure kinds',
        '',
        '- Lines task: pages whose content is itself short label lines (spec tables, product pages,',
        '  forum and listing pages) lose content to the line model; site-specific menus and teaser',
        '  headlines that no phrase family knows are left to the model; standalone datelines are',
        '  removed as `boilerplate.widget` where the gold keeps them.',
        '- HTML task: most of the remaining error is on wcxb landing, listing and forum pages, where',
        '  the gold covers most of the page; `html.link_dense` and `html.caption` are the least precise',
        '  reasons on the labels (see the table above).',
        '- The line model is fitted on the training split, which is English WCXB pages only: on the',
        '  other sources and languages of this split it does worse than on its wcxb pages',
        '  (line_model.md).',
    ]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--bench", help="bench folder (with score.py, README.md and dev/)")
    ap.add_argument("--config", help="pipeline TOML (default: the built-in pipeline)")
    ap.add_argument("--task", choices=(*TASKS, "both"), default="both")
    ap.add_argument(
        "-j", "--jobs", type=int, default=min(2, os.cpu_count() or 1), help="worker processes"
    )
    ap.add_argument("--out", help="keep the PRED folders here (default: a temporary folder)")
    ap.add_argument(
        "--sources", default="", help="only these comma-separated sources (not with --write-docs)"
    )
    ap.add_argument(
        "--data", help="another folder of labelled pages in the bench's format (default: dev/)"
    )
    ap.add_argument("--every", type=int, default=1, help="only every N-th page (exploration)")
    ap.add_argument("--write-docs", action="store_true", help="regenerate docs/quality.md")
    args = ap.parse_args(argv)
    if args.write_docs and (args.sources or args.task != "both" or args.data or args.every > 1):
        ap.error("--write-docs needs every dev page, every source and both tasks")

    bench = find_bench(args.bench)
    score_mod = load_score_module(bench)
    data = Path(args.data) if args.data else bench / "dev"
    manifest = {
        r["name"]: r
        for r in score_mod.load_manifest(data)
        if args.data or r.get("split", "dev") == "dev"
    }
    wanted = {s for s in args.sources.split(",") if s}
    names = [n for n, r in manifest.items() if not wanted or r["source"] in wanted]
    names = names[:: max(1, args.every)]
    pipeline = Pipeline.from_file(args.config) if args.config else Pipeline.default()
    desc = (
        f"`{args.config}`"
        if args.config
        else "default (`" + "`, `".join(s.use for s in pipeline.steps) + "`)"
    )

    tasks = TASKS if args.task == "both" else (args.task,)
    tmp = tempfile.TemporaryDirectory() if not args.out else None
    root = Path(args.out) if args.out else Path(tmp.name)  # type: ignore[union-attr]
    results: dict[str, dict[str, Any]] = {}
    try:
        for task in tasks:
            pred = root / task
            for old in pred.glob("*.txt") if pred.exists() else ():
                old.unlink()
            t0 = time.perf_counter()
            pages = run_task(task, data, pred, names, args.config, args.jobs)
            wall = time.perf_counter() - t0
            cpu = sum(p["seconds"] for p in pages)
            scored = score_task(task, bench, pred, data)
            if wanted or args.every > 1:
                keep = set(names)
                scored["pages"] = [r for r in scored["pages"] if r["name"] in keep]
                scored["overall"] = score_mod.aggregate(task, scored["pages"])
                scored["by_source"] = {
                    s: score_mod.aggregate(task, [r for r in scored["pages"] if r["source"] == s])
                    for s in sorted(wanted or {r["source"] for r in scored["pages"]})
                }
            page_map = {p["name"]: p for p in pages}
            results[task] = {
                "score": scored,
                "pages": pages,
                "by_lang": by_language(score_mod, task, scored, page_map, manifest),
                "reasons": reason_table(pages),
            }
            print("\n".join(report(task, results[task])))
            print(
                f"\n{len(pages)} pages in {wall:.1f} s wall ({args.jobs} workers), "
                f"{1000 * cpu / max(len(pages), 1):.1f} ms/page (read + pipeline, per worker)\n"
            )
    finally:
        if tmp is not None:
            tmp.cleanup()
    print("Reference figures (bench README, token F1): lines task | html task")
    for row in reference_figures(bench):
        print("  " + " | ".join(row))
    if args.write_docs:
        target = REPO / "docs" / "quality.md"
        text = render_docs(results, bench, desc, pipeline.fingerprint())
        # The sections written by other benchmarks (benchmarks/quality_agreement.py) stay.
        old = target.read_text(encoding="utf-8") if target.exists() else ""
        if KEPT_SECTIONS in old:
            text += "\n" + old[old.index(KEPT_SECTIONS):]
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
