"""One error base for refused actions, and the one way a view shows it.

Services refuse with a small error class of their app (`ForumError`, `CommunityError`,
`HotSeatError`, ...), each a subclass of `Refused`, whose message is written for the member
("This thread is locked: no new replies can be added."). A view catches the app's class (or
`Refused`) and calls `show_refusal(request, error, form=form)`: on a form the message goes
above or under the field and what the member typed is kept; without one it is a flash message. Views never pass `str(error)` to a form or a message
themselves (tests/platform/test_refusals.py); a JSON answer to a script, or a page that is about
the refusal itself (an expired hot seat invitation), may carry the text.
"""

from django.contrib import messages


class Refused(Exception):
    """A service refused an action; str(error) is a message for the person who asked."""


def show_refusal(request, error, *, form=None, field=None, level=messages.ERROR):
    """Show a refusal where the member will read it: on the form (keeping their input), else
    as a message on the next page (`level=messages.INFO` when nothing went wrong, such as a
    second flag on the same post)."""
    if form is not None:
        form.add_error(field, str(error))
    else:
        messages.add_message(request, level, str(error))
