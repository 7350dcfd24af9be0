"""`make docs-check`: broken links and anchors, and commands the bot does not know, in the docs."""
