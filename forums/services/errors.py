from cop_platform.refusals import Refused


class ForumError(Refused):
    """A change was refused; str(error) is a message for the person who asked."""
