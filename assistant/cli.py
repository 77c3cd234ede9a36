"""`tactful`: check a draft, run the service, manage the bundled LanguageTool server.

Exit codes of `tactful check`: 0 pass or warn, 1 block, 2 bad input."""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from .admin import AdminError, add_commands
from .model import Channel, Context, Report
from .settings import Settings
from .text import Format

if TYPE_CHECKING:
    from .languagetool_server import Supervision

EXIT_OK, EXIT_BLOCK, EXIT_BAD_INPUT = 0, 1, 2
COLOURS = {"blocker": "\033[31m", "warning": "\033[33m", "suggestion": "\033[36m"}
RESET = "\033[0m"


class BadInput(Exception):
    pass


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except (BadInput, AdminError) as exc:
        print(f"tactful: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # `tactful rules | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tactful", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="check a draft reply")
    check.add_argument("file", help="the draft: a file, or - for standard input")
    check.add_argument("--channel", help="email, chat, sms, social_public, ... (default: email, or the context's)")
    check.add_argument("--context", type=Path, help="a JSON file with Context fields (customer, ticket, ...)")
    check.add_argument("--guide", help="style guide id, or a guide folder anywhere (default: the service default)")
    check.add_argument("--locale", help="e.g. en-GB, en-US (default: the guide's)")
    check.add_argument("--format", choices=["text", "html"], help="default: html for .html/.htm files, else text")
    check.add_argument("--checks", help="comma-separated subset, e.g. grammar,readability")
    check.add_argument("--json", action="store_true", help="print the Report as JSON")
    check.set_defaults(run=_check)

    serve = commands.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="processes; each loads its own models")
    serve.set_defaults(run=_serve)

    draft = commands.add_parser("draft", help="draft a reply from a template and check it")
    draft.add_argument("template", help="the template id (see `tactful templates list`)")
    draft.add_argument("--context", type=Path, help="a JSON file with Context fields, `variables` and `organisation`")
    draft.add_argument("--channel", help="email, chat, sms, ... (default: email, or the context's)")
    draft.add_argument("--guide", help="style guide id (default: the service default)")
    draft.add_argument("--locale", help="e.g. en-GB (default: the guide's)")
    draft.add_argument("--var", action="append", default=[], metavar="NAME=VALUE", help="a template variable (repeat)")
    draft.add_argument("--json", action="store_true", help="print {text, missing, stale, report} as JSON")
    draft.set_defaults(run=_draft)

    templates = commands.add_parser("templates", help="list, lint and version the reply templates")
    templates.add_argument("action", choices=["list", "lint", "seed", "save", "history", "export"])
    templates.add_argument("target", nargs="?", help="save: the template FILE; history: the template ID")
    templates.add_argument("--dir", type=Path, help="the templates folder (default: TACTFUL_TEMPLATES_DIR)")
    templates.add_argument("--author", help="save: who made the change")
    templates.add_argument("--note", default="", help="save: what changed and why")
    templates.add_argument("--guide", default="", help="history: the organisation's guide id (default: shared)")
    templates.set_defaults(run=_templates)

    lt = commands.add_parser("languagetool", help="start, stop or ask about the bundled LanguageTool server")
    lt.add_argument(
        "action",
        choices=["start", "stop", "status", "supervise"],
        help="start: launch a supervisor that keeps the server running; supervise: be that supervisor, "
        "in the foreground (for systemd and the like)",
    )
    lt.add_argument("--port", type=int, help="default: the port of TACTFUL_LANGUAGETOOL_URL")
    lt.add_argument("--heap", help="Java heap, e.g. 1g (default: TACTFUL_LANGUAGETOOL_HEAP)")
    lt.add_argument("--run-dir", type=Path, help="where its log, pid and state files go (default: var/)")
    lt.set_defaults(run=_languagetool)

    rules = commands.add_parser("rules", help="list every rule the checks can fire, with its criteria and an example")
    rules.add_argument("--check", help="only this check's rules")
    rules.add_argument("--json", action="store_true", help="print them as JSON (as GET /v1/rules does)")
    rules.set_defaults(run=_rules)

    guides = commands.add_parser("guides", help="style guides: validate them")
    guides.add_argument("action", choices=["lint"])
    guides.add_argument("path", nargs="?", type=Path, help="a guide folder (default: every guide in guides_dir)")
    guides.set_defaults(run=_guides)

    audit = commands.add_parser("audit", help="check every reply of a helpdesk export; resumable; HTML report")
    audit.add_argument("file", type=Path, help="CSV, JSONL, or Zendesk's ticket comments JSON (docs/usage.md)")
    audit.add_argument("--org", required=True, help="the organisation the replies belong to")
    audit.add_argument("--guide", help="style guide for every reply (default: TACTFUL_DEFAULT_GUIDE)")
    audit.add_argument("--channel", choices=[c.value for c in Channel], default="email", help="when a row has none")
    audit.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="local processes (default: one per core)"
    )
    audit.add_argument(
        "--scheduler",
        help="a Dask distributed scheduler's address (tcp://host:8786): run on its workers instead (docs/usage.md)",
    )
    audit.add_argument("--report", type=Path, help="the HTML report (default: FILE with .audit.html)")
    audit.add_argument(
        "--run", dest="run_name", default="", help="name of the run, for resuming (default: from FILE's path)"
    )
    audit.add_argument("--quiet", action="store_true", help="no progress bar")
    audit.set_defaults(run=_audit)
    add_commands(commands)
    return parser


