"""Send a newsletter issue now: `manage.py send_newsletter <issue id>`.

Goes through the same path as the "Send now" button (draft or scheduled -> sending, then the
fan-out); an issue already sent is refused, and each member gets it at most once. With
--resume, re-enqueue the rows of an issue whose sending stopped (a lost worker).
"""

from django.core.management.base import BaseCommand, CommandError

from newsletters import issues
from newsletters.models import Issue


class Command(BaseCommand):
    help = "Send a newsletter issue now (or resume one whose sending stopped)."

    def add_arguments(self, parser):
        parser.add_argument("issue_id", type=int)
        parser.add_argument("--resume", action="store_true", help="re-enqueue rows still waiting")

    def handle(self, *args, issue_id, resume, **options):
        issue = Issue.objects.select_related("community").filter(pk=issue_id).first()
        if issue is None:
            raise CommandError(f"No newsletter issue {issue_id}.")
        try:
            if resume:
                issues.resume(issue)
            else:
                issues.send_now(issue)
        except issues.IssueError as error:
            raise CommandError(str(error)) from error
        issue.refresh_from_db()
        stats = issues.stats(issue)
        self.stdout.write(
            self.style.SUCCESS(
                f"“{issue.subject}” ({issue.community.name}): {issue.get_status_display().lower()}; "
                f"sent {stats.sent}, waiting {stats.remaining}, failed {stats.failed}, unknown {stats.unknown}."
            )
        )
