"""How typed tags are split: on commas only, so "benefits realisation" stays one tag.

django-taggit's default splits on spaces when there is no comma, which turned a two-word tag
into two tags. Wired up by TAGGIT_TAGS_FROM_STRING / TAGGIT_STRING_FROM_TAGS in settings.
"""


def comma_splitter(text):
    seen, tags = set(), []
    for part in (text or "").split(","):
        name = " ".join(part.strip().strip('"').split())
        if name and name.lower() not in seen:
            seen.add(name.lower())
            tags.append(name)
    return tags


def comma_joiner(tags):
    return ", ".join(tag.name for tag in tags)
