"""The synchronisation statistic on hand-made timelines."""

from __future__ import annotations

from foretold.coordination import CoordinationConfig, SyncNetwork

S = 1_000_000


def test_three_shared_actions_within_seconds_make_a_group() -> None:
    #  s     0  4  8        300 303 306       900 902 905
    #  link  a  b  c
    #  rt X                  a   b   c
    #  tags                                   a   b   c
    net = SyncNetwork(CoordinationConfig(), min_group=3)
    for base, key in [(0, "l A"), (300, "r X"), (900, "h x y")]:
        for k, who in enumerate("abc"):
            net.act(key, who, (base + 4 * k) * S)
    assert net.groups() == [["a", "b", "c"]]
    assert net.pairs() == {("a", "b"): 3, ("a", "c"): 3, ("b", "c"): 3}


def test_one_viral_repost_by_everyone_is_no_coordination() -> None:
    #  s     0 1 2 3 ... 199   a thousand accounts repost X within seconds
    net = SyncNetwork(CoordinationConfig())
    for i in range(1000):
        net.act("r X", f"u{i}", (i // 5) * S)
    assert net.pairs() == {}
    assert net.groups() == []


def test_actions_further_apart_than_the_window_are_not_shared() -> None:
    #  s     0     40      400    440     800    840
    #  a,b   A(a)  A(b)    X(a)   X(b)    T(a)   T(b)   40 s > 30 s apart
    net = SyncNetwork(CoordinationConfig())
    for base, key in [(0, "l A"), (400, "r X"), (800, "h x y")]:
        net.act(key, "a", base * S)
        net.act(key, "b", (base + 40) * S)
    assert net.pairs() == {}


def test_busy_accounts_meeting_by_chance_are_not_a_pair() -> None:
    # a and b each act 40 times; they meet on 3 of them: 3 < 0.2 * 40
    net = SyncNetwork(CoordinationConfig())
    for i in range(40):
        net.act(f"l a{i}", "a", i * 100 * S)
        net.act(f"l b{i}", "b", (i * 100 + 50) * S)
    for i in range(3):
        net.act(f"r shared{i}", "a", (5000 + i * 100) * S)
        net.act(f"r shared{i}", "b", (5000 + i * 100 + 2) * S)
    assert net.pairs() == {}


def test_the_same_account_twice_within_seconds_is_one_action() -> None:
    net = SyncNetwork(CoordinationConfig())
    for t in (0, 1, 2):
        net.act("l A", "a", t * S)
    net.act("l A", "b", 3 * S)
    assert net.shared("a", "b") == 1