# -- tactful check ------------------------------------------------------------
def _check(args: argparse.Namespace) -> int:
    text = _read_draft(args.file)
    context = _context(args)
    fmt: Format = args.format or ("html" if args.file.lower().endswith((".html", ".htm")) else "text")
    only = [name.strip() for name in args.checks.split(",")] if args.checks else None

    from .checking import DraftRefused, check_draft
    from .services import build_services

    settings = Settings()
    if args.guide and Path(args.guide).is_dir():  # a guide folder anywhere on disk
        settings.extra_guides = [*settings.extra_guides, Path(args.guide)]
        context = context.model_copy(update={"guide": Path(args.guide).resolve().name})
    if sys.stderr.isatty():
        print("Loading language models…", file=sys.stderr)
    services = build_services(settings)
    try:  # the same use case as POST /v1/check: the same refusals, here exit 2
        report = check_draft(services.pipeline, text, context, fmt=fmt, only=only, max_chars=settings.max_text_chars)
    except DraftRefused as exc:
        raise BadInput(str(exc)) from exc
    finally:
        services.close()
    if args.json:
        print(report.model_dump_json(indent=2))
    else:
        print(render(report, args.file, colour=sys.stdout.isatty()))
    return EXIT_BLOCK if report.verdict == "block" else EXIT_OK


def _read_draft(name: str) -> str:
    try:
        return sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read {name}: {exc}") from exc


def _context(args: argparse.Namespace, data: dict | None = None) -> Context:
    if data is None:
        data = _json_object(args.context) if args.context else {}
    for field in ("channel", "guide", "locale"):
        if getattr(args, field):
            data[field] = getattr(args, field)
    data.setdefault("channel", "email")
    try:
        return Context.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise BadInput(f"invalid context: {problems}") from exc


def render(report: Report, name: str, colour: bool = False) -> str:
    """Findings as an agent reads them: where, what, the words underlined, the fix.
    A finding about the whole draft (no span) is shown against the file alone."""
    lines = []
    for finding in report.findings:
        severity = finding.severity.value
        label = f"{COLOURS[severity]}{severity}{RESET}" if colour else severity
        where = name if finding.start is None else f"{name}:{_position(report.text, finding.start)}"
        lines.append(f"{where}: {label} [{finding.rule}] {finding.message}")
        if finding.start is not None and finding.end is not None:
            lines.extend(_underlined(report.text, finding.start, finding.end))
        if finding.suggestions:
            lines.append(f"    suggestion: {' | '.join(finding.suggestions[:3])}")
    lines.append(_summary(report))
    return "\n".join(lines)


def _position(text: str, offset: int) -> str:
    line_no = text.count("\n", 0, offset) + 1
    column = offset - text.rfind("\n", 0, offset)
    return f"{line_no}:{column}"


def _underlined(text: str, start: int, end: int) -> list[str]:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line_end = len(text) if line_end == -1 else line_end
    width = max(1, min(end, line_end) - start)
    return [f"    {text[line_start:line_end]}", f"    {' ' * (start - line_start)}{'^' * width}"]


