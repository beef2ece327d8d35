from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from trygg.areas.management.importing import RawStream
from trygg.audit.retention import RULES, apply, due

BIG = 1000  # rows from which a rule shows a progress bar


class Command(BaseCommand):
    help = (
        "Carry out the retention rules (settings.TRYGG_RETENTION): anonymise or delete what is "
        "older than its rule allows. Each rule runs in its own transaction with an audit row."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="only count what each rule would do"
        )
        parser.add_argument(
            "--rule",
            action="append",
            choices=[rule.name for rule in RULES],
            help="run only this rule (repeatable); default: every rule",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rules = [r for r in RULES if not options["rule"] or r.name in options["rule"]]
        if not rules:
            raise CommandError("No rule to run.")
        now = timezone.now()
        dry = options["dry_run"]
        total = 0
        for outcome in due(now, rules):
            rule, count = outcome.rule, outcome.count
            if outcome.cutoff is None:
                self.stdout.write(f"{rule.name}: kept (no retention set)")
                continue
            if not dry and count:
                bar = tqdm(
                    total=count,
                    unit=" rows",
                    desc=rule.name,
                    file=RawStream(self.stderr),
                    leave=False,
                    disable=count < BIG,
                )
                try:
                    count = apply(rule, now, bar.update).count
                finally:
                    bar.close()
            if dry:
                line = f"{rule.name} ({rule.retention()}): {count} due, to be {rule.what}"
            else:
                line = f"{rule.name} ({rule.retention()}): {count} {rule.what}"
            self.stdout.write(line)
            total += count
        self.stdout.write(
            f"{'Would change' if dry else 'Changed'} {total} rows in all"
            + (": nothing written (dry run)." if dry else ".")
        )
