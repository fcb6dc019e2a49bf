"""Precision and recall of the corpus steps on corpora built from the dev pages.

Template lines: synthetic sites whose pages are the content lines of different dev pages, each
wrapped in one site template (header and footer lines taken from one dev page's labelled
boilerplate, some footer lines on only part of the pages, digits varying from page to page).
A removed line is right if it was injected by the template, wrong if it is a content line.
A sidebar of four more template lines is on about a third of a site's pages.

Duplicates: dev pages (their content lines, at least 80 words), each followed by copies:
exact (case and spacing changed), 5%, 10% and 20% of the words replaced by random words of
the corpus, and paragraphs shuffled; the five seeds (different articles on one story) are added
and must all stay. A dropped document is right if it duplicates a document of its own family.

    python benchmarks/corpus_quality.py [--data ../shared/bench/dev] [--verify] [--json R.json]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from corpusclean import Document, Pipeline, Step
from corpusclean.filters.corpus import Dedup, TemplateLines, _jaccard, shingles, tokens

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "bench" / "dev"
EDITS = (0.05, 0.10, 0.20)


def load_pages(data: Path) -> list[dict]:
    """Every dev page with its labelled lines: name, language, content and boilerplate lines."""
    manifest = {}
    mpath = data / "manifest.jsonl"
    if mpath.exists():
        for line in mpath.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            manifest[rec["name"]] = rec
    pages = []
    for lab in sorted(data.glob("*.labels.jsonl")):
        name = lab.name[: -len(".labels.jsonl")]
        rows = [json.loads(x) for x in lab.read_text(encoding="utf-8").splitlines() if x.strip()]
        content = [r["text"] for r in rows if r["label"] == "content" and r["text"].strip()]
        boiler = [r["text"] for r in rows if r["label"] == "boilerplate" and r["text"].strip()]
        pages.append(
            {
                "name": name,
                "lang": manifest.get(name, {}).get("lang") or "?",
                "content": content,
                "boilerplate": boiler,
            }
        )
    return pages


def _with_words(lines: list[str]) -> list[str]:
    seen, out = set(), []
    for ln in lines:
        key = ln.strip().casefold()
        if any(ch.isalpha() for ch in ln) and key not in seen:
            seen.add(key)
            out.append(ln.strip())
    return out


def _vary_digits(line: str, rng: random.Random) -> str:
    return "".join(str(rng.randrange(10)) if ch.isdigit() else ch for ch in line)


# -- template lines ---------------------------------------------------------------------------


def template_corpus(pages: list[dict], rng: random.Random, *, n_sites: int, per_site: int):
    """Documents of ``n_sites`` sites and, per document, which line numbers are template lines."""
    donors = [p for p in pages if len(_with_words(p["boilerplate"])) >= 12]
    by_lang: dict[str, list[dict]] = defaultdict(list)
    for p in donors:
        by_lang[p["lang"]].append(p)
    langs = sorted(by_lang, key=lambda lang: -len(by_lang[lang]))
    bodies = [p for p in pages if len(p["content"]) >= 3]
    rng.shuffle(bodies)
    docs, truth = [], {}
    used = 0
    for s in range(n_sites):
        lang = langs[s % len(langs)]
        donor = rng.choice(by_lang[lang])
        lines = _with_words(donor["boilerplate"])
        header, footer, sidebar = lines[:8], lines[-6:], lines[8:12]
        host = f"site{s}.example"
        for d in range(per_site):
            body = bodies[used % len(bodies)]["content"]
            used += 1
            head = [_vary_digits(x, rng) for x in header]
            foot = [_vary_digits(x, rng) for x in footer if rng.random() < 0.8]
            side = sidebar if rng.random() < 0.35 else []
            text_lines = [*head, *body, *side, *foot]
            tmpl = set(range(1, len(head) + 1)) | set(
                range(len(head) + len(body) + 1, len(text_lines) + 1)
            )
            doc_id = f"{host}/page{d:03d}"
            meta = {
                "source": f"{host}.jsonl",
                "line": d + 1,
                "input_metadata": {"url": f"https://{host}/p/{d}"},
            }
            docs.append(Document.from_text("\n".join(text_lines), id=doc_id, meta=meta))
            truth[doc_id] = (tmpl, donor["name"], lang)
    return docs, truth


def score_templates(docs: list[Document], truth: dict, step: TemplateLines) -> dict:
    state = step.empty()
    for d in docs:
        state = step.collect(state, d)
    merged = step.merge([state])
    filt = step.bind(merged)
    tp = fp = fn = 0
    per_lang: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    for d in docs:
        tmpl, _donor, lang = truth[d.id]
        decision = filt(d)
        removed = {r.line for r in decision.removed}
        tp += len(removed & tmpl)
        fn += len(tmpl - removed)
        fp += len(removed - tmpl)
        per_lang[lang] += len(tmpl - removed)
        for r in decision.removed:
            if r.line not in tmpl:
                wrong[r.text[:60]] += 1
    return {
        "documents": len(docs),
        "template_lines": tp + fn,
        "removed": tp + fp,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "exact": merged.exact,
        "sketch_load": round(merged.load, 3),
        "missed_by_language": dict(per_lang),
        "wrongly_removed": wrong.most_common(8),
    }


# -- duplicates -------------------------------------------------------------------------------


def edit_words(text: str, share: float, vocab: list[str], rng: random.Random) -> str:
    """Replace ``share`` of the words of ``text`` by random words of ``vocab``, lines kept."""
    lines = [ln.split(" ") for ln in text.split("\n")]
    slots = [(i, j) for i, ws in enumerate(lines) for j, w in enumerate(ws) if w]
    for i, j in rng.sample(slots, round(share * len(slots))):
        lines[i][j] = rng.choice(vocab)
    return "\n".join(" ".join(ws) for ws in lines)


def shuffle_paragraphs(text: str, rng: random.Random) -> str:
    paras = text.split("\n")
    rng.shuffle(paras)
    return "\n".join(paras)


def dedup_corpus(
    pages: list[dict], seeds: Path | None, rng: random.Random, *, n_bases: int, n_families: int
):
    """Base documents, their copies, and the seeds; family of every document."""
    pool = [p for p in pages if sum(len(x.split()) for x in p["content"]) >= 80]
    rng.shuffle(pool)
    bases: list[tuple[str, str]] = []
    kept_sh = []
    excluded = 0
    for p in pool:
        text = "\n".join(p["content"])
        toks, line_of, _chars = tokens(text)
        sh = shingles(toks, line_of, 5)
        if any(_jaccard(sh, other) >= 0.2 for other in kept_sh):
            excluded += 1  # the same article twice in the dev pages: not a negative
            continue
        bases.append((p["name"], text))
        kept_sh.append(sh)
        if len(bases) == n_bases:
            break
    vocab = sorted({w for _n, t in bases for w in t.split()})
    docs: list[Document] = []
    family: dict[str, str] = {}
    kind: dict[str, str] = {}

    def add(doc_id: str, text: str, fam: str, what: str) -> None:
        docs.append(Document.from_text(text, id=doc_id, meta={"source": f"{doc_id}.txt"}))
        family[doc_id] = fam
        kind[doc_id] = what

    for b, (_name, text) in enumerate(bases):
        fam = f"f{b:04d}"
        add(f"{fam}/0-original", text, fam, "original")
        if b >= n_families:
            continue
        add(
            f"{fam}/1-exact",
            "\n\n".join(
                ("  " + ln.upper()) if i % 2 else ln for i, ln in enumerate(text.split("\n"))
            ),
            fam,
            "exact",
        )
        for e in EDITS:
            add(
                f"{fam}/2-edit{round(e * 100):02d}",
                edit_words(text, e, vocab, rng),
                fam,
                f"edit {round(e * 100)}%",
            )
        add(f"{fam}/3-reordered", shuffle_paragraphs(text, rng), fam, "reordered")
    if seeds is not None:
        for p in sorted(seeds.glob("*.txt")):
            add(f"seeds/{p.name}", p.read_text(encoding="utf-8"), f"seed:{p.name}", "seed")
    return docs, family, kind, excluded


def score_dedup(
    docs: list[Document], family: dict, kind: dict, dedup: Dedup, shards: int = 1
) -> dict:
    pipe = Pipeline(
        [
            Step(
                "corpus.dedup",
                **{
                    k: getattr(dedup, k)
                    for k in ("threshold", "ngram", "num_perm", "bands", "verify")
                },
            )
        ]
    )
    step = pipe.filters[0]
    parts = [step.empty() for _ in range(shards)]
    for i, d in enumerate(docs):
        parts[i % shards] = step.collect(parts[i % shards], d)
    t0 = time.perf_counter()
    pipe.bind(0, step.merge(parts))
    bind_s = time.perf_counter() - t0
    results = [pipe.run(d) for d in docs]
    dropped = {r.doc.id: r for r in results if not r.kept}
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    tp = fp = 0
    false_merges = []
    for d in docs:
        k = kind[d.id]
        if k == "original" or k == "seed":
            continue
        by_kind[k][1] += 1
        if d.id in dropped:
            by_kind[k][0] += 1
    for doc_id, r in dropped.items():
        dup_of = r.doc.annotations["duplicate_of"]
        if family[dup_of] == family[doc_id]:
            tp += 1
        else:
            fp += 1
            false_merges.append((doc_id, dup_of, r.doc.annotations["duplicate_similarity"]))
    seeds_dropped = [i for i in dropped if kind[i] == "seed"]
    originals_dropped = [i for i in dropped if kind[i] == "original"]
    up_to_10 = [v for k, v in by_kind.items() if k in ("exact", "edit 5%", "edit 10%", "reordered")]
    return {
        "documents": len(docs),
        "dropped": len(dropped),
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall_up_to_10pct": sum(v[0] for v in up_to_10) / max(1, sum(v[1] for v in up_to_10)),
        "recall_by_kind": {k: round(v[0] / v[1], 3) for k, v in sorted(by_kind.items())},
        "seeds_dropped": seeds_dropped,
        "originals_dropped": originals_dropped,
        "false_merges": false_merges[:10],
        "reasons": dict(Counter(r.dropped for r in dropped.values())),
        "verdicts": sorted(
            (i, r.dropped, r.doc.annotations["duplicate_of"]) for i, r in dropped.items()
        ),
        "bind_seconds": round(bind_s, 3),
    }


def mixed_directory(data: Path, step: TemplateLines) -> dict:
    """Template lines over every dev dump as one directory (unrelated pages, one "site"),
    scored with the benchmark's ``score.py --task lines`` (kept lines of each dump)."""
    with tempfile.TemporaryDirectory() as tmp:
        pred = Path(tmp) / "pred"
        pred.mkdir()
        docs = [
            Document.from_text(
                p.read_text(encoding="utf-8"),
                id=p.name[: -len(".dump.txt")],
                meta={"source": f"dev/{p.name}"},
            )
            for p in sorted(data.glob("*.dump.txt"))
        ]
        state = step.empty()
        for d in docs:
            state = step.collect(state, d)
        filt = step.bind(step.merge([state]))
        for d in docs:
            out = filt(d).doc or d
            (pred / f"{d.id}.txt").write_text(
                "\n".join(ln.text for ln in out.lines), encoding="utf-8"
            )
        result = Path(tmp) / "score.json"
        subprocess.run(
            [
                sys.executable,
                str(data.parent / "score.py"),
                "--task",
                "lines",
                "--pred",
                str(pred),
                "--data",
                str(data),
                "--json",
                str(result),
            ],
            check=True,
            capture_output=True,
        )
        overall = json.loads(result.read_text(encoding="utf-8"))
    agg = overall.get("overall", overall)
    return {k: agg.get(k) for k in ("c_p", "c_r", "b_p", "b_r", "b_f1", "tok_f1")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--data",
        default=str(DEFAULT_DATA),
        help="the dev pages (NAME.labels.jsonl, manifest.jsonl)",
    )
    ap.add_argument("--seeds", default=str(ROOT / "seeds"))
    ap.add_argument("--sites", type=int, default=12)
    ap.add_argument("--per-site", type=int, default=25)
    ap.add_argument("--bases", type=int, default=300)
    ap.add_argument("--families", type=int, default=100, help="bases that get copies")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--skip-mixed", action="store_true", help="skip scoring all dev dumps as one directory"
    )
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args(argv)
    data = Path(args.data)
    if not data.is_dir():
        print(f"no dev pages at {data}", file=sys.stderr)
        return 2
    pages = load_pages(data)
    report: dict = {"pages": len(pages)}

    docs, truth = template_corpus(
        pages, random.Random(args.seed), n_sites=args.sites, per_site=args.per_site
    )
    print(
        f"template lines: {args.sites} sites x {args.per_site} pages, templates from "
        f"{sorted({(v[2], v[1]) for v in truth.values()})}"
    )
    for label, step in (
        ("default (min_docs=3, min_share=0.2)", TemplateLines()),
        ("min_share=0", TemplateLines(min_share=0.0)),
        ("min_share=0.5", TemplateLines(min_share=0.5)),
        ("sketch, memory_mb=0.25", TemplateLines(memory_mb=0.25)),
        ("sketch, memory_mb=0.0625", TemplateLines(memory_mb=0.0625)),
    ):
        res = score_templates(docs, truth, step)
        report[f"template {label}"] = res
        print(
            f"  {label:<40} P={res['precision']:.3f} R={res['recall']:.3f} "
            f"({res['removed']} removed, {res['template_lines']} template lines"
            f"{'' if res['exact'] else ', sketch load ' + str(res['sketch_load'])})"
        )
        if res["wrongly_removed"]:
            print(f"    wrongly removed: {res['wrongly_removed']}")

    seeds = Path(args.seeds) if Path(args.seeds).is_dir() else None
    docs, family, kind, excluded = dedup_corpus(
        pages, seeds, random.Random(args.seed), n_bases=args.bases, n_families=args.families
    )
    print(
        f"\nduplicates: {len(docs)} documents ({args.bases} different pages, "
        f"{args.families} with 6 copies each, "
        f"{5 if seeds else 0} seeds; {excluded} dev pages left out as copies of another)"
    )
    for label, dd in (
        ("default (threshold 0.3, 128 perm, 64x2 bands)", Dedup()),
        ("verify true Jaccard", Dedup(verify=True)),
        ("threshold 0.5", Dedup(threshold=0.5)),
        ("32 bands x 4 rows", Dedup(bands=32)),
    ):
        res = score_dedup(docs, family, kind, dd)
        report[f"dedup {label}"] = {k: v for k, v in res.items() if k != "verdicts"}
        print(
            f"  {label:<48} P={res['precision']:.3f} R(<=10%)={res['recall_up_to_10pct']:.3f} "
            f"by kind {res['recall_by_kind']}  seeds dropped={len(res['seeds_dropped'])} "
            f"originals dropped={len(res['originals_dropped'])} bind {res['bind_seconds']}s"
        )
        if res["false_merges"]:
            print(f"    false merges: {res['false_merges']}")
    if (data.parent / "score.py").exists() and not args.skip_mixed:
        print("\ntemplate lines over all dev dumps as one directory (score.py --task lines):")
        for label, step in (
            ("keep everything", None),
            ("default", TemplateLines(site="directory")),
            ("min_share=0", TemplateLines(site="directory", min_share=0.0)),
        ):
            res = mixed_directory(data, step or TemplateLines(site="directory", min_docs=10**9))
            report[f"mixed {label}"] = res
            print(
                f"  {label:<16} "
                + " ".join(f"{k}={v:.3f}" for k, v in res.items() if v is not None)
            )
    one = score_dedup(docs, family, kind, Dedup(), shards=1)["verdicts"]
    four = score_dedup(docs, family, kind, Dedup(), shards=4)["verdicts"]
    print(f"  1 shard and 4 shards give the same verdicts: {one == four}")
    report["shards_agree"] = one == four
    if args.json:
        Path(args.json).write_text(
            json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
