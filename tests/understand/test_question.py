"""The question flag: rhetorical and accusatory questions, not only a trailing "?"."""

from __future__ import annotations

import pytest

from foretold.understand.question import is_question

QUESTIONS = [
    "How can you charge overdraft fees and call it service",
    "Why do banks always get bailed out and we never do",
    "Who thought this hashtag was a good idea",
    "Do you ever listen to your customers",
    "@user is it just me or is the app down again",
    "Great customer service, isn't it.",
    "How dare you ask us for questions after 2008",
    "Seriously what is wrong with you people",
    "I wonder why nobody trusts bankers",
    "Did they really think this would go well",
    "What are you going to do with the bonus money, buy another yacht",
    "#AskJPM can I have my house back?",
    "anyone else think this is a terrible idea",
    "So what's the plan when it all crashes again",
    "Wouldn't it be nice if they paid taxes",
]

NOT_QUESTIONS = [
    "Thanks for the help today!",
    "Can't wait for the weekend",
    "Is 5 the new 10. Absolutely",  # no subject after the auxiliary
    "I know what you did",
    "When I was young we had no phones",
    "Love this song so much",
    "Do it now",
    "Great game tonight #win",
    "Check https://example.com/?q=1",
    "",
]


@pytest.mark.parametrize("text", QUESTIONS)
def test_flags_rhetorical_and_accusatory_questions(text: str) -> None:
    assert is_question(text)


@pytest.mark.parametrize("text", NOT_QUESTIONS)
def test_does_not_flag_statements(text: str) -> None:
    assert not is_question(text)


def test_recall_on_isarcasmeval_rhetorical_questions(data_root) -> None:  # type: ignore[no-untyped-def]
    from foretold.understand.data import load_isarcasmeval

    rows = [r["tweet"] for r in load_isarcasmeval(data_root) if r["rhetorical_question"] == "1"]
    recall = sum(map(is_question, rows)) / len(rows)
    assert len(rows) == 101
    assert recall >= 0.93  # measured 0.95 (96/101); documented in the module docstring
