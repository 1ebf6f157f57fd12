"""Pre-launch chatter: the week before a campaign, for ``foretold precheck``.

``askjpm_prelaunch`` is JP Morgan in the week before #AskJPM (Oct 30 - Nov 6, 2013): the
usual chatter about the bank, plus live grievances (fines, foreclosures, bailouts,
bonuses) in real negative, hostile and ironic tweets from the train splits, with the
grievance woven in as a hashtag the way the simulator weaves a campaign's hashtag,
and a flare-up around the $13bn settlement news. ``benign_qa_prelaunch`` is the city
library the week before its warm Q&A: everyday, friendly chatter.

>>> sc = askjpm_prelaunch()
>>> sorted({t for w in sc.waves for t in w.hashtags})[:3]
['#13billion', '#Bailout', '#Bonuses']
"""

from __future__ import annotations

from collections.abc import Callable

from foretold.simulate.scenario import (
    HOSTILE,
    ORGANIC,
    Campaign,
    Mix,
    Scenario,
    Scripted,
    Wave,
    hours,
    utc,
)

#: Grievance chatter: negative and hostile remarks and ironic jabs.
GRIEVANCE = Mix(hostile=0.3, ironic=0.25, negative=0.35, neutral=0.1)
_FRIENDLY = Mix(questions=0.3, positive=0.4, neutral=0.28, negative=0.02)

#: The JP Morgan grievances of autumn 2013 and the hashtags that carry them.
JPM_GRIEVANCES: dict[str, tuple[str, ...]] = {
    "fines": ("#Fines", "#JPMfines", "#13billion"),
    "foreclosures": ("#Foreclosures", "#foreclosure", "#homeless"),
    "bailouts": ("#Bailout", "#bailouts", "#TooBigToFail"),
    "bonuses": ("#Bonuses", "#bankerbonuses"),
}


def _grievance(name: str, tags: tuple[str, ...], posts: int, end: float) -> Wave:
    return Wave(
        f"grievance: {name}",
        0.0,
        0.0,
        end,
        posts,
        GRIEVANCE,
        attack=True,
        pool="crowd",
        branching=0.45,
        hashtag_share=1.0,
        handle_share=0.6,
        keyword_share=0.5,
        hashtags=tags,
        question_share=0.3,
    )


def askjpm_prelaunch() -> Scenario:
    """JP Morgan the week before #AskJPM: live grievances and a recent flare-up."""
    start = utc("2013-10-30T15:00")

    def h(when: str) -> float:
        return hours(start, when)

    end = h("2013-11-06T15:00")
    campaign = Campaign(
        name="jpmorgan",
        hashtags=("#JPMorgan",),
        handles=("@jpmorgan",),
        keywords=("JP Morgan", "JPMorgan"),
        owner="@jpmorgan",
        owner_name="J.P. Morgan",
        owner_followers=170_000,
        launched_at=start,
    )
    waves = [
        Wave(
            "bank chatter",
            0.0,
            0.0,
            end,
            700,
            ORGANIC,
            branching=0.35,
            hashtag_share=0.3,
            handle_share=0.6,
            keyword_share=0.5,
        ),
        _grievance("fines", JPM_GRIEVANCES["fines"], 260, end),
        _grievance("foreclosures", JPM_GRIEVANCES["foreclosures"], 200, end),
        _grievance("bailouts", JPM_GRIEVANCES["bailouts"], 140, end),
        _grievance("bonuses", JPM_GRIEVANCES["bonuses"], 120, end),
        Wave(
            "settlement flare-up",
            h("2013-11-01T14:00"),
            h("2013-11-01T20:00"),
            h("2013-11-03T12:00"),
            500,
            HOSTILE,
            attack=True,
            pool="crowd",
            doubling_min=40.0,
            half_life_h=4.0,
            branching=0.6,
            hashtag_share=1.0,
            handle_share=0.5,
            keyword_share=0.6,
            hashtags=JPM_GRIEVANCES["fines"],
        ),
    ]
    scripted = (
        Scripted(
            h("2013-11-01T19:00"),
            "At what number of Billions of Dollars in fines will it no longer be profitable "
            "to run your criminal enterprise? @jpmorgan",
            attack=True,
            boost=10.0,
        ),
        Scripted(
            h("2013-11-02T15:00"),
            "Every time another person loses their home to an illegal foreclosure, "
            "does a bell ring at JPMorgan?",
            attack=True,
            boost=6.0,
        ),
        Scripted(
            h("2013-11-04T16:00"),
            "JPMorgan took the bailout, paid the bonuses and left us the bill. #TooBigToFail",
            attack=True,
            boost=5.0,
        ),
    )
    return Scenario(
        name="askjpm_prelaunch",
        title="JP Morgan the week before #AskJPM: fines, foreclosures, bailouts, bonuses",
        kind="backlash",
        expected_level="warning",
        campaign=campaign,
        start=start,
        hours=end,
        waves=tuple(waves),
        scripted=scripted,
        reference="seed/askjpm-chronicle.txt",
        utc_offset_h=-5.0,
    )


def benign_qa_prelaunch() -> Scenario:
    """The city library the week before its Q&A: friendly, everyday chatter."""
    start = utc("2021-02-23T14:00")
    end = hours(start, "2021-03-02T14:00")
    campaign = Campaign(
        name="citylibrary",
        hashtags=("#CityLibrary",),
        handles=("@CityLibraryNYC",),
        keywords=("City Library",),
        owner="@CityLibraryNYC",
        owner_name="City Library",
        owner_followers=85_000,
        launched_at=start,
    )
    waves = (
        Wave(
            "library chatter",
            0.0,
            0.0,
            end,
            900,
            ORGANIC,
            branching=0.35,
            hashtag_share=0.3,
            handle_share=0.6,
            keyword_share=0.5,
        ),
        Wave(
            "friendly questions",
            0.0,
            0.0,
            end,
            300,
            _FRIENDLY,
            branching=0.3,
            question_share=0.5,
            hashtag_share=0.6,
            handle_share=0.5,
        ),
    )
    return Scenario(
        name="benign_qa_prelaunch",
        title="A public library the week before its Q&A: friendly everyday chatter",
        kind="benign",
        expected_level="none",
        campaign=campaign,
        start=start,
        hours=end,
        waves=waves,
        utc_offset_h=-5.0,
    )


BUILDERS: dict[str, Callable[[], Scenario]] = {
    "askjpm_prelaunch": askjpm_prelaunch,
    "benign_qa_prelaunch": benign_qa_prelaunch,
}
