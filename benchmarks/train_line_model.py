#!/usr/bin/env python3
"""Train the layout line model (``boilerplate.layout``) on the benchmark's labelled dump lines.

Reads every page of the bench split (``NAME.labels.jsonl``: one row per dump line, labelled
``content`` / ``boilerplate``, or unlabelled), computes the features of
``corpusclean.filters.layout`` for every line, and fits two passes of gradient-boosted depth-3
trees (the second pass adds the first pass's scores of the neighbouring lines). Clean articles
(the content lines of each fully labelled page, alone) are added as extra training documents,
all content, so the model keeps a clean text whole and the filter converges.

Evaluation, both by running the real filter and scoring with the bench's ``score.py``:
- ``--folds K``: page-grouped cross-validation. Each fold's pages are cleaned by a model
  trained on the other folds (the pass-two training scores come from inner folds, so held-out
  labels never reach the model that judges them); held-out figures are reported.
- the full fit: the model written to ``src/corpusclean/filters/models/line_model.json``
  (deterministic: same data, same file), run over every dev page and scored.
``PRED/NAME.txt`` holds the original dump lines the filter kept, verbatim and in order.

With ``--data`` and ``--eval-data`` the model is fitted on one folder of pages and the full fit
is scored on another it never saw (``--thresholds``: the decision threshold is picked there with
page-grouped cross-validation); see ``docs/line_model.md`` for the command of the shipped model.

Usage (numpy is needed for training only):
  nice python benchmarks/train_line_model.py --bench ../shared/bench --folds 5 --out /tmp/lm
  nice python benchmarks/train_line_model.py --data ../data/train --eval-data ../shared/bench/dev \
      --folds 0 --eval-after-steps --segmented 4 --thresholds 0.4,0.45,0.5,0.55
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from corpusclean.document import Document, Line  # noqa: E402
from corpusclean.filters import DEFAULT_STEPS  # noqa: E402
from corpusclean.pipeline import Pipeline, Step  # noqa: E402
from corpusclean.filters.encoding import normalize_line  # noqa: E402
from corpusclean.filters.layout import (  # noqa: E402
    CONTEXT_FEATURES,
    FEATURES,
    MODEL_PATH,
    LayoutBoilerplate,
    LineModel,
    Trees,
    context_features,
    document_features,
)

# ---------------------------------------------------------------------------------------------
# Data


class Page:
    """One labelled page: its normalized non-blank lines, labels (1 content, 0 boilerplate,
    -1 unknown), token counts, and the dump line number of each kept line.

    With ``before`` (the pipeline steps that run before ``boilerplate.layout``), the lines are
    what those steps leave of the dump, as the filter meets them in a run; the lines they
    removed are gone from training, and from the output."""

    def __init__(self, name: str, source: str, rows: list[dict], full: bool,
                 before: Pipeline | None = None) -> None:
        self.name, self.source, self.full = name, source, full
        self.dump = [r["text"] for r in rows]
        self.texts, self.labels, self.where = [], [], []
        self.after: Document | None = None  # what the earlier steps left, removals recorded
        if before is None:
            lines = [(i, normalize_line(r["text"])) for i, r in enumerate(rows)]
        else:
            doc = Document(id=name, lines=tuple(Line(i + 1, r["text"]) for i, r in enumerate(rows)))
            result = before.run(doc)
            self.after = None if result.dropped else result.doc
            lines = [] if result.dropped else [(ln.no - 1, ln.text) for ln in result.doc.lines]
        for i, t in lines:
            if not t.strip():
                continue
            self.texts.append(t)
            self.labels.append({"content": 1, "boilerplate": 0}.get(rows[i]["label"], -1))
            self.where.append(i)
        self.tokens = [max(1, len(t.split())) for t in self.texts]


def steps_before_layout() -> Pipeline:
    """The default pipeline's steps before ``boilerplate.layout``."""
    steps = list(DEFAULT_STEPS)
    return Pipeline([Step(name) for name in steps[: steps.index("boilerplate.layout")]])


