class ForumError(Exception):
    """A change was refused; str(error) is a message for the person who asked."""
