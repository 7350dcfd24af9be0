"""Files seen in a chat and commands waiting for their file: only the same person's, in the same
chat, within 10 minutes; a waiting command is taken once; neither is a file to import."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage import chat_lists, staged

NOW = dt.datetime(2026, 11, 24, 1, 30, tzinfo=dt.UTC)


def seen(session: Session, name: str, *, user: str = "ou_a", chat: str = "oc_1", at=NOW) -> None:
    chat_lists.seen(
        platform="lark",
        workspace="t1",
        user=user,
        chat=chat,
        name=name,
        ref={"message_id": f"om_{name}"},
        now=at,
        session=session,
    )


def recent(session: Session, *, user: str = "ou_a", chat: str = "oc_1", at=NOW) -> list[str]:
    found = chat_lists.recent(platform="lark", user=user, chat=chat, now=at, session=session)
    return [f.name for f in found]


def test_the_files_of_one_person_in_one_chat_within_10_minutes_latest_first(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        seen(session, "old.csv", at=NOW - dt.timedelta(minutes=10))
        seen(session, "a.csv", at=NOW - dt.timedelta(minutes=9, seconds=59))
        seen(session, "b.csv")
        seen(session, "theirs.csv", user="ou_b")
        seen(session, "elsewhere.csv", chat="oc_2")
    with sessions.begin() as session:
        assert recent(session) == ["b.csv", "a.csv"]
        assert recent(session, user="ou_b") == ["theirs.csv"]
        assert recent(session, chat="oc_2") == ["elsewhere.csv"]
        assert recent(session, chat="oc_3") == []
        found = chat_lists.recent(
            platform="lark", user="ou_a", chat="oc_1", now=NOW, session=session
        )
        assert found[0].ref == {"message_id": "om_b.csv"}


def wait(session: Session, text: str, *, user: str = "ou_a", chat: str = "oc_1", at=NOW) -> None:
    chat_lists.wait(
        platform="lark", workspace="t1", user=user, chat=chat, text=text, now=at, session=session
    )


def take(session: Session, *, user: str = "ou_a", chat: str = "oc_1", at=NOW) -> str | None:
    return chat_lists.take_wait(platform="lark", user=user, chat=chat, now=at, session=session)


def test_a_waiting_command_is_taken_once_by_its_own_file_in_its_chat(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        wait(session, "campaign enroll a")
        wait(session, "campaign enroll b")  # the later command replaces the earlier
        wait(session, "campaign enroll c", chat="oc_2")
    with sessions.begin() as session:
        assert take(session, user="ou_b") is None
        assert take(session, chat="oc_3") is None
        assert take(session) == "campaign enroll b"
    with sessions.begin() as session:
        assert take(session) is None  # taken: the next file is a file like any other
        assert take(session, chat="oc_2") == "campaign enroll c"


def test_a_command_waits_10_minutes(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        wait(session, "campaign enroll a")
        wait(session, "campaign enroll b", chat="oc_2")
    with sessions.begin() as session:
        assert take(session, at=NOW + dt.timedelta(minutes=10)) is None
        assert take(session, chat="oc_2", at=NOW + dt.timedelta(minutes=9, seconds=59)) == (
            "campaign enroll b"
        )


def test_neither_is_a_file_to_import_nor_counts_as_one(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        for n in range(3):
            seen(session, f"{n}.csv")
        wait(session, "campaign enroll a")
        tokens = [
            staged.stage(
                platform="lark",
                workspace="t1",
                user="ou_a",
                filename=f"creators{n}.csv",
                kind="creators",
                content=b"handle\namir\n",
                now=NOW,
                session=session,
            )
            for n in range(staged.PER_USER)
        ]
    with sessions.begin() as session:  # the files to import did not push them out
        assert recent(session) == ["2.csv", "1.csv", "0.csv"]
        assert take(session) == "campaign enroll a"
        for token in tokens:
            claimed = staged.claim(token, platform="lark", user="ou_a", now=NOW, session=session)
            assert claimed is not None and claimed.content == b"handle\namir\n"


def test_a_person_keeps_their_latest_files_only(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        for n in range(chat_lists.SEEN_PER_USER + 2):
            seen(session, f"{n:02}.csv")
    with sessions.begin() as session:
        names = recent(session)
    assert names == [f"{n:02}.csv" for n in range(chat_lists.SEEN_PER_USER + 1, 1, -1)]
