from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from trygg.api.demo import load_api_demo
from trygg.areas.management.importing import RawStream
from trygg.citizens.demo import load_citizens_demo
from trygg.cycle.demo import load_cycle_demo
from trygg.demo import loader
from trygg.demo.scenario import PASSWORD, SCENARIOS
from trygg.lagesbild.demo import load_lagesbild_demo, load_synthetic_crimes
from trygg.police.demo import ACCOUNTS as FALUN_ACCOUNTS
from trygg.police.demo import ORGANISATIONS as FALUN_ORGANISATIONS
from trygg.police.demo import load_falun, load_police_extras
from trygg.surveys.demo import load_survey_demo
from trygg.tenants.models import Municipality
from trygg.walks.demo import load_walks_demo


class Command(BaseCommand):
    help = (
        "Load the demo: Sala and Kungsör with real DeSO areas and places, a user per role "
        "and two years of synthetic reports. Running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="remove the demo's data and users, then reload"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"]:
            loader.reset()
            self.stdout.write("Removed the demo data and demo users.")
        if loader.is_loaded():
            self.stdout.write("The demo is already loaded; nothing changed (--reset starts over).")
        else:
            try:
                self.load()
            except loader.DemoConflict as e:
                raise CommandError(f"{e} `trygg demo --reset` replaces it with the demo.") from None
            self.stdout.write(self.style.SUCCESS("The demo is loaded."))
        self.load_extras()
        self.print_accounts()

    def load_extras(self) -> None:
        """Idempotent additions: Sala's EST cycle, Falun with real police data, and the real
        police notices and Brå figures of Sala and Kungsör."""
        with transaction.atomic():
            sala = Municipality.objects.get(code="1981")
            if load_cycle_demo(sala):
                self.stdout.write("Sala: meetings, decisions, actions and a follow-up.")
            if load_api_demo(sala):
                self.stdout.write("Sala: an Open311 partner key and an API token.")
            if load_walks_demo(sala):
                self.stdout.write("Sala: safety walks with findings and agreed actions.")
            if load_survey_demo(sala):
                self.stdout.write("Sala: safety survey rounds 2024, 2025 and one open now.")
            if load_citizens_demo(sala):
                self.stdout.write("Sala: citizen promises and the public page.")
        with transaction.atomic():
            load_falun(self.stdout)
        with transaction.atomic():
            load_police_extras(self.stdout)
        sala = Municipality.objects.get(code="1981")
        with transaction.atomic():
            load_synthetic_crimes(sala, self.stdout)
        if load_lagesbild_demo(sala):
            self.stdout.write("Sala: priority problems, action plan and lägesbild.")

    @transaction.atomic
    def load(self) -> None:
        steps = loader.steps(timezone.localtime())
        with tqdm(steps, desc="demo", unit="step", file=RawStream(self.stderr)) as bar:
            for label, step in bar:
                bar.set_description(label)
                step()

    def print_accounts(self) -> None:
        self.stdout.write(f"\n{'user':<20} {'role':<12} {'organisation':<32} municipality")
        for s in SCENARIOS:
            names = {o.key: o.name for o in s.organisations}
            for a in s.accounts:
                org = names[a.organisation]
                self.stdout.write(f"{a.username:<20} {a.role:<12} {org:<32} {s.name} ({s.code})")
        for username, role, org in FALUN_ACCOUNTS:
            name = FALUN_ORGANISATIONS[org][0]
            self.stdout.write(f"{username:<20} {role:<12} {name:<32} Falun (2080)")
        self.stdout.write(f"\nPassword for every demo user: {PASSWORD}")
