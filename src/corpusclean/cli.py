"""The ``corpusclean`` command line."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from ._version import __version__
from .budget import DEFAULT_SECONDS
from .document import Document
from .errors import CorpuscleanError
from .pipeline import Pipeline, Result
from .readers import ReaderOptions, Reject
from .registry import default_registry
from .executors.shards import SHARD_BYTES
from .runner import clean_directory, iter_inputs, process

#: Exit codes: every input was processed or rejected cleanly / a usage error, or the output
#: cannot be written (the message says what to do) / interrupted.
EXIT_OK, EXIT_USAGE, EXIT_INTERRUPTED = 0, 2, 130


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        msg = f"expected a whole number of at least 1, not {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        msg = f"expected a number of seconds (0 turns the budget off), not {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value

DESCRIPTION = """\
Clean scraped web text into normalized, language-tagged JSONL.

  corpusclean clean seeds -o out        clean a directory (txt, html, jsonl, and .gz forms)
  corpusclean explain seeds/page.txt    show every line with keep/drop and the reason
  corpusclean explain F --context DIR    the same, with DIR as the corpus (template lines, duplicates)
  corpusclean filters                   list the built-in filters and their reason codes
  corpusclean pipeline                  print the default pipeline as TOML (edit, pass --config)
"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="corpusclean", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--version", action="version", version=f"corpusclean {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--config", metavar="TOML", help="pipeline configuration (default: the built-in pipeline)")
        sp.add_argument("--text-field", default="text", help="JSONL field holding the text (default: text)")
        sp.add_argument("--id-field", default="id", help="JSONL field holding the id (default: id)")
        sp.add_argument("--corpus", action="store_true", help="add the corpus steps to the default pipeline: site template lines and duplicates (docs/corpus.md)")

    c = sub.add_parser("clean", help="clean a directory or file into JSONL", description="Clean every .txt, .html, .htm and .jsonl file (and .gz forms) under INPUT into OUT/documents.jsonl, with OUT/dropped.jsonl, OUT/rejects.jsonl, OUT/stats.json and OUT/pipeline.toml beside it.")
    c.add_argument("input", metavar="INPUT", help="input directory or file")
    c.add_argument("-o", "--output", required=True, metavar="OUT", help="output directory")
    c.add_argument("--overwrite", action="store_true", help="replace an earlier output in OUT")
    c.add_argument("--max-bytes", type=_positive_int, default=ReaderOptions.max_bytes, help="reject text and HTML files (after decompression) and JSONL lines larger than this, without reading them (default: 16 MiB)")
    c.add_argument("--time-budget", type=_seconds, default=DEFAULT_SECONDS, metavar="SECONDS", help=f"reject a document that takes longer than this to read or clean (default: {DEFAULT_SECONDS:g}; 0: no limit)")
    c.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    c.add_argument("--workers", type=_positive_int, default=None, metavar="N", help="worker processes (default: every core); the output is the same for any N")
    c.add_argument("--engine", choices=("local", "ray"), default="local", help="run on this machine (default) or on a Ray cluster (needs corpusclean[ray]; see docs/scale.md)")
    c.add_argument("--resume", action="store_true", help="continue a stopped or killed run in OUT from its completed shards")
    c.add_argument("--shard-mb", type=_positive_int, default=SHARD_BYTES // (1024 * 1024), metavar="MB", help=f"input per shard in MiB (default: {SHARD_BYTES // (1024 * 1024)}); bounds each worker's memory")
    common(c)

    e = sub.add_parser("explain", help="show every line of a file or directory with keep/drop and the reason", description="Run the pipeline on a file or a directory and print each line: '+' kept, '-' removed with its reason code and step. Corpus steps (template lines, duplicates) see every document of FILE, or of --context DIR.")
    e.add_argument("file", metavar="FILE", help="a .txt, .html or .jsonl file (for JSONL: every record), or a directory")
    e.add_argument("--context", metavar="DIR", help="run the pipeline over DIR, which holds FILE, and explain FILE among its documents")
    e.add_argument("--only-removed", action="store_true", help="print removed lines only")
    common(e)

    sub.add_parser("filters", help="list the registered filters and their reason codes")
    sub.add_parser("pipeline", help="print the default pipeline as TOML")
    return p


def _pipeline(args: argparse.Namespace) -> Pipeline:
    if args.config:
        return Pipeline.from_file(args.config)
    return Pipeline.default(corpus=args.corpus)


def _cmd_clean(args: argparse.Namespace) -> int:
    pipeline = _pipeline(args)
    budget = args.time_budget or None
    options = ReaderOptions(
        text_field=args.text_field, id_field=args.id_field, max_bytes=args.max_bytes, time_budget=budget
    )
    bar = None
    if not args.quiet:
        from tqdm import tqdm

        bar = tqdm(unit=" docs", desc="cleaning", file=sys.stderr, disable=not sys.stderr.isatty())

    def progress(n: int) -> None:
        if bar is not None:
            bar.update(n)

    try:
        summary = clean_directory(
            args.input, args.output, pipeline, reader_options=options, overwrite=args.overwrite,
            workers=args.workers, engine=args.engine, resume=args.resume,
            shard_bytes=args.shard_mb * 1024 * 1024, progress=progress, time_budget=args.time_budget,
        )
    except OSError as exc:
        where = exc.filename or args.output
        print(f"corpusclean: writing the output failed at {where}: {exc.strerror or exc}; "
              "check free space and permissions, then run again (earlier output files were left as they were)",
              file=sys.stderr)
        return EXIT_USAGE
    finally:
        if bar is not None:
            bar.close()
    if not args.quiet:
        print(format_summary(summary.stats.counts, summary.output))
    return 0


def format_summary(counts: dict[str, int], output: Path) -> str:
    """The closing summary of a run, as printed by ``corpusclean clean``."""
    def group(prefix: str) -> list[tuple[str, int]]:
        items = [(k[len(prefix) + 1:], v) for k, v in counts.items() if k.startswith(prefix + ".")]
        return sorted(items, key=lambda kv: (-kv[1], kv[0]))

    lines = [
        f"documents: {counts.get('documents.in', 0)} in, {counts.get('documents.kept', 0)} kept, "
        f"{counts.get('documents.dropped', 0)} dropped, {counts.get('documents.rejected', 0)} rejected",
    ]
    removed = [(k, v) for k, v in group("removed_lines") if k != "total"]
    if removed:
        lines.append(f"lines removed: {counts.get('removed_lines.total', 0)}")
        lines.extend(f"  {v:>7}  {k}" for k, v in removed)
    for title, prefix in (("dropped", "dropped"), ("rejected", "rejected")):
        items = group(prefix)
        if items:
            lines.append(f"{title}:")
            lines.extend(f"  {v:>7}  {k}" for k, v in items)
    langs = group("languages")
    if langs:
        lines.append("languages: " + ", ".join(f"{k} {v}" for k, v in langs))
    lines.append(f"output: {output}")
    return "\n".join(lines)


def explain_lines(doc: Document, result: Result, *, only_removed: bool = False) -> list[str]:
    """Every source line of ``doc`` with its fate, in source order."""
    removed = {r.line: r for r in result.doc.removals}
    out = [f"# {doc.id}  language={result.doc.annotations.get('language')} "
           f"score={result.doc.annotations.get('language_score')}"]
    if result.dropped:
        out.append(f"# document dropped: {result.dropped} (step {result.dropped_by})")
        if "duplicate_of" in result.doc.annotations:
            out.append(f"# duplicate of {result.doc.annotations['duplicate_of']} "
                       f"(similarity {result.doc.annotations.get('duplicate_similarity')})")
    width = len(str(len(doc.lines)))
    for line in doc.lines:
        r = removed.get(line.no)
        if r is not None:
            detail = f"  ({r.detail})" if r.detail else ""
            out.append(f"- {line.no:>{width}} {r.reason:<28} [{r.step}] {line.text}{detail}")
        elif not only_removed and line.text.strip():
            out.append(f"+ {line.no:>{width}} {'':<28} {line.text}")
    return out


def _cmd_explain(args: argparse.Namespace) -> int:
    pipeline = _pipeline(args)
    path = Path(args.file)
    if not path.exists():
        print(f"corpusclean: {path} does not exist; give the path of a .txt, .html or .jsonl file, "
              "or a directory", file=sys.stderr)
        return EXIT_USAGE
    root, wanted = path, None
    if args.context:
        root = Path(args.context)
        try:
            wanted = path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            print(f"corpusclean: {path} is not inside the context {root}", file=sys.stderr)
            return EXIT_USAGE
    elif path.is_file() and pipeline.corpus_indexes():
        print(f"corpusclean: corpus steps see only {path.name}; pass --context DIR to explain it "
              "among its site's documents", file=sys.stderr)
    options = ReaderOptions(text_field=args.text_field, id_field=args.id_field)
    for item, outcome in process(iter_inputs(root, options), pipeline):
        source = item.source
        if wanted not in (None, ".") and source != wanted and not source.startswith(f"{wanted}/"):
            continue
        if isinstance(outcome, Reject):
            loc = f" line {outcome.line}" if outcome.line else ""
            print(f"# rejected {outcome.source}{loc}: {outcome.reason}: {outcome.message}")
            continue
        assert isinstance(item, Document)
        print("\n".join(explain_lines(item, outcome, only_removed=args.only_removed)))
    return 0


def _cmd_filters() -> int:
    for info in default_registry().infos():
        print(f"{info.name}\n    {info.summary}")
        for reason in sorted(info.reasons):
            print(f"    reason: {reason}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``corpusclean`` command; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)  # usage errors exit with 2 and say what is wrong
    logging.basicConfig(level=logging.WARNING, format="corpusclean: %(message)s")
    try:
        if args.command == "clean":
            return _cmd_clean(args)
        if args.command == "explain":
            return _cmd_explain(args)
        if args.command == "filters":
            return _cmd_filters()
        if args.command == "pipeline":
            print(Pipeline.default().to_toml(), end="")
            return 0
    except CorpuscleanError as exc:
        print(f"corpusclean: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("corpusclean: interrupted; output files already in place were left unchanged", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    parser.print_help()
    return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
