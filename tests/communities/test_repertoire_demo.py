import pytest
from django.core.management import call_command

from communities.models import Article, Document, DocumentVersion, Job, Link, Meeting, Theme
from tests.communities.repertoire_utils import media_root  # noqa: F401

pytestmark = pytest.mark.django_db


def test_demo_repertoire_is_complete_and_seeding_twice_changes_nothing(on_commit):
    with on_commit:
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = [m.objects.count() for m in (Document, DocumentVersion, Link, Job, Article, Theme, Meeting)]
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert [
        m.objects.count() for m in (Document, DocumentVersion, Link, Job, Article, Theme, Meeting)
    ] == counts
    toolkit = Document.objects.get(title="Benefits realisation toolkit")
    assert toolkit.version_count == 2
    assert "dis-benefits" in toolkit.current_version.text
    statuses = {t.status for t in Theme.objects.all()}
    assert {"current", "past"} <= statuses
    assert Meeting.objects.exclude(notes="").exists()
    assert Job.objects.open().exists()
    assert Article.objects.current().exists()