def _summary(report: Report) -> str:
    counts = {s: sum(1 for f in report.findings if f.severity == s) for s in ("blocker", "warning", "suggestion")}
    found = ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n) or "no findings"
    notes = [
        f"{name} {run.status.value}: {run.detail}"
        for name, run in report.checks.items()
        if run.status.value in ("unavailable", "error")
    ]
    readability = report.metrics.get("readability", {})
    scores = (
        f"; reading ease {readability['flesch_reading_ease']:g}, grade {readability['flesch_kincaid_grade']:g}"
        if readability
        else ""
    )
    summary = f"verdict: {report.verdict.value} ({found}; {report.metrics.get('words', 0)} words{scores})"
    return "\n".join([summary] + notes)


# -- tactful guides lint ------------------------------------------------------
def _guides(args: argparse.Namespace) -> int:
    """Load the guides (and the folder given) as the service would; print each problem
    as file:line: field: what is wrong. Exit 1 when any guide fails."""
    from .checks.style import StyleOptions
    from .guide import GuideError
    from .sections import load_guides

    settings = Settings()
    extra = [*settings.extra_guides, *([args.path] if args.path else [])]
    try:
        guides = load_guides(settings.guides_dir, extra)
    except GuideError as exc:
        print(str(exc))
        return EXIT_BLOCK
    shown = [args.path.resolve().name] if args.path else sorted(guides)
    for guide_id in shown:
        rules = guides[guide_id].section("style", StyleOptions).rules
        print(f"{guide_id}: ok ({len(rules)} style rules)")
    return EXIT_OK


def _rules(args: argparse.Namespace) -> int:
    from .api.rules import rule_info
    from .checks import every_rule

    rules = [rule for rule in every_rule() if args.check in (None, rule.check)]
    if not rules:
        raise BadInput(f"no check named {args.check!r}; see `tactful rules`")
    if args.json:
        print(json.dumps([rule_info(rule).model_dump(mode="json") for rule in rules], indent=2, ensure_ascii=False))
        return EXIT_OK
    width = max(len(rule.id) for rule in rules)
    for rule in rules:
        example = " ".join(rule.fires[0].text.split())
        print(f"{rule.id:<{width}}  {rule.severity.value:<10}  {', '.join(rule.criteria)}")
        print(f"{'':<{width}}  e.g. {example[:100]}{'…' if len(example) > 100 else ''}")
    return EXIT_OK


