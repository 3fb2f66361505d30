from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workcalendar.services import calendar_import, calendar_parse


class Command(BaseCommand):
    help = (
        "Import company holidays and make-up working days (调休) from a file: CSV lines date,name[,holiday|workday] "
        "or an ICS file of all-day events. Upserts by date, so importing a file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .csv or .ics file")
        parser.add_argument("--dry-run", action="store_true", help="parse and report, write nothing")

    def handle(self, *args, path, dry_run=False, **options):
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        if dry_run:
            rows, errors = calendar_parse(text)
            for error in errors:
                self.stderr.write(str(error))
            self.stdout.write(f"{len(rows)} day(s) read, {len(errors)} error(s); nothing written (--dry-run).")
            return
        result = calendar_import(text=text)
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError("nothing imported: fix the file and run again")
        self.stdout.write(
            self.style.SUCCESS(
                f"Calendar imported: {result.created} added, {result.updated} changed, {result.unchanged} unchanged."
            )
        )
