"""Signed unsubscribe tokens: who, and which list, without needing a session.

A token is `django.core.signing` output salted for this one purpose, so a token minted for
anything else (a password reset, a session) can never pass as an unsubscribe link, and any
change to the member or the list breaks the signature. Tokens do not expire: an unsubscribe
link in a two-year-old e-mail must still work.

Lists:
  "digest"                 the daily/weekly digest (one e-mail covering all communities)
  "newsletter:<community>" one community's monthly newsletter
  "immediate:<community>"  immediate notification e-mails from one community
  "all"                    every optional e-mail from every community
"""

from dataclasses import dataclass

from django.core import signing

SALT = "newsletters.unsubscribe.v1"


@dataclass(frozen=True)
class ListRef:
    user_id: int
    name: str  # "digest", "newsletter", "immediate" or "all"
    community_id: int | None = None

    @property
    def list_name(self):
        return f"{self.name}:{self.community_id}" if self.community_id else self.name


class BadToken(Exception):
    pass


def make_token(user_id, list_name):
    # A plain Signer (no timestamp, no compression): short links, and cheap enough to mint
    # one per message of a 10,000-member digest run.
    return signing.Signer(salt=SALT).sign_object({"u": user_id, "l": list_name})


def read_token(token) -> ListRef:
    try:
        data = signing.Signer(salt=SALT).unsign_object(token)
        user_id, list_name = int(data["u"]), str(data["l"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise BadToken(str(error)) from error
    name, _, community = list_name.partition(":")
    if name in ("digest", "all") and not community:
        return ListRef(user_id, name)
    if name in ("newsletter", "immediate") and community.isdigit():
        return ListRef(user_id, name, int(community))
    raise BadToken(f"unknown list {list_name!r}")
