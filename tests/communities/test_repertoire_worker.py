import time

import pytest

from communities.models import DocumentVersion
from tests.communities.repertoire_utils import media_root, pdf_file, upload  # noqa: F401

pytestmark = pytest.mark.worker


@pytest.fixture
def shared_media(media_root, monkeypatch):  # noqa: F811 - the fixture imported above
    """The worker is another process: it must find uploads in the same folder."""
    monkeypatch.setenv("MEDIA_ROOT", str(media_root))
    return media_root


def test_a_real_worker_extracts_the_text_of_an_uploaded_pdf(shared_media, celery_worker, member, community):
    upload(member, community, file=pdf_file(lines=["Benefits dependency network"]))
    version = DocumentVersion.objects.get()

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not DocumentVersion.objects.get(pk=version.pk).text:
        time.sleep(0.2)
    assert "Benefits dependency network" in DocumentVersion.objects.get(pk=version.pk).text
