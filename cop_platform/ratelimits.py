"""The one way to rate-limit an action (docs/architecture.md, "Rate limits").

Counters are django-ratelimit's, kept in the cache (Redis in production, shared by every
process). Each limit has a **named group** ("forums.reply"), never one derived from the view's
module path, so moving a view keeps its counter and a reply by e-mail can spend from the same
budget as the web form (`over_limit_for(user, "forums.reply", "30/h")`).

- A view: `@limit("forums.reply", "30/h")` counts POSTs by the signed-in user (`key="user_or_ip"`
  or `key="ip"` for pages open to visitors). Over the limit it answers the 429 page
  (`cop_platform.views.rate_limited`, through django-ratelimit's middleware), unless
  `block=False`: then the view runs with `request.limited` set and says so itself, on the form
  with `refuse_if_limited(request, form)` (keeping what was typed) or as a 429 for a script.
- Not a request (a reply by e-mail): `over_limit_for(user, group, rate)`.
- Counting attempts of any method (invalid unsubscribe links, GET or POST): `over_limit(request,
  group, rate, key="ip")`.

What is not a rate limit: allowances for new accounts (threads on the first day, links, new
conversations per day) count the member's own rows in the database and are refused by the
app's service with its `Refused` error, because they are rules about content that must hold
whatever happens to the cache.

Tests turn limits off (`RATELIMIT_ENABLE`); the `rate_limits_on` fixture turns them on.
"""

from types import SimpleNamespace

from django.core.exceptions import ImproperlyConfigured
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit

# Only writes are limited. django-ratelimit puts the method in the counter's cache key, so
# everything that spends from a group's budget must count with this same method.
METHOD = "POST"

SLOW_DOWN = "You have done this many times in a short while. Please wait a little and try again."

_rates: dict[str, str] = {}


def limit(group, rate, *, key="user", block=True):
    """Decorate a view: at most `rate` POSTs per `key` in `group` (see the module docstring)."""
    if _rates.setdefault(group, rate) != rate:
        raise ImproperlyConfigured(f"Rate-limit group {group!r} is declared with two rates.")
    return ratelimit(group=group, key=key, rate=rate, method=METHOD, block=block)


def declared():
    """{group: rate} of every limit declared by an imported view module."""
    return dict(_rates)


def refuse_if_limited(request, form, message=SLOW_DOWN):
    """For a form behind `limit(..., block=False)`: over the limit, say so on the form and keep
    what was typed. Returns True when the action may go ahead."""
    if getattr(request, "limited", False):
        form.is_valid()  # bind the data so the page shows it again
        form.add_error(None, message)
        return False
    return True


def over_limit(request, group, rate, *, key="ip"):
    """Count one attempt of any method in `group` and say whether it is over `rate`."""
    return is_ratelimited(request, group=group, key=key, rate=rate, method=ALL, increment=True)


def over_limit_for(user, group, rate):
    """Count one action by `user` outside a request (a reply by e-mail) against the same counter
    as the view decorated with `limit(group, rate)`, and say whether it is over."""
    request = SimpleNamespace(user=user, method=METHOD, META={})
    return is_ratelimited(request, group=group, key="user", rate=rate, method=METHOD, increment=True)
