"""The command line: thin commands over the library.

Each command lives in a module of this package and is registered on ``main``.
Errors derived from :class:`ForetoldError` print as one line and exit 2.
"""

from __future__ import annotations

import sys

import click

from foretold import __version__
from foretold.cli.alerts import alerts_cmd
from foretold.cli.benchmark import benchmark_cmd
from foretold.cli.export import export_cmd
from foretold.cli.replay import replay_cmd
from foretold.cli.reports import chronicle_cmd, precheck_cmd
from foretold.cli.serve import serve_cmd
from foretold.cli.simulate import simulate_cmd
from foretold.cli.understand import classify_cmd, eval_cmd, train_cmd
from foretold.cli.watch import status_cmd, watch_cmd
from foretold.cli.worker import worker_cmd
from foretold.errors import ForetoldError


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ForetoldError as e:
            click.echo(f"foretold: error: {e}", err=True)
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="foretold")
def main() -> None:
    """foretold - hear the storm before it breaks.

    Follows the public conversation around a brand's campaigns, understands every
    post and warns before a campaign turns into a firestorm.

    \b
    Examples:
      foretold replay tweets.jsonl --store foretold.db --track '#AskJPM'
      foretold export --store foretold.db --format csv --out posts.csv
      foretold simulate askjpm --seed 1 --out askjpm.jsonl
      foretold serve --store foretold.db        # the dashboard on http://127.0.0.1:8350
    """


main.add_command(replay_cmd)
main.add_command(export_cmd)
main.add_command(simulate_cmd)
main.add_command(benchmark_cmd)
main.add_command(classify_cmd)
main.add_command(train_cmd)
main.add_command(eval_cmd)
main.add_command(chronicle_cmd)
main.add_command(precheck_cmd)
main.add_command(watch_cmd)
main.add_command(status_cmd)
main.add_command(serve_cmd)
main.add_command(alerts_cmd)
main.add_command(worker_cmd)
