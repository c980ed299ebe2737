"""The registry of e-mail kinds: what the engine needs to know about each kind of message.

Every Delivery row has a kind. Apps register theirs (from a module the newsletters app
imports, or their own AppConfig.ready for kinds built by newsletters):

    sending.register(Kind("survey.invitation", build=build_invitation, check=still_invited))

- `build(row) -> EmailMessage`: renders one message for one ledger row (row.recipient is
  loaded; row.key names the object, e.g. "survey:12"). Batch callers may pass their own
  builder instead (digests compose a whole batch first).
- `check(rows) -> {row.pk: reason}`: the kind's own eligibility rule, asked for a whole batch
  just before sending (constant queries): membership still active, list still on, content
  still visible. Rows it names are marked skipped with that reason.
- `optional`: counts towards the member's daily cap on optional e-mail (digests and
  immediate notifications); `folds`: over the cap the row is skipped ("daily cap") and what
  it said reaches the member in the next digest instead.
- `claim_chunk`: claim (and re-check, and mark sent) this many rows at a time, just before
  they go out; 0 = the whole batch at once (a constant number of queries per batch). A worker
  that crashes leaves at most one chunk "sending" (unknown, never resent); 1 would make every
  message two commits, which is what limits throughput on a slow disk.

An unregistered kind is treated as transactional mail (not optional, no extra check): the
common rules (active account, address not suppressed) still apply.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str
    build: Callable | None = None
    check: Callable | None = None
    optional: bool = False
    folds: bool = False
    claim_chunk: int = 0
    description: str = ""


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    _kinds[kind.name] = kind
    return kind


def get(name: str) -> Kind:
    return _kinds.get(name) or Kind(name)


def registered() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda kind: kind.name)


def optional_names() -> list[str]:
    return [kind.name for kind in _kinds.values() if kind.optional]