def load_pages(data: Path, split: str, before: Pipeline | None = None) -> list[Page]:
    pages = []
    for line in (data / "manifest.jsonl").open(encoding="utf-8"):
        rec = json.loads(line)
        if split != "all" and rec["split"] != split:
            continue
        rows = [
            json.loads(x) for x in (data / f"{rec['name']}.labels.jsonl").open(encoding="utf-8")
        ]
        pages.append(Page(rec["name"], rec["source"], rows, rec["gold"] == "full", before))
    return pages


def fold_of(name: str, k: int) -> int:
    """A page's fold: stable, from its name."""
    return int(hashlib.sha1(name.encode()).hexdigest(), 16) % k


class Block:
    """Feature rows of a set of documents: X (lines x features), y, weights, doc boundaries."""

    def __init__(
        self, docs: list[tuple[list[dict], list[int], list[int]]], names: list[str]
    ) -> None:
        self.names = names
        self.rows = [rows for rows, _, _ in docs]
        self.X = np.array(
            [[r.get(n, 0.0) for n in names] for rows, _, _ in docs for r in rows], dtype=np.float64
        )
        self.y = np.array([lab for _, labels, _ in docs for lab in labels], dtype=np.int64)
        self.tok = np.array([t for _, _, toks in docs for t in toks], dtype=np.float64)
        self.bounds = np.cumsum([0] + [len(rows) for rows, _, _ in docs])


# Latin sentence punctuation and its full-width forms, for the segmented-script copies.
_FULL_WIDTH = str.maketrans({".": "。", ",": "，", "!": "！", "?": "？", ":": "：", ";": "；",
                             "(": "（", ")": "）"})
_LATIN_WORD_RE = re.compile(r"[A-Za-z]+")
_HAN_BASE, _HAN_SPAN = 0x4E00, 0x9FFF - 0x4E00