# -- tactful draft / templates ------------------------------------------------
def _draft(args: argparse.Namespace) -> int:
    data = _json_object(args.context) if args.context else {}
    variables = dict(data.get("variables") or {})
    for item in args.var:
        name, sep, value = item.partition("=")
        if not sep:
            raise BadInput(f"--var takes NAME=VALUE; got no '=' in argument {args.var.index(item) + 1}")
        variables[name.strip()] = value
    organisation = (data.get("organisation") or {}).get("name")
    context = _context(args, {key: value for key, value in data.items() if key not in ("variables", "organisation")})

    from .checking import DraftRefused
    from .drafting.compose import UnknownTemplate, draft_reply
    from .drafting.render import RenderError, VariableRefused
    from .services import build_services

    settings = Settings()
    if sys.stderr.isatty():
        print("Loading language models…", file=sys.stderr)
    services = build_services(settings)
    try:  # the same use case as POST /v1/drafts, from the library of the context's organisation (guide)
        from .guide import UnknownGuide

        try:
            library = services.templates.current(services.pipeline.guide_for(context).id)
        except UnknownGuide as exc:
            raise DraftRefused("guide", str(exc)) from exc
        drafted = draft_reply(
            library,
            services.pipeline,
            args.template,
            context,
            variables,
            organisation,
            max_chars=settings.max_text_chars,
        )
    except (UnknownTemplate, VariableRefused, RenderError, DraftRefused) as exc:
        raise BadInput(str(exc)) from exc
    finally:
        services.close()
    report = drafted.report
    assert report is not None
    if args.json:
        print(
            json.dumps(
                {
                    "text": drafted.rendered.text,
                    "format": drafted.rendered.format,
                    "missing": drafted.rendered.missing,
                    "stale": drafted.stale,
                    "review_due": drafted.review_due.isoformat(),
                    "report": report.model_dump(mode="json"),
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        print(drafted.rendered.text, end="\n\n")
        if drafted.rendered.missing:
            print(f"missing: {', '.join(drafted.rendered.missing)}")
        if drafted.stale:
            print(f"stale: the template was due for review on {drafted.review_due.isoformat()}")
        print(render(report, args.template, colour=sys.stdout.isatty()))
    return EXIT_BLOCK if report.verdict == "block" else EXIT_OK


def _json_object(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BadInput(f"cannot read context {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise BadInput(f"{path} must hold a JSON object of Context fields.")
    return data


def _templates(args: argparse.Namespace) -> int:
    from datetime import date

    from .drafting.library import LibraryError, lint_library, load_library

    settings = Settings()
    folder = args.dir or settings.templates_dir
    if args.action in ("seed", "save", "history", "export"):
        return _template_store(args, settings, folder)
    if args.action == "lint":
        errors = lint_library(folder)
        for error in errors:
            print(error)
        print(f"{len(errors)} problem(s)" if errors else f"{folder}: all templates pass")
        return EXIT_BLOCK if errors else EXIT_OK
    try:
        library = load_library(folder)
    except LibraryError as exc:
        raise BadInput(f"{exc}\nRun `tactful templates lint` for every problem.") from exc
    today = date.today()
    for template in sorted(library.templates.values(), key=lambda t: (t.meta.topic, t.id)):
        channels = ",".join(c.value for c in template.meta.channels)
        stale = "  STALE" if template.is_stale(today) else ""
        print(f"{template.meta.topic}/{template.id}  {template.meta.title}  [{channels}]{stale}")
    return EXIT_OK


def _template_store(args: argparse.Namespace, settings: Settings, folder: Path) -> int:
    from .drafting.store import TemplateStore
    from .drafting.templates import LibraryError

    if args.action in ("save", "history") and not args.target:
        raise BadInput(f"templates {args.action} needs {'a FILE' if args.action == 'save' else 'a template ID'}")
    if args.action == "save" and not args.author:
        raise BadInput("templates save needs --author: every version records who made it")
    store = TemplateStore(settings.templates_db_url)
    try:
        store.migrate()
        if args.action == "seed":
            print(f"stored {store.seed(folder)} new template(s) from {folder}")
        elif args.action == "export":
            print(f"wrote {store.export(folder)} template(s) to {folder}")
        elif args.action == "history":
            versions = store.history(args.target, args.guide)
            if not versions:
                raise BadInput("no such template in the store; `tactful templates seed` stores the files")
            for v in versions:
                print(f"v{v.version}  {v.created_at:%Y-%m-%d %H:%M}  {v.author}  {v.note}")
        else:
            from .drafting.store import place

            path = Path(args.target)
            source = _read_draft(args.target)
            organisation, topic = place(path)  # a file under orgs/<guide>/ is that organisation's
            try:
                version = store.save(path.stem, topic, source, args.author, args.note, organisation=organisation)
            except LibraryError as exc:
                raise BadInput(str(exc)) from exc
            owner = f" ({version.organisation})" if version.organisation else ""
            print(f"{version.template_id}{owner}: version {version.version} by {version.author}")
    finally:
        store.close()
    return EXIT_OK


# -- tactful audit ------------------------------------------------------------
def _audit(args: argparse.Namespace) -> int:
    from . import languagetool_server
    from .guide import GuideError
    from .qa.audit_report import render_report, summarise
    from .qa.bulk import AuditPlan, run_audit
    from .qa.history import RowError
    from .qa.results import StoreSpec
    from .services import guides_for
    from .store import Store

    settings = Settings()
    if not args.file.is_file():
        raise BadInput(f"{args.file}: no such file")
    if args.workers < 1:
        raise BadInput("--workers must be 1 or more")
    if not languagetool_server.is_up(settings.languagetool_url):
        raise BadInput(
            f"LanguageTool does not answer at {settings.languagetool_url}: start it (tactful languagetool start)"
        )
    try:
        scorecard = guides_for(settings)[args.guide or settings.default_guide].sections["scorecard"]
    except (KeyError, GuideError) as exc:
        raise BadInput(f"--guide: {exc}") from None
    store = Store(settings.store_url)
    try:
        store.migrate()
        if store.keys.organisation(args.org) is None:
            raise BadInput(f"--org: no organisation {args.org!r} in the store (tactful keys create --org ...)")
    finally:
        store.close()
    spec = StoreSpec(settings.store_url, args.org)
    plan = AuditPlan(
        args.file, args.org, spec, args.workers, args.guide, Channel(args.channel), args.run_name, args.scheduler
    )
    say = lambda bad: print(f"{args.file}:{bad.line}: skipped: {bad.reason}", file=sys.stderr)  # noqa: E731
    try:
        outcome = run_audit(plan, settings, progress=not args.quiet, on_bad=say)
    except RowError as exc:
        raise BadInput(str(exc)) from None
    except OSError as exc:  # no scheduler there, or no worker joined it in time (TimeoutError)
        if not args.scheduler:
            raise
        raise BadInput(f"--scheduler {args.scheduler}: {exc}") from None
    results = spec.open()
    summary = summarise(results.rows(plan.run_id), outcome.bad, outcome.rows, scorecard)
    results.close()
    report = args.report or args.file.with_suffix(".audit.html")
    title = f"Audit of {args.file.name}" + (" (interrupted: partial)" if outcome.interrupted else "")
    report.write_text(render_report(summary, scorecard, title=title, organisation=args.org), encoding="utf-8")
    print(
        f"{summary.checked} of {outcome.rows} rows checked ({outcome.checked} now, {outcome.resumed} earlier), "
        f"{len(outcome.bad)} bad; report: {report}",
        file=sys.stderr,
    )
    if outcome.interrupted:
        print("interrupted: run the same command again to check the rest", file=sys.stderr)
        return 130
    if outcome.failed:
        print(f"{outcome.failed} rows failed on the cluster: run the same command again to check them", file=sys.stderr)
        return 1
    return EXIT_OK


# -- tactful serve ------------------------------------------------------------
def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    _prepare_store(Settings())
    from .api.connections import PROTOCOL

    uvicorn.run(
        "assistant.api.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=Settings().log_level.lower(),
        http=PROTOCOL,  # header deadline, header size, connection cap (api/connections.py)
    )
    return EXIT_OK


def _prepare_store(settings: Settings) -> None:
    """Migrate once before the workers start, and on an empty store make the first
    organisation's keys. A database that is down does not stop the service: it starts,
    answers what needs no store, and its workers keep trying."""
    from .admin import open_store
    from .bootstrap import bootstrap

    try:
        store = open_store(settings)
    except AdminError as exc:
        print(f"tactful: {exc}; starting anyway, the gate answers 503 until the store is up", file=sys.stderr)
        return
    try:
        written = bootstrap(store, settings.bootstrap_keys_file) if settings.bootstrap else None
    finally:
        store.close()
    if written:
        print(
            f"tactful: made organisation 'local' with an admin and an agent key: {written} (readable only by you)",
            file=sys.stderr,
        )


# -- tactful languagetool -----------------------------------------------------
def _languagetool(args: argparse.Namespace) -> int:
    from . import languagetool_server as server

    settings = Settings()
    port = args.port or urllib.parse.urlsplit(settings.languagetool_url).port or 8081
    run_dir = args.run_dir or settings.languagetool_home.parent / "var"
    heap = args.heap or settings.languagetool_heap
    url = f"http://127.0.0.1:{port}"
    if args.action == "status":
        state, line = server.status(port, run_dir)
        print(line)
        return EXIT_OK if state == "up" else EXIT_BLOCK
    if args.action == "stop":
        print(server.stop(port, run_dir).message)
        return EXIT_OK
    if args.action == "supervise":
        return server.supervise(settings.languagetool_home, port, heap, run_dir, supervision=_upkeep(settings, heap))
    state, line = server.status(port, run_dir)
    if state != "down":  # up, or our supervisor is (re)starting it
        print(line)
        return EXIT_OK
    print(f"Starting LanguageTool on {url} under a supervisor (loading rules takes 10-30 s)…", flush=True)
    try:
        pid = server.start_supervised(settings.languagetool_home, port, heap, run_dir)
    except server.ServerError as exc:
        raise BadInput(str(exc)) from exc
    print(f"LanguageTool is up on {url} (supervisor pid {pid}, log {server.log_file(run_dir, port)})")
    return EXIT_OK


def _upkeep(settings: Settings, heap: str) -> Supervision:
    """The supervisor's restart policy and log rotation, from the settings."""
    from . import languagetool_server as server

    max_rss = settings.languagetool_max_rss_mb
    if max_rss is None:
        max_rss = 1.5 * server.heap_mb(heap)
    return server.Supervision(
        max_rss_mb=max_rss or None,
        max_age=settings.languagetool_max_age_hours * 3600 or None,
        log_max_bytes=int(settings.languagetool_log_max_mb * 1024 * 1024),
        log_backups=settings.languagetool_log_backups,
    )


if __name__ == "__main__":
    sys.exit(main())
