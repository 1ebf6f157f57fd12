"""The synchronisation statistic on hand-made timelines."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

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


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("xyz"), st.sampled_from("abcde"), st.integers(0, 40)),
        max_size=80,
    )
)
def test_pairs_and_actions_are_those_of_the_plain_definition(
    events: list[tuple[str, str, int]],
) -> None:
    """Against the definition, written plainly: an action's takers within the window,
    an account once among them, each new taker paired with up to ``sync_partners`` of
    the latest, a pair counting each action once. Gaps of up to 40 s against a 30 s
    window: lone takers, queues emptied by the window and queues kept all occur."""
    config = CoordinationConfig()
    window = config.sync_seconds * 1_000_000
    net = SyncNetwork(config)
    takers: dict[str, list[tuple[int, str]]] = {}
    pairs: dict[tuple[str, str], tuple[int, str]] = {}
    actions: dict[str, int] = {}
    t = 0
    for key, who, gap in events:
        t += gap * 1_000_000
        net.act(key, who, t)
        live = [(u, a) for u, a in takers.get(key, []) if u >= t - window]
        takers[key] = live
        if any(a == who for _, a in live):
            continue
        actions[who] = actions.get(who, 0) + 1
        for _, other in live[::-1][: config.sync_partners]:
            pk = (who, other) if who < other else (other, who)
            count, last = pairs.get(pk, (0, ""))
            if last != key:
                pairs[pk] = (count + 1, key)
        live.append((t, who))
    assert {pk: (c, k) for pk, (c, k, _) in net.pair_items()} == pairs
    assert {a: n for a, (n, _) in net.actions.items()} == actions
