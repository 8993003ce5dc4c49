"""``idverify qa``: run fixture suites, compare runs, build the project's suite.

    idverify qa run PATH [--target HOST:PORT] [--jobs N] [--out DIR] [--config FILE] [--timeout S]
                    [--api-key KEY]
    idverify qa compare OLD.json NEW.json
    idverify qa build [--out fixtures/] [--seed N] [--size small|large] [--today DATE] [--from-portraits DIR]

``run`` starts the server in-process on 127.0.0.1:0 (fresh store) unless ``--target`` names a
running one, runs the cases on ``--jobs`` threads with a progress bar on a terminal, and writes
``report.json``, ``junit.xml`` and ``report.html`` into ``--out`` (default ``qa-report/``).
Exit codes: 0 every case passed (``compare``: nothing got worse), 1 a case failed or errored
(``compare``: a case got worse), 2 the suite, a report or an argument is invalid.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from idverify.cli.exit_codes import ExitCode

__all__ = ["add_parser", "main", "run"]



def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``qa`` command and its sub-commands to the ``idverify`` parser."""
    qa = sub.add_parser("qa", help="fixture suites: run, compare runs, build the suite")
    qa_sub = qa.add_subparsers(dest="qa_command", required=True, metavar="QA_COMMAND")

    run_p = qa_sub.add_parser("run", help="run a suite and write JSON, JUnit XML and HTML reports")
    run_p.add_argument("path", type=Path, help="fixtures root, one suite folder, or one case folder")
    run_p.add_argument("--target", help="host:port of a running server (default: start one in-process)")
    run_p.add_argument("--jobs", type=int, default=4, help="cases run in parallel (default 4)")
    run_p.add_argument("--out", type=Path, default=Path("qa-report"), help="report folder (default qa-report/)")
    run_p.add_argument("--config", help="TOML configuration for the in-process server")
    run_p.add_argument("--api-key", default=os.environ.get("IDVERIFY_API_KEY"),
                       help="API key for a server with auth enabled (default: $IDVERIFY_API_KEY)")
    run_p.add_argument("--timeout", type=float, default=120.0, help="deadline per call in seconds (default 120)")

    cmp_p = qa_sub.add_parser("compare", help="list cases that improved or got worse between two runs")
    cmp_p.add_argument("old", type=Path, help="report.json of the earlier run")
    cmp_p.add_argument("new", type=Path, help="report.json of the later run")

    build_p = qa_sub.add_parser("build", help="build a fixture suite from packaged images and generated documents")
    build_p.add_argument("--out", type=Path, default=Path("fixtures"), help="output folder (default fixtures/)")
    build_p.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    build_p.add_argument("--size", choices=["small", "large"], default="small",
                         help="small: the committed suite; large: many more generated variants")
    build_p.add_argument("--today", type=_date, help="build date documents' expiry and age count from, YYYY-MM-DD "
                         "(default: today); the same seed and date rebuild the same bytes")
    build_p.add_argument("--from-portraits", type=Path, metavar="DIR",
                         help="build from a folder of portraits, one sub-folder per person, instead")
    return qa


def _date(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from exc


def run(args: argparse.Namespace) -> int:
    """Run a parsed ``qa`` command; return the exit code."""
    from idverify.errors import ConfigError
    from idverify.qa.suite import SuiteError

    try:
        if args.qa_command == "run":
            return _run(args)
        if args.qa_command == "compare":
            return _compare(args)
        return _build(args)
    except SuiteError as exc:
        print("idverify qa: invalid suite or report:\n  " + "\n  ".join(exc.problems), file=sys.stderr)
        return ExitCode.USAGE
    except ConfigError as exc:
        print(f"idverify qa: configuration error: {exc.message}", file=sys.stderr)
        return ExitCode.USAGE


def _run(args: argparse.Namespace) -> int:
    import contextlib

    from rich.console import Console

    from idverify.qa.junit import write_junit
    from idverify.qa.report_html import write_html
    from idverify.qa.report_json import write_json
    from idverify.qa.runner import local_server, run_suite
    from idverify.qa.suite import load_suite

    if args.jobs < 1:
        print("idverify qa: --jobs must be at least 1", file=sys.stderr)
        return ExitCode.USAGE
    suite = load_suite(args.path)
    console = Console(stderr=True)
    server = contextlib.nullcontext(args.target) if args.target else local_server(args.config)
    if not args.target:
        console.print("starting the server in-process (loading models) ...")
    with server as target, _progress(console, len(suite.cases)) as advance:
        run_result = run_suite(suite, target, jobs=args.jobs, timeout=args.timeout,
                               api_key=args.api_key, on_result=advance)
    args.out.mkdir(parents=True, exist_ok=True)
    paths = [write_json(run_result, args.out / "report.json"), write_junit(run_result, args.out / "junit.xml"),
             write_html(run_result, args.out / "report.html")]
    _print_summary(console, run_result)
    for path in paths:
        console.print(f"wrote {path}")
    return ExitCode.OK if run_result.ok else ExitCode.FAILED


def _progress(console, total: int):
    """A context manager yielding a per-result callback: a rich progress bar on a terminal."""
    import contextlib

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    @contextlib.contextmanager
    def bar():
        if not console.is_terminal:
            yield lambda result: None
            return
        with Progress(TextColumn("[bold]qa[/]"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                      TimeElapsedColumn(), console=console, transient=True) as progress:
            task = progress.add_task("", total=total)
            failed = 0

            def advance(result) -> None:
                nonlocal failed
                failed += not result.passed
                progress.update(task, advance=1, description=f"[red]{failed} failed[/]" if failed else "")
            yield advance

    return bar()


def _print_summary(console, run_result) -> None:
    from rich.table import Table

    counts = run_result.counts()
    bad = [r for r in run_result.results if not r.passed]
    if bad:
        table = Table(title="cases not passing", show_lines=False)
        table.add_column("case")
        table.add_column("status")
        table.add_column("first problem", overflow="fold")
        for result in bad:
            style = "red" if result.status == "fail" else "yellow"
            table.add_row(result.case.id, f"[{style}]{result.status}[/]", (result.failures or [""])[0])
        console.print(table)
    console.print(f"{counts['total']} cases: [green]{counts['pass']} passed[/], [red]{counts['fail']} failed[/], "
                  f"[yellow]{counts['error']} errors[/] in {run_result.seconds:.1f} s")


def _compare(args: argparse.Namespace) -> int:
    from idverify.qa.compare import compare_reports, format_comparison
    from idverify.qa.report_json import load_report

    comparison = compare_reports(load_report(args.old), load_report(args.new))
    print(format_comparison(comparison))
    return ExitCode.FAILED if comparison.regressed else ExitCode.OK


def _build(args: argparse.Namespace) -> int:
    from idverify.qa.builder import build_from_portraits, build_suite

    if args.from_portraits is not None:
        written = build_from_portraits(args.from_portraits, args.out, seed=args.seed, today=args.today)
    else:
        written = build_suite(args.out, seed=args.seed, size=args.size, today=args.today)
    print(f"wrote {len(written)} cases under {args.out}")
    return ExitCode.OK


def main(argv: list[str] | None = None) -> int:
    """``python -m idverify.qa.cli ...``: the same as ``idverify qa ...``."""
    parser = argparse.ArgumentParser(prog="idverify")
    add_parser(parser.add_subparsers(dest="command", required=True))
    return run(parser.parse_args(["qa", *(argv if argv is not None else sys.argv[1:])]))


if __name__ == "__main__":
    sys.exit(main())
