"""Running ``isage`` in the test's process with JSON events, as programs and the plugin read them."""

import json

from isage_core.cli.main import main


def cli(capsys, *argv) -> tuple[int, list[dict]]:
    """Exit status and the JSON events of ``isage --json ARGV``."""
    status = main(["--json", *map(str, argv)])
    return status, [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


def refused(capsys, *argv) -> str:
    """Run a command that must be refused: exit 2 and a one-line error; return the message."""
    status, events = cli(capsys, *argv)
    assert status == 2 and events[-1]["event"] == "error", events[-1]
    message = events[-1]["message"]
    assert "\n" not in message and "unexpected" not in message
    return message
