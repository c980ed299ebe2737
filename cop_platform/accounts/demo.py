"""Demo profile photos for `manage.py seed_demo`: a few members chose a picture (drawn here, a
landscape in their own colours), the others keep their initials. They go through the same
check and re-encoding as an upload. Safe to run twice."""

import io

from .avatars import check_avatar_upload, set_avatar

# person -> (sky top, sky bottom, sun, far hill, near hill)
PHOTOS = {
    "maya": ("#f6b38f", "#fde6c8", "#fff4d6", "#7a8f6a", "#4d6b4a"),
    "chloe": ("#6fa8dc", "#cfe2f3", "#fff2b3", "#5b7f95", "#2f4f5f"),
    "david": ("#8e7cc3", "#f4cccc", "#ffe599", "#6d5b8c", "#3d3258"),
    "tom": ("#93c47d", "#d9ead3", "#ffffff", "#6aa84f", "#38761d"),
}


def _landscape(colours, side=320):
    from PIL import Image, ImageDraw

    top, bottom, sun, far, near = (tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in colours)
    image = Image.new("RGB", (side, side))
    draw = ImageDraw.Draw(image)
    for y in range(side):
        mix = y / side
        draw.line(
            [(0, y), (side, y)],
            fill=tuple(round(a + (b - a) * mix) for a, b in zip(top, bottom, strict=True)),
        )
    draw.ellipse([side * 0.55, side * 0.18, side * 0.8, side * 0.43], fill=sun)
    draw.ellipse([-side * 0.3, side * 0.55, side * 0.9, side * 1.4], fill=far)
    draw.ellipse([side * 0.2, side * 0.68, side * 1.4, side * 1.6], fill=near)
    out = io.BytesIO()
    image.save(out, "PNG")
    out.seek(0)
    out.name = "photo.png"
    out.size = len(out.getvalue())
    return out


def seed(world):
    for local, colours in PHOTOS.items():
        person = world.get("people", {}).get(local)
        if person is not None and not person.avatar:
            set_avatar(person, check_avatar_upload(_landscape(colours)))
    return world
