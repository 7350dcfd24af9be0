"""`python -m creatorbot`: the same as the `creatorbot` command."""

import sys

from creatorbot.bot.cli import main

sys.exit(main())
