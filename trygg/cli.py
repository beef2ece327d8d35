"""The `trygg` console script: Django's management commands under one name.

`trygg import areas FILE` runs the `import_areas` command; likewise for the other
verbs with subcommands (fetch, report). `trygg analyse …` runs the standalone analysis
engine (trygg.analysis.cli) on any CSV of events, without Django.
"""

import os
import sys

VERBS_WITH_SUBCOMMANDS = ("import", "fetch", "report")


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["analyse"]:
        # The analysis engine stands alone: no settings, no database.
        from trygg.analysis.cli import main as analyse

        sys.exit(analyse(args[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")
    if len(args) >= 2 and args[0] in VERBS_WITH_SUBCOMMANDS and not args[1].startswith("-"):
        args = [f"{args[0]}_{args[1].replace('-', '_')}", *args[2:]]
    from django.core.management import execute_from_command_line

    execute_from_command_line(["trygg", *args])


if __name__ == "__main__":
    main()
