"""Command line: `python build.py [build|import|check|serve]`. Problems are printed here, once, one per line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sitegen.build.cache import Outcome
from sitegen.build.cache import build as build_with_cache
from sitegen.build.progress import Counter
from sitegen.check.report import FORMATS, render
from sitegen.errors import Problem, Severity, SiteError, UsageError, display_path
from sitegen.read.gitinfo import changed_files
from sitegen.read.project import DEFAULT_PORT, BuildOptions, Paths
from sitegen.read.schema import TYPES as ARTICLE_TYPES
from sitegen.write.writer import OutputError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
MAX_WARNINGS_SHOWN = 50  # a build prints at most this many warnings; `check` lists them all


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or (args[0].startswith("-") and args[0] not in ("-h", "--help")):
        args.insert(0, "build")  # `python build.py` and `python build.py --out x` mean `build`
    try:
        options = _parser().parse_args(args)
        return int(options.run(options))
    except SiteError as exc:
        print_problems(exc.problems)
        count = sum(1 for problem in exc.problems if problem.severity is Severity.ERROR)
        print(f"Stopped: {count} problem{'s' if count != 1 else ''} to fix; nothing was written.", file=sys.stderr)
        return EXIT_PROBLEMS
    except OutputError as exc:  # disk full or a read-only folder: a problem to fix, not a mistyped command
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        if args[0] == "serve":  # stopped before the preview had set itself up: nothing to remove
            print("Stopped.", file=sys.stderr)
            return EXIT_OK
        print("Interrupted; the previous output is unchanged.", file=sys.stderr)
        return 130


def print_problems(problems: Sequence[Problem], max_warnings: int = MAX_WARNINGS_SHOWN) -> None:
    """Every error; warnings up to a limit, so a site with many does not bury the errors."""
    warnings = 0
    for problem in problems:
        if problem.severity is Severity.WARNING:
            warnings += 1
            if warnings > max_warnings:
                continue
        print(problem.format(), file=sys.stderr)
    if warnings > max_warnings:
        print(f"... and {warnings - max_warnings} more warnings.", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Build the health-information site from content/ into _site/.",
        epilog="With no command, `build` runs. Exit codes: 0 success, 1 content problems, 2 usage errors.",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    build = commands.add_parser(
        "build",
        help="render the site into _site/ (the default)",
        description="Render content/ through templates/ into the output folder.",
    )
    _add_site_options(build)
    build.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: _site)")
    build.add_argument(
        "--base-url",
        metavar="URL",
        default="",
        help="site address for absolute links (default: base_url in site.yml), e.g. http://127.0.0.1:8000/",
    )
    build.add_argument("--drafts", action="store_true", help="also build draft and in-review pages")
    build.add_argument(
        "--full", action="store_true", help="build every page again (by default only what changed since the last build)"
    )
    build.add_argument("--force", action="store_true", help="allow an output folder outside the project")
    build.add_argument("--no-search", action="store_true", help="skip the search index (faster; search page empty)")
    build.add_argument("--jobs", type=int, default=0, metavar="N", help="worker processes (default: one per core)")
    build.add_argument(
        "--relative-links",
        action="store_true",
        help="make every internal link relative, so the site opens by double-clicking index.html (no server)",
    )
    build.set_defaults(run=_run_build)
    _add_import_command(commands)
    _add_check_command(commands)
    _add_new_command(commands)
    _add_serve_command(commands)
    parser.set_defaults(run=lambda _: _usage(parser))
    return parser


def _add_import_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = commands.add_parser(
        "import",
        help="turn scraped text into de-duplicated draft articles",
        description="Decode, clean and de-duplicate scraped text, and write it as draft Markdown articles.",
    )
    command.add_argument(
        "sources", nargs="+", type=Path, metavar="RAW", help="scraped text files or saved web pages (.html, .htm)"
    )
    command.add_argument("--out", type=Path, metavar="DIR", help="folder for the articles (default: content)")
    command.add_argument("--split", action="store_true", help="one article per top-level section")
    command.add_argument("--dry-run", action="store_true", help="print what would be written and removed")
    command.add_argument("--report", type=Path, metavar="FILE.json", help="write every decision to this JSON file")
    command.add_argument("--force", action="store_true", help="overwrite articles that already exist")
    command.set_defaults(run=_run_import)


def _add_check_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = commands.add_parser(
        "check",
        help="check every article and report all problems (writes nothing)",
        description="Load the whole site as the build does, writing nothing, and report every problem with a "
        "code, file:line:column, a plain message and how to fix it. Exit 1 if there is any error.",
    )
    _add_site_options(command)
    command.add_argument("files", nargs="*", type=Path, help="only report per-file problems in these files")
    command.add_argument("--format", choices=FORMATS, default="text", help="text (default), github or json")
    command.add_argument("--changed-since", metavar="REF", help="only per-file problems in files changed since REF")
    command.add_argument("--external-links", action="store_true", help="also open every source address (slow)")
    command.add_argument("--jobs", type=int, default=0, metavar="N", help="worker processes (default: one per core)")
    command.set_defaults(run=_run_check)


def _run_check(options: argparse.Namespace) -> int:
    from sitegen.build.check_run import CheckOptions, run_check  # each command imports only what it runs

    paths = _paths(options)
    root = paths.project_root.resolve()
    only: set[str] | None = None
    if options.files:
        for path in options.files:
            if not path.exists():
                raise UsageError(f"{path}: there is no such file; check the file name and its folder")
        only = {display_path(path.resolve(), root) for path in options.files}
    if options.changed_since:
        changed = changed_files(root, options.changed_since)
        if changed is None:
            raise UsageError(f"--changed-since: '{options.changed_since}' is not a commit git can find here")
        shown = {display_path(path, root) for path in changed}
        only = shown if only is None else only & shown
    result = run_check(
        paths,
        CheckOptions(
            only=frozenset(only) if only is not None else None,
            external_links=options.external_links,
            jobs=options.jobs,
            changed_since=options.changed_since,
        ),
    )
    sys.stdout.write(render(result.problems, result.files, options.format))
    return EXIT_PROBLEMS if any(p.severity is Severity.ERROR for p in result.problems) else EXIT_OK


def _add_new_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = commands.add_parser(
        "new",
        help="start a new draft article",
        description="Write a new draft article with every required field filled with a TODO placeholder; "
        "`check` lists each placeholder until it is replaced.",
    )
    _add_site_options(command)
    command.add_argument("title", help='the page title in plain language, e.g. "Carpal tunnel syndrome"')
    command.add_argument("--type", required=True, choices=ARTICLE_TYPES, help="kind of page")
    command.add_argument("--folder", default="", help="sub-folder of content/, e.g. conditions")
    command.add_argument("--topic", help="topic slug from site.yml (default: the first topic)")
    command.set_defaults(run=_run_new)


def _run_new(options: argparse.Namespace) -> int:
    from sitegen.build.new_article import NewArticle, write_new_article

    path = write_new_article(_paths(options), NewArticle(options.title, options.type, options.folder, options.topic))
    print(f"Wrote {path} as a draft (`make preview` shows it, marked as a draft).")
    print("Replace every TODO, then run `make check` (or .venv/bin/python build.py check).")
    return EXIT_OK


def _add_serve_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = commands.add_parser(
        "serve",
        help="preview the site with live reload",
        description="Build into a temporary folder, serve it on this computer, and rebuild and reload the "
        "browser on every save. For local preview only, never for publishing.",
    )
    _add_site_options(command)
    command.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    command.add_argument("--port", type=int, help=f"port (default: {DEFAULT_PORT}, or the next free one)")
    command.add_argument(
        "--drafts",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="show draft and in-review pages, each marked as a draft (the default; --no-drafts hides them)",
    )
    command.add_argument("--open", action="store_true", help="open the preview in the web browser")
    command.add_argument("--search", action="store_true", help="also build the search index (slow on big sites)")
    command.set_defaults(run=_run_serve)


def _run_serve(options: argparse.Namespace) -> int:
    from sitegen.serve.run import ServeOptions, serve

    if options.port is not None and not 0 < options.port < 65536:
        raise UsageError("--port must be between 1 and 65535")
    settings = ServeOptions(
        host=options.host, port=options.port, drafts=options.drafts, open_browser=options.open, search=options.search
    )

    def say(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    return serve(_paths(options), settings, say)


def _run_import(options: argparse.Namespace) -> int:
    from sitegen.importer.run import ImportOptions, plan_import, summary, write_articles, write_report

    out_dir: Path = options.out or PROJECT_ROOT / "content"
    report: Path | None = options.report
    if report is not None and report.resolve().is_relative_to(out_dir.resolve()):
        raise UsageError("--report must be outside the articles folder (only .md articles go there)")
    settings = ImportOptions(tuple(options.sources), out_dir, split=options.split, force=options.force)
    results = plan_import(settings)
    if options.dry_run:
        for result in results:
            for planned in result.articles:
                print(f"would write {planned.path} ({planned.units} units): {planned.title}")
            for decision in result.decisions:
                if decision.action != "kept both":
                    print(f"  {decision.action} {result.file}:{decision.line} ({decision.rule}): {decision.text[:70]}")
    else:
        write_articles(results, out_dir)
    if report is not None:
        write_report(results, report)
    print(summary(results), file=sys.stderr)
    return EXIT_OK


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def _add_site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", type=Path, metavar="DIR", help="content folder (default: content)")
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="site settings; its folder is the project (default: site.yml beside build.py)",
    )


def _paths(options: argparse.Namespace) -> Paths:
    config: Path | None = options.config
    root = config.resolve().parent if config is not None else PROJECT_ROOT
    return Paths.for_project(root, config=config, content=options.content, out=getattr(options, "out", None))


def _run_build(options: argparse.Namespace) -> int:
    if options.jobs < 0:
        raise UsageError("--jobs must be 0 (one per core) or more")
    if options.base_url and not options.base_url.startswith(("https://", "http://")):
        raise UsageError("--base-url must start with https:// or http://")
    counter = Counter("Rendering pages")
    paths = _paths(options)
    settings = BuildOptions(
        base_url=options.base_url,
        drafts=options.drafts,
        force=options.force,
        jobs=options.jobs,
        search=not options.no_search,
    )
    try:
        if options.full or options.relative_links:  # a relative-links build rewrites its output afterwards
            from sitegen.build.pipeline import build_site

            result = build_site(paths, settings, counter)
            outcome = Outcome("full", result.pages, result.files, result.seconds, result.out_dir, result.warnings)
            if options.relative_links:
                from sitegen.write.relative_links import make_links_relative

                make_links_relative(paths.out_dir, result.site.config.base_path)
        else:
            outcome = build_with_cache(paths, settings, counter)
    finally:
        counter.finish()
    print_problems(outcome.warnings)
    if outcome.kind == "unchanged":
        print(f"Nothing changed since the last build: {outcome.out_dir}/ is up to date ({outcome.seconds:.2f} s)")
    elif outcome.kind == "incremental":
        written = f"{outcome.pages_written} file{'s' if outcome.pages_written != 1 else ''}"
        print(f"Updated {written} of {outcome.pages} pages in {outcome.seconds:.2f} s into {outcome.out_dir}/")
    else:
        print(f"Built {outcome.pages} pages ({outcome.files} files) in {outcome.seconds:.2f} s into {outcome.out_dir}/")
    return EXIT_OK
