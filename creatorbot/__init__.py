"""creatorbot: the chat bot for TikTok Shop creator-operations teams."""

__version__ = "0.1.0"
