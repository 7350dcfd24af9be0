"""Fault-injection suite: the real bot against the fakes on 127.0.0.1, with faults injected.

Fault → where it is injected → what must hold:

- The database down during a command, a write, a scheduled post and a form submit
  (`test_database_down.py`; PostgreSQL behind the loopback proxy in `proxy.py`): the user is told
  in their language that the database can't be reached, nothing is half-written, and the same bot
  answers correctly once it is back; connections cut under the pool are replaced; a database that
  accepts but never answers is given up on within the connect timeout; one that stops answering
  on an established connection mid-command (the proxy frozen) is given up on within the
  statement timeout and its grace, and the user told; a statement running too long is cancelled
  by the server; a form whose commit went through but whose answer was lost is kept once when
  sent again.
- The database down under the command line (`test_database_down_cli.py`): a plain line, and an
  import cut off part-way writes nothing.
- Slack and Lark 429 and 5xx bursts on posts, chart uploads, response URLs and replies, within
  and beyond the clients' retry budget (`test_platform_faults.py`): one post or answer each,
  none lost, charts never dropped from a scheduled post.
- Rate limits held exactly to what docs/operations.md promises (`test_rate_limits.py`, SQLite
  and PostgreSQL): a Slack Web API call retried 6 times after 429s, a response_url answer 3
  times, a Lark call 6 times after 429 or code 99991400 (also in its older HTTP 400 form), each
  waiting the platform's header (Lark's at most 30 s); one more and the post fails, the ledger
  tries it again after 1, 2, 4 … 60 minutes, 8 attempts, `digest list` says when and then "gave
  up"; an answer refused past its retries is an apology (@mention, Lark) or, on a response_url,
  logged.
- Slack's users.info and conversations.info failing, rate-limited or slow
  (`test_slack_lookups.py`): the command is answered in English, a channel not described gets
  no subscription, a slow profile never delays the ack, a failed look-up is asked again 30 s on.
- The connection lost after Slack or Lark stored a post (`test_platform_faults.py`, the fakes'
  `reset_after`): no duplicate, the ledger records the post. The same for answers: an @mention's
  or a DM's, a shared answer, a Lark reply (one message, found by its metadata key or kept once
  by its `uuid`), and an answer on a response_url (not sent again).
- SIGKILL in the middle of a job, after each of its posts (`tests/jobs/test_crash.py`): after a
  restart every channel has exactly one post.
- The disk full during an import, at every phase of the write (`test_disk_full.py`; SQLite's
  `max_page_count`, and PostgreSQL's and the OS's disk-full errors): a plain answer, the database
  exactly as before, and the same import complete once there is room.
"""
