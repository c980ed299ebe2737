import io

import pytest
from django.core.management import call_command

from forums.models import Flag, Poll, Thread

pytestmark = pytest.mark.django_db


def test_demo_discussions_are_realistic_and_seeding_twice_changes_nothing():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Thread.objects.count(), Flag.objects.count(), Poll.objects.count())
    assert counts[0] >= 8 and counts[1] >= 2 and counts[2] == 1
    assert Thread.objects.filter(accepted_post__isnull=False).count() >= 3
    assert Thread.objects.filter(community__visibility="closed").exists()
    call_command("seed_demo", stdout=io.StringIO())
    assert (Thread.objects.count(), Flag.objects.count(), Poll.objects.count()) == counts
