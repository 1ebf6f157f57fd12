"""The command line: thin commands over the library.

Each command lives in a module of this package and is registered on ``main``.
Errors derived from :class:`ForetoldError` print as one line and exit 2; Ctrl-C and
SIGTERM print one line and exit 130 and 143 (see :mod:`foretold.cli.stop`).

Exit codes: 0 done; 1 a run read nothing (or quarantined every line), with a warning;
2 an error (``foretold: error: ...``); 130 / 143 stopped by SIGINT / SIGTERM.
"""

from __future__ import annotations

import signal
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
from foretold.cli.stop import Stopped, exit_code, signals_raise
from foretold.cli.understand import classify_cmd, eval_cmd, train_cmd
from foretold.cli.watch import status_cmd, watch_cmd
from foretold.cli.worker import worker_cmd
from foretold.errors import ForetoldError


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            with signals_raise():
                return super().invoke(ctx)
        except ForetoldError as e:
            click.echo(f"foretold: error: {e}", err=True)
            sys.exit(2)
        except click.BadParameter as e:  # an option's value: one line, like every error
            name = ctx.invoked_subcommand or ctx.info_name
            click.echo(f"foretold: error: {e.format_message()} (see: foretold {name} --help)",
                       err=True)  # fmt: skip
            sys.exit(2)
        except OSError as e:  # a path a command reads or writes: name it, no traceback
            if e.filename is None:
                raise
            why = "a folder on the path is a file" if isinstance(
                e, (FileExistsError, NotADirectoryError)) else (e.strerror or str(e)).lower()  # fmt: skip
            click.echo(f"foretold: error: {e.filename}: {why}", err=True)
            sys.exit(2)
        except KeyboardInterrupt as e:  # Ctrl-C, or SIGTERM (Stopped)
            signum = e.signum if isinstance(e, Stopped) else signal.SIGINT
            click.echo(f"foretold: stopped by {signal.Signals(signum).name}", err=True)
            sys.exit(exit_code(signum))


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
