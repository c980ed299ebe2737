"""One layout for every app (docs/architecture.md, "Layout"): the same file names everywhere, a
package by aggregate instead of `views_<thing>.py` siblings, and task names that survive moves."""

import re
from pathlib import Path

from django.conf import settings

from cop_platform.celery import app as celery_app
from newsletters import sources

from .test_house_rules import APPS

ROOT = Path(settings.BASE_DIR)

# Kept on purpose, each for its reason.
ALLOWED_SIBLINGS = {
    # Migration 0005_personal imports `forums.models_personal.image_path`; migrations never change.
    "forums/models_personal.py",
    # A second URLconf with its own namespace ("messaging"), mounted at /messages/.
    "communities/urls_messaging.py",
    # The project's AdminSite class (MFA for staff), not a split of an admin.py.
    "cop_platform/admin_site.py",
}


def test_apps_grow_packages_by_aggregate_not_suffixed_siblings():
    pattern = re.compile(r"^(views|services|forms|models|urls|receivers|admin|tasks)_\w+\.py$")
    found = sorted(
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if pattern.match(path.name) and "migrations" not in path.parts
    )
    assert [name for name in found if name not in ALLOWED_SIBLINGS] == []


def test_every_task_the_beat_schedule_names_is_registered():
    celery_app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled - set(celery_app.tasks) == set()


def test_tasks_keep_their_registered_names_when_their_module_moves():
    # Queued messages and beat entries name tasks; these modules moved into newsletters/sources/.
    celery_app.loader.import_default_modules()
    from newsletters.sources.communities import reminders
    from newsletters.sources.forums import surveys
    from newsletters.sources.hotseats import emails

    assert reminders.send_event_reminders.name == "newsletters.calendar_reminders.send_event_reminders"
    assert surveys.invite_to_survey.name == "newsletters.survey_emails.invite_to_survey"
    assert emails.announce_hotseat.name == "newsletters.hotseat_emails.announce_hotseat"
    assert {name for name in celery_app.tasks if name.startswith("newsletters.sources.")} == set(), (
        "a task under newsletters/sources/ needs an explicit, stable name="
    )


def test_every_source_module_in_newsletters_is_connected():
    on_disk = {
        (path.parent.name, path.stem)
        for path in (ROOT / "newsletters" / "sources").glob("*/*.py")
        if path.stem != "__init__"
    }
    listed = {(app, module) for app, modules in sources.MODULES.items() for module in modules}
    assert on_disk == listed