def segmented_copy(text: str) -> str:
    """``text`` written as a script without spaces between words: each Latin word becomes one
    to four ideographs (the same word always the same ones, about three letters to one), the
    spaces between words go and sentence punctuation takes its full-width form; digits and other
    characters stay. A model fitted on English pages alone learns from such copies what a line
    of Chinese or Japanese looks like in a page (no word spaces, one token per character, no
    function words from the list), without any text of those languages."""

    def ideographs(m: re.Match) -> str:
        word = m.group(0).lower()
        digest = hashlib.sha1(word.encode()).digest()
        n = min(4, max(1, (len(word) + 1) // 3))
        return "".join(
            chr(_HAN_BASE + int.from_bytes(digest[2 * k : 2 * k + 2], "big") % _HAN_SPAN)
            for k in range(n)
        )

    out = _LATIN_WORD_RE.sub(ideographs, text).translate(_FULL_WIDTH)
    out = re.sub(r"(?<=\d)[：，。](?=\d)", lambda m: ".,:"["。，：".index(m.group(0))], out)
    # the spaces between words go; those beside a number stay (dates and times keep their shape)
    return re.sub(r"(?<=[\u4e00-\u9fff，。！？：；（）])\s+(?!\d)|(?<!\d)\s+(?=[\u4e00-\u9fff，。！？：；（）])",
                  "", out).strip()


def segmented_pages(pages: list[Page], share: int) -> list[Page]:
    """The pages that get a segmented-script copy: one in ``share`` (by name), 0 for none."""
    return [p for p in pages if share and fold_of(p.name + "/segmented", share) == 0]


def page_docs(pages: list[Page], augment: bool, segmented: int = 0
              ) -> list[tuple[list[dict], list[int], list[int]]]:
    """Feature rows of each page, then (with ``augment``) of each page's clean article alone,
    then of the segmented-script copies of one page in ``segmented``."""
    docs = []
    for p in pages:
        if not hasattr(p, "rows"):
            p.rows = document_features(p.texts)
        docs.append((p.rows, p.labels, p.tokens))
    if augment:
        for p in pages:
            if -1 in p.labels:
                continue
            keep = [i for i, lab in enumerate(p.labels) if lab == 1]
            if len(keep) < 3:
                continue
            if not hasattr(p, "clean_rows"):
                p.clean_rows = document_features([p.texts[i] for i in keep])
            docs.append((p.clean_rows, [1] * len(keep), [p.tokens[i] for i in keep]))
        for p in segmented_pages(pages, segmented):
            if not hasattr(p, "segmented_rows"):
                p.segmented_rows = document_features([segmented_copy(t) for t in p.texts])
            docs.append((p.segmented_rows, p.labels, p.tokens))
    return docs


# ---------------------------------------------------------------------------------------------
# Gradient-boosted trees (histogram splits, complete trees of fixed depth), numpy only.


def make_bins(X: np.ndarray, max_bins: int = 64) -> list[np.ndarray]:
    edges = []
    for j in range(X.shape[1]):
        u = np.unique(X[:, j])
        if len(u) <= max_bins:
            e = (u[:-1] + u[1:]) / 2
        else:
            q = np.unique(
                np.quantile(X[:, j], np.linspace(0, 1, max_bins + 1)[1:-1], method="lower")
            )
            e = q
        edges.append(np.round(e, 6))
    return edges


def fit_trees(X, y, w, names, *, n_trees=120, depth=3, lr=0.15, lam=1.0, min_hess=2.0) -> Trees:
    """Logistic-loss gradient boosting of complete trees of ``depth``, split on histograms."""
    edges = make_bins(X)
    B = max(len(e) for e in edges) + 1
    # Column-major bins: each feature's column is contiguous for the histogram passes.
    Xb = np.asfortranarray(
        np.stack([np.searchsorted(e, X[:, j], side="left") for j, e in enumerate(edges)], axis=1)
    )
    nf, n = X.shape[1], len(y)
    valid = np.zeros((nf, B), dtype=bool)
    for j, e in enumerate(edges):
        valid[j, : len(e)] = True
    yf = y.astype(np.float64)
    pos = float((w * yf).sum() / w.sum())
    bias = math.log(pos / (1 - pos))
    margin = np.full(n, bias)
    internal = (1 << depth) - 1
    rows = np.arange(n)
    trees = []
    for _ in range(n_trees):
        p = 1 / (1 + np.exp(-margin))
        g = (p - yf) * w
        h = np.maximum(p * (1 - p), 1e-6) * w
        node = np.zeros(n, dtype=np.int64)
        feats = [0] * internal
        thrs = [1e30] * internal
        for level in range(depth):
            first = (1 << level) - 1
            width = 1 << level
            base = (node - first) * B
            G = np.empty((nf, width, B))
            H = np.empty((nf, width, B))
            for j in range(nf):
                idx = base + Xb[:, j]
                G[j] = np.bincount(idx, weights=g, minlength=width * B).reshape(width, B)
                H[j] = np.bincount(idx, weights=h, minlength=width * B).reshape(width, B)
            GL, HL = np.cumsum(G, axis=2), np.cumsum(H, axis=2)
            Gt, Ht = GL[:, :, -1:], HL[:, :, -1:]
            GR, HR = Gt - GL, Ht - HL
            gain = GL**2 / (HL + lam) + GR**2 / (HR + lam) - Gt**2 / (Ht + lam)
            gain[(HL < min_hess) | (HR < min_hess) | ~valid[:, None, :]] = 0.0
            for k in range(width):
                flat = gain[:, k, :]
                j, b = divmod(int(np.argmax(flat)), B)
                if flat[j, b] > 1e-12:
                    feats[first + k], thrs[first + k] = j, float(edges[j][b])
            f_arr = np.array(feats[first : first + width])
            t_arr = np.array(thrs[first : first + width])
            local = node - first
            go_left = X[rows, f_arr[local]] <= t_arr[local]
            node = 2 * node + np.where(go_left, 1, 2)
        leaf = node - internal
        G = np.bincount(leaf, weights=g, minlength=internal + 1)
        H = np.bincount(leaf, weights=h, minlength=internal + 1)
        values = -G / (H + lam) * lr
        margin = margin + values[leaf]
        trees.append(
            (
                tuple(feats),
                tuple(round(t, 6) for t in thrs),
                tuple(round(float(v), 5) for v in values),
            )
        )
    return Trees(names=tuple(names), depth=depth, bias=round(bias, 6), trees=tuple(trees))


def predict(trees: Trees, X: np.ndarray) -> np.ndarray:
    internal = (1 << trees.depth) - 1
    m = np.full(len(X), trees.bias)
    rows = np.arange(len(X))
    for feats, thrs, leaves in trees.trees:
        node = np.zeros(len(X), dtype=np.int64)
        f, t = np.array(feats), np.array(thrs)
        for _ in range(trees.depth):
            node = 2 * node + np.where(X[rows, f[node]] <= t[node], 1, 2)
        m += np.array(leaves)[node - internal]
    return 1 / (1 + np.exp(-m))


# ---------------------------------------------------------------------------------------------
# Two-pass training


def weights(block: Block, power: float, per_page: bool = False) -> np.ndarray:
    """Line weights: tokens ** power; with ``per_page``, scaled so every document weighs the
    same in total (the benchmark's token F1 is a mean over pages)."""
    w = block.tok**power
    if per_page:
        labelled = np.where(block.y >= 0, w, 0.0)
        sums = np.add.reduceat(labelled, block.bounds[:-1])
        sizes = np.diff(block.bounds)
        w = w / np.repeat(np.maximum(sums, 1e-9), sizes) * (labelled.sum() / len(sizes))
    return w


def pass2_block(block: Block, p1: np.ndarray) -> np.ndarray:
    ctx = []
    for d in range(len(block.bounds) - 1):
        lo, hi = block.bounds[d], block.bounds[d + 1]
        ctx.extend(context_features(p1[lo:hi].tolist()))
    C = np.array([[c[n] for n in CONTEXT_FEATURES] for c in ctx], dtype=np.float64)
    return np.hstack([block.X, C])


def doc_groups(pages: list[Page], augment: bool, segmented: int = 0) -> list[str]:
    names = [p.name for p in pages]
    if augment:
        names += [p.name for p in pages if -1 not in p.labels and sum(p.labels) >= 3]
        names += [p.name for p in segmented_pages(pages, segmented)]
    return names


def residual_docs(pages: list[Page], trees: Trees, threshold: float) -> tuple[list, list[str]]:
    """What is left of each page after one round of ``trees``: the documents the filter meets
    in its next round (and the next run over its own output), with their true labels; and the
    page name of each (its cross-validation group)."""
    docs, groups = [], []
    for p in pages:
        X = np.array([[r.get(n, 0.0) for n in trees.names] for r in p.rows], dtype=np.float64)
        keep = np.flatnonzero(predict(trees, X) >= threshold).tolist() if len(X) else []
        if len(keep) < 3 or len(keep) == len(p.texts):
            continue
        rows = document_features([p.texts[i] for i in keep])
        docs.append((rows, [p.labels[i] for i in keep], [p.tokens[i] for i in keep]))
        groups.append(p.name)
    return docs, groups


def fit_model(pages: list[Page], args) -> LineModel:
    """Fit the two-pass model on ``pages``.

    Training documents: the pages, their clean articles alone, and (with ``--residual``) what a
    first model leaves of each page, so the model learns the states the filter meets in its later
    rounds. Pass two learns from pass-one scores cross-fitted over ``--inner-folds`` page groups.
    """
    names = [n for n in FEATURES if n not in args.drop_features.split(",")]
    kw = dict(n_trees=args.trees, depth=args.depth, lr=args.lr)
    docs = page_docs(pages, augment=True, segmented=args.segmented)
    groups = doc_groups(pages, augment=True, segmented=args.segmented)
    if args.residual:
        block = Block(docs, names)
        lab = block.y >= 0
        w = weights(block, args.weight_power, args.per_page)
        first = fit_trees(
            block.X[lab], block.y[lab], w[lab], names, **{**kw, "n_trees": max(1, args.trees // 2)}
        )
        extra, extra_groups = residual_docs(pages, first, args.threshold)
        docs += extra
        groups += extra_groups
    block = Block(docs, names)
    lab = block.y >= 0
    w = weights(block, args.weight_power, args.per_page)
    t0 = time.perf_counter()
    t1 = fit_trees(block.X[lab], block.y[lab], w[lab], names, **kw)
    print(f"  pass one: {int(lab.sum())} lines, {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    if args.single_pass:
        return LineModel(t1, None, args.threshold)
    line_group = np.repeat(
        np.array([fold_of(g, args.inner_folds) for g in groups]), np.diff(block.bounds)
    )
    p1 = np.zeros(len(block.y))
    for k in range(args.inner_folds):
        tr = lab & (line_group != k)
        tk = fit_trees(block.X[tr], block.y[tr], w[tr], names, **kw)
        p1[line_group == k] = predict(tk, block.X[line_group == k])
    X2 = pass2_block(block, p1)
    names2 = names + list(CONTEXT_FEATURES)
    t2 = fit_trees(X2[lab], block.y[lab], w[lab], names2, **kw)
    return LineModel(t1, t2, args.threshold)


# ---------------------------------------------------------------------------------------------
# Evaluation: the real filter over the dumps, scored by the bench's score.py


def write_predictions(pages: list[Page], model_path: Path, out: Path, threshold: float) -> float:
    out.mkdir(parents=True, exist_ok=True)
    filt = LayoutBoilerplate(model=str(model_path), threshold=threshold)
    t0 = time.perf_counter()
    for p in pages:
        if p.after is not None:  # the filter as it runs in the pipeline, after the earlier steps
            res = filt(p.after)
            final = p.after if res.action == "keep" else res.doc
            kept = [p.dump[ln.no - 1] for ln in final.lines if ln.text.strip()]
            (out / f"{p.name}.txt").write_text("\n".join(kept), encoding="utf-8")
            continue
        doc = Document.from_text("\n".join(p.texts))
        res = filt(doc)
        kept_idx = (
            range(len(p.texts)) if res.action == "keep" else [ln.no - 1 for ln in res.doc.lines]
        )
        kept = [p.dump[p.where[i]] for i in kept_idx if p.texts[i].strip()]
        (out / f"{p.name}.txt").write_text("\n".join(kept), encoding="utf-8")
    return time.perf_counter() - t0


def run_score(bench: Path, pred: Path, data: Path, quiet: bool = False) -> dict:
    """Score ``pred`` against the pages in ``data`` with the bench's score.py: print its report
    (unless ``quiet``), return the whole result (``overall``, per-page ``pages``)."""
    jf = pred.with_suffix(".json")
    cmd = [sys.executable, str(bench / "score.py"), "--task", "lines", "--pred", str(pred)]
    cmd += ["--data", str(data), "--split", "all", "--json", str(jf)]
    txt = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    if not quiet:
        print(txt)
    return json.loads(jf.read_text())


def select_threshold(bench: Path, pages: list[Page], model_path: Path, out: Path, data: Path,
                     thresholds: list[float], folds: int) -> dict:
    """Pick the decision threshold on ``pages`` with page-grouped cross-validation: each fold's
    threshold is the one with the best mean token F1 on the other folds' pages, and its pages are
    scored at that threshold. Returns the figures of every threshold and of the selection."""
    per_page: dict[float, dict[str, float]] = {}
    for thr in thresholds:
        pred = out / f"thr{thr:g}"
        write_predictions(pages, model_path, pred, thr)
        res = run_score(bench, pred, data, quiet=True)
        per_page[thr] = {r["name"]: r["tok_f1"] for r in res["pages"] if "tok_f1" in r}
        o = res["overall"]
        print(f"threshold {thr:g}: tok_f1 {o['tok_f1']:.4f} c_f1 {o['c_f1']:.4f} "
              f"b_f1 {o['b_f1']:.4f}")
    names = sorted(per_page[thresholds[0]])
    picked, scores = [], []
    for k in range(folds):
        rest = [n for n in names if fold_of(n, folds) != k]
        held = [n for n in names if fold_of(n, folds) == k]
        best = max(thresholds, key=lambda t: (sum(per_page[t][n] for n in rest), -abs(t - 0.5)))
        picked.append(best)
        scores += [per_page[best][n] for n in held]
    cv = sum(scores) / len(scores)
    print(f"thresholds picked per fold {picked}: cross-validated tok_f1 {cv:.4f}")
    return {"picked": picked, "tok_f1": round(cv, 4)}


def save(model: LineModel, path: Path, meta: dict) -> None:
    model = LineModel(model.pass1, model.pass2, model.threshold, meta)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(model.to_json(), separators=(",", ":"), sort_keys=False) + "\n", encoding="utf-8"
    )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--bench", default=str(ROOT.parent / "shared" / "bench"))
    ap.add_argument("--data", help="folder of the training pages (default: the bench's dev/)")
    ap.add_argument("--split", default="all", help="manifest split of the training pages")
    ap.add_argument("--eval-data", help="folder of the held-out pages the full fit is scored on "
                    "(default: the training pages themselves)")
    ap.add_argument("--thresholds", default="",
                    help="comma-separated thresholds: pick one on the held-out pages with "
                    "page-grouped cross-validation (--select-folds)")
    ap.add_argument("--select-folds", type=int, default=5)
    ap.add_argument(
        "--folds", type=int, default=5, help="cross-validation folds (0: full fit only)"
    )
    ap.add_argument("--inner-folds", type=int, default=2)
    ap.add_argument(
        "--residual", type=int, default=1, help="1: also train on what a first model leaves"
    )
    ap.add_argument("--trees", type=int, default=120)
    ap.add_argument("--depth", type=int, default=3)
    ap.add_argument("--lr", type=float, default=0.15)
    ap.add_argument("--weight-power", type=float, default=0.5, help="line weight = tokens ** power")
    ap.add_argument("--per-page", action="store_true", help="every page weighs the same")
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--single-pass", action="store_true")
    ap.add_argument("--out", default="/tmp/line_model_eval", help="folder for PRED outputs")
    ap.add_argument("--model", default=str(MODEL_PATH), help="where the full-fit model is written")
    ap.add_argument("--no-full", action="store_true", help="skip the full fit")
    ap.add_argument("--train-after-steps", action="store_true",
                    help="train on what the default pipeline's earlier steps leave of each dump "
                    "(the lines the filter meets in a run), not on the whole dump")
    ap.add_argument("--eval-after-steps", action="store_true",
                    help="evaluate on what the earlier steps leave (the filter as it runs in the "
                    "pipeline); the lines they removed count as removed")
    ap.add_argument("--segmented", type=int, default=0,
                    help="add a segmented-script copy of one page in N (0: none)")
    ap.add_argument("--drop-features", default="", help="comma-separated features to leave out")
    ap.add_argument("--eval-only", action="store_true",
                    help="no fit: select the threshold of the model at --model and score it")
    args = ap.parse_args(argv)
    bench, out = Path(args.bench), Path(args.out)
    data = Path(args.data) if args.data else bench / "dev"
    eval_data = Path(args.eval_data) if args.eval_data else data
    before = steps_before_layout() if args.train_after_steps or args.eval_after_steps else None
    pages = load_pages(data, args.split, before if args.train_after_steps else None)
    held = None
    if eval_data != data:
        held = load_pages(eval_data, "all", before if args.eval_after_steps else None)
    evals = (pages if args.train_after_steps == args.eval_after_steps
             or (held is not None and not args.folds)
             else load_pages(data, args.split, before if args.eval_after_steps else None))
    print(f"{len(pages)} pages, {sum(len(p.texts) for p in pages)} lines", file=sys.stderr)
    sources = sorted({p.source for p in pages})
    meta = {
        "trained_on": f"bench {data.name}/ ({', '.join(sources)}): {len(pages)} pages, "
        f"{sum(len(p.texts) for p in pages)} lines",
        "trees": args.trees,
        "depth": args.depth,
        "lr": args.lr,
        "weight_power": args.weight_power,
        "inner_folds": args.inner_folds,
        "augment": "clean articles" + (", first-round residues" if args.residual else "")
        + (f", segmented-script copies of 1 page in {args.segmented}" if args.segmented else ""),
        "command": "python benchmarks/train_line_model.py "
        + (f"--data {data.name} --eval-data {eval_data.name} " if held is not None else "")
        + (f"--thresholds {args.thresholds} " if args.thresholds else "")
        + ("--eval-after-steps " if args.eval_after_steps else "")
        + (f"--segmented {args.segmented} " if args.segmented else "")
        + f"--trees {args.trees} --depth {args.depth} "
        f"--lr {args.lr} --weight-power {args.weight_power} --inner-folds {args.inner_folds} "
        f"--residual {args.residual}"
        + (" --train-after-steps" if args.train_after_steps else "")
        + (" --per-page" if args.per_page else "")
        + (" --single-pass" if args.single_pass else ""),
    }
    if args.folds:
        cv_dir = out / "cv"
        for k in range(args.folds):
            t0 = time.perf_counter()
            train = [p for p in pages if fold_of(p.name, args.folds) != k]
            test = [p for p in evals if fold_of(p.name, args.folds) == k]
            model = fit_model(train, args)
            mp = out / f"fold{k}.json"
            save(model, mp, meta)
            write_predictions(test, mp, cv_dir, -1.0)
            print(
                f"fold {k}: {len(train)} train / {len(test)} test pages, "
                f"{time.perf_counter() - t0:.0f}s",
                file=sys.stderr,
            )
        print("== cross-validated (each page cleaned by a model that never saw it) ==")
        cv = run_score(bench, cv_dir, data)["overall"]
        meta["cv"] = {
            "folds": args.folds,
            "tok_f1": round(cv["tok_f1"], 4),
            "b_f1": round(cv["b_f1"], 4),
            "c_f1": round(cv["c_f1"], 4),
        }
    if not args.no_full:
        if args.eval_only:
            model = LineModel.from_json(json.loads(Path(args.model).read_text(encoding="utf-8")))
            meta = {**model.meta, **{k: v for k, v in meta.items() if k == "command"}}
        else:
            model = fit_model(pages, args)
        save(model, Path(args.model), meta)
        if held is None:
            secs = write_predictions(evals, Path(args.model), out / "full", -1.0)
            print(
                "== full fit, scored on its own training pages "
                f"({secs / len(evals) * 1000:.1f} ms/page) =="
            )
            run_score(bench, out / "full", data)
            return 0
        if args.thresholds:
            thresholds = [float(t) for t in args.thresholds.split(",")]
            sel = select_threshold(bench, held, Path(args.model), out, eval_data, thresholds,
                                   args.select_folds)
            meta["threshold_selection"] = {"on": eval_data.name, "thresholds": thresholds, **sel}
            chosen = statistics.median(sel["picked"])
            model = LineModel(model.pass1, model.pass2, chosen)
            save(model, Path(args.model), meta)
        secs = write_predictions(held, Path(args.model), out / "held_out", model.threshold)
        print(
            f"== full fit, scored on the held-out pages of {eval_data} "
            f"({secs / len(held) * 1000:.1f} ms/page) =="
        )
        o = run_score(bench, out / "held_out", eval_data)["overall"]
        meta["held_out"] = {
            "pages": f"{eval_data.name}/: {len(held)} pages",
            "tok_f1": round(o["tok_f1"], 4), "b_f1": round(o["b_f1"], 4),
            "c_f1": round(o["c_f1"], 4),
        }
        save(model, Path(args.model), meta)
    return 0


if __name__ == "__main__":
    sys.exit(main())
