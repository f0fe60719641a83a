"""``flask lmia``: check an ``lmia-case/1`` file against the rules, and list the rules.

    flask --app portal lmia check FILE [--as-of YYYY-MM-DD] [--format json|text]
    flask --app portal lmia rules [--format json|text]

``check`` exits 0 when no finding is an error, 1 when one is, 2 when the file cannot be read or is
not a valid case (the message on standard error names the path of the first bad value).
Register with ``app.cli.add_command(lmia)``.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.cases import CaseError, parse_case
from portal.rules import Verdict, all_rules, evaluate
from portal.rules.context import Reference

EXIT_OK, EXIT_ERRORS, EXIT_INVALID = 0, 1, 2

lmia = AppGroup("lmia", help="LMIA case files: check them against the rules; list the rules.")


def load_reference() -> Reference:
    """The labour-market reference data: the instance's loaded files, else the packaged copies."""
    from portal.reference import labour_market

    data = getattr(labour_market, "LabourMarketData", None)
    if data is None:
        raise click.ClickException("The labour-market reference data is not installed.")
    if hasattr(data, "current"):
        return data.current(current_app.instance_path)
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


@lmia.command("check")
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
    """Check FILE (an lmia-case/1 JSON document, or - for standard input) against the rules."""
    try:
        raw = _read(file)
    except OSError as error:
        click.echo(f"{file}: cannot read the file ({error.strerror or error})", err=True)
        ctx.exit(EXIT_INVALID)
    try:
        case = parse_case(raw)
    except CaseError as error:
        click.echo(f"{file}: not a valid lmia-case/1 file: {error}", err=True)
        ctx.exit(EXIT_INVALID)
    day = as_of.date() if as_of is not None else date.today()
    verdict = evaluate(case, day, load_reference())
    if output == "json":
        click.echo(json.dumps(verdict.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(_text(verdict))
    ctx.exit(EXIT_ERRORS if verdict.has_errors else EXIT_OK)


@lmia.command("rules")
@click.option(
    "--format",
    "output",
    type=click.Choice(["json", "text"]),
    default="text",
    show_default=True,
)
def list_rules(output: str) -> None:
    """List every rule: ID, severity, title and source."""
    rules = all_rules()
    if output == "json":
        click.echo(
            json.dumps(
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
                    for r in rules
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    width = max(len(r.id) for r in rules)
    for r in rules:
        click.echo(f"{r.id:<{width}}  {r.severity:<7}  {r.title}  {r.citation}")
