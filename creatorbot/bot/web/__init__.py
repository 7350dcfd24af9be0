"""The public web pages: the creators' feedback form by signed link."""
