"""The ``corpusclean`` command line."""

from __future__ import annotations

import argparse
import logging
import shlex
import signal
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from ._version import __version__
from .budget import DEFAULT_SECONDS
from .document import Document
from .errors import CorpuscleanError
from .pipeline import Pipeline, Result
from .progress import LOG_EVERY, MODES, Progress
from .readers import ReaderOptions, Reject
from .readers.files import TEXT_FORMATS
from .outputs import COMPRESSIONS, FORMATS, Layout, is_output, iter_rows
from .record import REMOVED_MODES
from .registry import default_registry
from .remote import parse_storage_options
from .executors.shards import SHARD_BYTES
from .runner import clean_directory, iter_inputs, process

#: Exit codes (README, "Exit codes"): documents were written / a usage error, or the output
#: cannot be written (the message says what to do) / the input held nothing to clean (no
#: document written: empty, every file unsupported or rejected, every document dropped) / more
#: rejects than ``--max-reject-share`` / interrupted by SIGINT / stopped by SIGTERM.
EXIT_OK, EXIT_USAGE, EXIT_EMPTY, EXIT_REJECTS = 0, 2, 3, 4
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        msg = f"expected a whole number of at least 1, not {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        msg = f"expected a share between 0 and 1 (0.05 for 5 %), not {text!r}"
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
  corpusclean report out                rebuild out/report.html from a finished output
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
        sp.add_argument("--text-field", default="text", help="JSONL field (Parquet column) holding the text (default: text)")
        sp.add_argument("--id-field", default="id", help="JSONL field (Parquet column) holding the id (default: id)")
        sp.add_argument("--text-format", choices=TEXT_FORMATS, default="auto", help="what the JSONL or Parquet text field holds: html (read as a page: main content, page metadata), text, or auto (default: html when it opens with markup)")
        sp.add_argument("--include", action="append", default=[], metavar="GLOB", help="read only files whose path under INPUT, or name, matches GLOB (repeatable; * also crosses /)")
        sp.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="do not read files whose path under INPUT, or name, matches GLOB (repeatable)")
        sp.add_argument("--corpus", action="store_true", help="add the corpus steps to the default pipeline: site template lines and duplicates (docs/corpus.md)")

    c = sub.add_parser("clean", help="clean a directory or file into JSONL", description="Clean every .txt, .html, .htm, .jsonl, .warc, .wet and .parquet file (and compressed forms: .gz, .bz2, .xz, .zst) under INPUT, a directory, a file or a URL, into OUT/documents.jsonl, with OUT/dropped.jsonl, OUT/rejects.jsonl, OUT/removals.jsonl, OUT/stats.json, OUT/pipeline.toml and OUT/report.html beside it (docs/schema.md; the output options change the record files' names).")
    c.add_argument("input", metavar="INPUT", help="input directory or file, or a URL: s3://bucket/prefix, gs://, hf://, file:// (needs corpusclean[remote]; docs/cli.md)")
    c.add_argument("-o", "--output", required=True, metavar="OUT", help="output directory, or a URL such as s3://bucket/prefix")
    c.add_argument("--storage-option", action="append", default=[], metavar="KEY=VALUE", help="an fsspec option for URLs (repeatable): endpoint_url=http://..., anon=true, profile=NAME, client_kwargs.region_name=...; VALUE is read as JSON when it can be")
    c.add_argument("--overwrite", action="store_true", help="replace an earlier output in OUT")
    c.add_argument("--max-bytes", type=_positive_int, default=ReaderOptions.max_bytes, help="reject text and HTML files (after decompression), JSONL lines, WARC records and Parquet texts larger than this (default: 16 MiB)")
    c.add_argument("--time-budget", type=_seconds, default=DEFAULT_SECONDS, metavar="SECONDS", help=f"reject a document that takes longer than this to read or clean (default: {DEFAULT_SECONDS:g}; 0: no limit)")
    c.add_argument("-q", "--quiet", action="store_true", help="no progress and no summary (warnings and errors still go to stderr)")
    c.add_argument("--progress", choices=MODES, default="auto", help="a progress bar with ETA (bar), a log line every --log-every seconds (log), or none; auto (default): bar when stderr is a terminal, else log")
    c.add_argument("--log-every", type=_seconds, default=LOG_EVERY, metavar="SECONDS", help=f"seconds between two progress log lines (default: {LOG_EVERY:g})")
    c.add_argument("--workers", type=_positive_int, default=None, metavar="N", help="worker processes (default: every core); the output is the same for any N")
    c.add_argument("--engine", choices=("local", "ray"), default="local", help="run on this machine (default) or on a Ray cluster (needs corpusclean[ray]; see docs/scale.md)")
    c.add_argument("--resume", action="store_true", help="continue a stopped or killed run in OUT from its completed shards")
    c.add_argument("--removed", choices=REMOVED_MODES, default="sidecar", help="where the text of removed lines goes: OUT/removals.jsonl, a row per document joinable by id (sidecar, default); each record's metadata.removed_lines (inline); nowhere (none). Records always carry counts by reason and line numbers")
    c.add_argument("--max-reject-share", type=_share, default=None, metavar="SHARE", help="exit with 4 when more than this share of the inputs (documents and rejects) was rejected, e.g. 0.05 (default: no limit)")
    c.add_argument("--shard-mb", type=_positive_int, default=SHARD_BYTES // (1024 * 1024), metavar="MB", help=f"input per shard in MiB (default: {SHARD_BYTES // (1024 * 1024)}); bounds each worker's memory")
    c.add_argument("--output-format", choices=FORMATS, default="jsonl", help="write the record files as JSON Lines (default) or Parquet (needs corpusclean[parquet]; metadata as JSON text)")
    c.add_argument("--compress", choices=COMPRESSIONS, default=None, help="compress the record files: gz (gzip) or zst (Zstandard, needs corpusclean[zstd]); for Parquet the column codec (default snappy)")
    c.add_argument("--max-output-mb", type=_positive_int, default=None, metavar="MB", help="cut each record file into files of at most MB MiB of JSONL before compression: documents-00000.jsonl, ... (a row is never split; the cuts do not depend on --workers)")
    c.add_argument("--no-report", action="store_true", help="do not write OUT/report.html")
    common(c)

    r = sub.add_parser("report", help="rebuild the HTML report of a finished output", description="Write OUT/report.html (one self-contained page: counts, removed lines by reason and step, languages, lengths, template lines, duplicates, examples, pipeline, timings) from the files of a finished 'corpusclean clean' output.")
    r.add_argument("output", metavar="OUT", help="output directory of 'corpusclean clean'")
    r.add_argument("--to", metavar="FILE", help="write the report here instead of OUT/report.html")

    e = sub.add_parser("explain", help="show every line of a file or directory with keep/drop and the reason", description="Run the pipeline on a file or a directory and print each line: '+' kept, '-' removed with its reason code and step. Corpus steps (template lines, duplicates) see every document of FILE, or of --context DIR. Given the output directory of 'corpusclean clean', print what that run removed from each document instead (from removals.jsonl, or the records when written with --removed inline).")
    e.add_argument("file", metavar="FILE", help="an input file (.txt, .html, .jsonl, .warc, .parquet, compressed or not; every record of a JSONL, WARC or Parquet file), a directory, or an output directory of 'corpusclean clean'")
    e.add_argument("--id", action="append", default=[], metavar="ID", help="with an output directory: only the document with this id (repeatable)")
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


def _reader_options(args: argparse.Namespace, **more: Any) -> ReaderOptions:
    return ReaderOptions(text_field=args.text_field, id_field=args.id_field, include=tuple(args.include),
                         exclude=tuple(args.exclude), text_format=args.text_format, **more)


def _cmd_clean(args: argparse.Namespace) -> int:
    pipeline = _pipeline(args)
    budget = args.time_budget or None
    options = _reader_options(args, max_bytes=args.max_bytes, time_budget=budget)
    meter = None if args.quiet or args.progress == "none" else Progress(args.progress, every=args.log_every)
    try:
        summary = clean_directory(
            args.input, args.output, pipeline, reader_options=options, overwrite=args.overwrite,
            workers=args.workers, engine=args.engine, resume=args.resume,
            shard_bytes=args.shard_mb * 1024 * 1024, time_budget=args.time_budget,
            removed=args.removed, meter=meter, report=not args.no_report,
            layout=Layout(args.output_format, args.compress,
                          args.max_output_mb * 1024 * 1024 if args.max_output_mb else None),
            storage_options=parse_storage_options(args.storage_option),
        )
    except OSError as exc:
        where = exc.filename or args.output
        print(f"corpusclean: writing the output failed at {where}: {exc.strerror or exc}; "
              "check free space and permissions, then run again (earlier output files were left as they were)",
              file=sys.stderr)
        return EXIT_USAGE
    finally:
        if meter is not None:
            meter.close()
    if not args.quiet:
        print(format_summary(summary.stats.counts, summary.output, summary.stats.timings))
        report = next((f for f in summary.files if str(f).endswith("/report.html")), None)
        if report is not None:  # a path, or the URL of an output in a store
            print(f"report: {report}")
    return run_exit_code(summary.stats.counts, args.max_reject_share)


def run_exit_code(counts: Mapping[str, int], max_reject_share: float | None = None) -> int:
    """The exit code of a finished run (see ``EXIT_*``), with a message on stderr when not 0."""
    read, kept = counts.get("documents.in", 0), counts.get("documents.kept", 0)
    rejected = counts.get("documents.rejected", 0)
    if not kept:
        why = (f"all {read} documents were dropped" if read else
               f"every input was rejected ({rejected} rejects)" if rejected else
               f"no input file that a reader takes ({counts.get('files.unsupported', 0)} others skipped)")
        print(f"corpusclean: nothing was cleaned: {why}; see the summary and stats.json", file=sys.stderr)
        return EXIT_EMPTY
    share = rejected / (read + rejected)
    if max_reject_share is not None and share > max_reject_share:
        print(f"corpusclean: {rejected} of {read + rejected} inputs rejected ({share:.1%}), more than "
              f"--max-reject-share {max_reject_share:g}; see rejects.jsonl", file=sys.stderr)
        return EXIT_REJECTS
    return EXIT_OK


def format_summary(counts: Mapping[str, int], output: Path, timings: Mapping[str, Any] | None = None) -> str:
    """The closing summary of a run, as printed by ``corpusclean clean`` (``timings``: the
    run figures of ``stats.json``)."""
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
    unsupported = group("unsupported")
    if unsupported:
        lines.append(f"skipped, no reader takes them: {counts.get('files.unsupported', 0)} files ("
                     + ", ".join(f"{k} {v}" for k, v in unsupported) + ")")
    if counts.get("files.excluded"):
        lines.append(f"left out by --include/--exclude: {counts['files.excluded']} files")
    langs = group("languages")
    if langs:
        lines.append("languages: " + ", ".join(f"{k} {v}" for k, v in langs))
    if timings:
        mb = 1024 * 1024
        lines.append(
            f"time: {timings['elapsed_seconds']:.1f} s elapsed, {timings['cpu_seconds']:.1f} s CPU; "
            f"{counts.get('bytes.in', 0) / mb:.1f} MB in, {counts.get('bytes.out', 0) / mb:.1f} MB out; "
            f"{timings['mb_per_second']:.2f} MB/s, {timings['documents_per_second']:.1f} documents/s")
        steps = list(timings.get("steps", {}).items())[:5]
        if steps:
            lines.append("slowest steps: " + ", ".join(
                f"{name} {v['seconds']:.1f} s ({v['share']:.0%})" for name, v in steps))
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


def explain_output(output: Path, ids: Sequence[str] = (), *, only_removed: bool = False) -> Iterator[str]:
    """What a finished run in ``output`` removed from each document (``ids``: only these),
    from ``removals.jsonl`` or from the records' ``metadata.removed_lines``."""
    wanted = set(ids)
    sidecar: dict[str, list[dict[str, Any]]] = {}
    for row in iter_rows(output, "removals"):  # any layout: split, compressed or Parquet
        if not wanted or row["id"] in wanted:
            sidecar[row["id"]] = row["removed"]
    for name in ("documents", "dropped"):
        for rec in iter_rows(output, name):
            if wanted and rec["id"] not in wanted:
                continue
            meta = rec["metadata"]
            fate = (f"dropped: {meta['dropped']['reason']} (step {meta['dropped']['step']})"
                    if "dropped" in meta else "kept")
            yield f"# {rec['id']}  {fate}  language={meta.get('language')}"
            for r in sidecar.get(rec["id"], meta.get("removed_lines", [])):
                detail = f"  ({r['detail']})" if r.get("detail") else ""
                yield f"- {r['line']:>5} {r['reason']:<28} [{r['step']}] {r['text']}{detail}"
            if not only_removed:
                yield from (f"+       {t}" for t in rec["text"].split("\n") if t.strip())


def _cmd_explain(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.exists():
        print(f"corpusclean: {path} does not exist; give the path of a .txt, .html or .jsonl file, "
              "or a directory", file=sys.stderr)
        return EXIT_USAGE
    if is_output(path):
        for line in explain_output(path, args.id, only_removed=args.only_removed):
            print(line)
        return EXIT_OK
    pipeline = _pipeline(args)
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
    options = _reader_options(args)
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


def _cmd_report(args: argparse.Namespace) -> int:
    from .report import write_report

    out = Path(args.output)
    if not is_output(out):
        print(f"corpusclean: {out} does not hold a finished output of 'corpusclean clean' "
              "(stats.json and the documents file); give the -o directory of a run", file=sys.stderr)
        return EXIT_USAGE
    target = write_report(out, args.to)
    print(f"report: {target}")
    return EXIT_OK


def _cmd_filters() -> int:
    for info in default_registry().infos():
        print(f"{info.name}\n    {info.summary}")
        for reason in sorted(info.reasons):
            print(f"    reason: {reason}")
    return 0


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread so the run stops as on Ctrl-C."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def _resume_hint(argv: Sequence[str]) -> str:
    """The command that continues an interrupted ``clean``."""
    words = [a for a in argv if a != "--resume"] + ["--resume"]
    return "corpusclean " + " ".join(shlex.quote(w) for w in words)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``corpusclean`` command; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    args = parser.parse_args(argv)  # usage errors exit with 2 and say what is wrong
    logging.basicConfig(level=logging.WARNING, format="corpusclean: %(message)s")
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        if args.command == "clean":
            return _cmd_clean(args)
        if args.command == "explain":
            return _cmd_explain(args)
        if args.command == "report":
            return _cmd_report(args)
        if args.command == "filters":
            return _cmd_filters()
        if args.command == "pipeline":
            print(Pipeline.default().to_toml(comments=True), end="")
            return 0
    except CorpuscleanError as exc:
        print(f"corpusclean: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt as exc:
        what = "stopped by SIGTERM" if isinstance(exc, Terminated) else "interrupted"
        more = ""
        if args.command == "clean":
            more = f"; the work done is kept: continue with\n  {_resume_hint(argv)}"
        print(f"corpusclean: {what}; output files already in place were left unchanged{more}", file=sys.stderr)
        return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    finally:
        signal.signal(signal.SIGTERM, previous)
    parser.print_help()
    return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
