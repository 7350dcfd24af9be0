"""The Slack platform: the only code that imports slack_bolt / slack_sdk."""
