# Kept only because migration 0005_personal imports `forums.models_personal.image_path` for
# PostImage.file's upload_to, and migrations must not change. New code imports forums.models.
from forums.models.personal import image_path  # noqa: F401
