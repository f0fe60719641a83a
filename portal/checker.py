"""The LMIA checker: ``lmia check`` and ``lmia rules``, one implementation for two front doors.

    lmia check FILE [--as-of YYYY-MM-DD] [--format json|text]
    lmia rules [--format json|text]

The ``lmia`` console script (``main``, declared in pyproject.toml) starts in about a tenth of a
second because this module imports only click and the plain-Python packages (``portal.rules``,
``portal.cases``, ``portal.reference``): no Flask, no database, no PDF or S3 library. Law firms
run it over many files from their own scripts. ``flask --app portal lmia …``
(``portal.commands.lmia``) adds these same commands to a Flask command group, so the output and exit
codes of the two are the same by construction.

``check`` exits 0 when no finding is an error, 1 when one is, 2 when the file cannot be read or is
not a valid case (the message on standard error names the path of the first bad value).

Both read the reference data the way the web app does: the files an administrator loaded into
the instance folder (``flask refdata load-…``; ``PORTAL_INSTANCE_PATH``, else ``instance/`` beside
the package) over the packaged copies.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from os import PathLike
from pathlib import Path

import click

from portal.cases import CaseError, parse_case
from portal.config import instance_path
from portal.limits import AS_OF_FIRST, AS_OF_LAST, as_of_in_range
from portal.rules import Verdict, all_rules, evaluate
from portal.rules.context import Reference

EXIT_OK, EXIT_ERRORS, EXIT_INVALID = 0, 1, 2

HELP = "LMIA case files: check them against the rules; list the rules."


def reference_for(instance_folder: str | PathLike[str]) -> Reference:
    """The labour-market reference data: the instance's loaded files, else the packaged copies."""
    from portal.reference import labour_market

    data = getattr(labour_market, "LabourMarketData", None)
    if data is None:
        raise click.ClickException("The labour-market reference data is not installed.")
    if hasattr(data, "current"):
        return data.current(instance_folder)
    return data.packaged()


def _read(file: str) -> bytes:
    if file == "-":
        return sys.stdin.buffer.read()
    return Path(file).read_bytes()


def _text(verdict: Verdict) -> str:
    lines = [
        f"{finding.severity:<7} {finding.rule} {finding.subject}: {finding.message}"
        for finding in verdict.findings
    ]
    counts = verdict.counts
    lines.append(
        f"{counts['error']} error{'' if counts['error'] == 1 else 's'}, "
        f"{counts['warning']} warning{'' if counts['warning'] == 1 else 's'}, "
        f"{counts['info']} info "
        f"(as of {verdict.as_of}, submission {verdict.submission_date}, "
        f"stream {verdict.stream}, ruleset {verdict.ruleset})"
    )
    return "\n".join(lines)


def _rules_json() -> str:
    return json.dumps(
        [
            {
                "rule": r.id,
                "severity": r.severity,
                "title": r.title,
                "area": r.area,
                "applies": r.applies,
                "effective_from": r.effective_from and r.effective_from.isoformat(),
                "effective_to": r.effective_to and r.effective_to.isoformat(),
                "evidence": r.evidence,
                "source": r.citation,
            }
            for r in all_rules()
        ],
        indent=2,
        ensure_ascii=False,
    )


def add_commands(group: click.Group, reference: Callable[[], Reference]) -> click.Group:
    """Add ``check`` and ``rules`` to ``group``; ``reference()`` gives the data to check with.

    ``group.command`` is the group's own decorator, so a Flask ``AppGroup`` wraps both commands
    in the app context as its other commands are.
    """

    @group.command("check")
    @click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
    @click.option(
        "--as-of",
        "as_of",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        help="Evaluate as of this date (YYYY-MM-DD); default today.",
    )
    @click.option(
        "--format",
        "output",
        type=click.Choice(["json", "text"]),
        default="text",
        show_default=True,
        help="json: the lmia-findings/1 document; text: one finding per line.",
    )
    @click.pass_context
    def check(ctx: click.Context, file: str, as_of, output: str) -> None:
        """Check FILE (an lmia-case/2 or /1 JSON document, or - for stdin) against the rules."""
        try:
            raw = _read(file)
        except OSError as error:
            click.echo(f"{file}: cannot read the file ({error.strerror or error})", err=True)
            ctx.exit(EXIT_INVALID)
        try:
            case = parse_case(raw)
        except CaseError as error:
            click.echo(f"{file}: not a valid lmia-case file: {error}", err=True)
            ctx.exit(EXIT_INVALID)
        day = as_of.date() if as_of is not None else date.today()
        if not as_of_in_range(day):
            raise click.BadParameter(
                f"a date from {AS_OF_FIRST} to {AS_OF_LAST}", ctx=ctx, param_hint="'--as-of'"
            )
        verdict = evaluate(case, day, reference())
        if output == "json":
            click.echo(json.dumps(verdict.to_dict(), indent=2, ensure_ascii=False))
        else:
            click.echo(_text(verdict))
        ctx.exit(EXIT_ERRORS if verdict.has_errors else EXIT_OK)

    @group.command("rules")
    @click.option(
        "--format",
        "output",
        type=click.Choice(["json", "text"]),
        default="text",
        show_default=True,
    )
    def list_rules(output: str) -> None:
        """List every rule: ID, severity, title and source."""
        if output == "json":
            click.echo(_rules_json())
            return
        rules = all_rules()
        width = max(len(r.id) for r in rules)
        for r in rules:
            click.echo(f"{r.id:<{width}}  {r.severity:<7}  {r.title}  {r.citation}")

    return group


main = add_commands(click.Group("lmia", help=HELP), lambda: reference_for(instance_path()))


if __name__ == "__main__":
    main()
