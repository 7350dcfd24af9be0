"""Lark (Feishu): the Reply rendered as message cards."""
