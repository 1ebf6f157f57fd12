"""Hijacks and backlashes reconstructed from CASES.md (#AskJPM has its own module).

People named in the chronicle appear only with the posts it quotes from them;
everyone else with a role (journalists, activist groups, outlets, parodies) is a
fictional account with that role's reach, so no one is made to say what they did not.

>>> sorted(BUILDERS)[:3]
['askbg', 'askjpm', 'mcdstories']
"""

from __future__ import annotations

from collections.abc import Callable

from foretold.simulate.askjpm import BANK_CHATTER, NEWS, askjpm
from foretold.simulate.scenario import (
    HOSTILE,
    MOCKING,
    ORGANIC,
    BrandReplies,
    Campaign,
    Entrant,
    Link,
    Mix,
    Scenario,
    Scripted,
    Wave,
    hours,
    utc,
)

ANGRY = Mix(hostile=0.35, negative=0.35, ironic=0.15, neutral=0.1, questions=0.05)

_PHOTOS = (
    Link("https://www.instagram.com/p/nypd_photo/", 2),
    Link("https://imgur.com/gallery/mynypd", 2),
    Link("https://www.youtube.com/watch?v=nypd2014", 1),
)


def mcdstories() -> Scenario:
    """#McDStories, 18 Jan 2012: a promoted hashtag hijacked, pulled within two hours."""
    start = utc("2012-01-17T05:00")

    def h(when: str) -> float:
        return hours(start, when)

    tipping = h("2012-01-18T19:00")
    pull = h("2012-01-18T21:00")
    campaign = Campaign(
        "mcdstories",
        ("#McDStories", "#MeetTheFarmers"),
        ("@McDonalds",),
        "@McDonalds",
        "McDonald's",
        280_000,
        utc("2012-01-18T17:00"),
        ("McDonald's", "McDonalds"),
    )
    end = h("2012-01-22T05:00")
    return Scenario(
        name="mcdstories",
        title="#McDStories (McDonald's, Jan 2012): a promoted hashtag turned, pulled in 2 h",
        kind="hijack",
        expected_level="crisis",
        campaign=campaign,
        start=start,
        hours=end,
        waves=(
            Wave(
                "brand mentions",
                0.0,
                0.0,
                end,
                42_000,
                ORGANIC,
                branching=0.35,
                hashtag_share=0.0,
                handle_share=0.5,
                keyword_share=0.6,
            ),
            Wave(
                "farmers campaign",
                h("2012-01-18T17:00"),
                h("2012-01-18T17:00"),
                tipping + 1,
                90,
                Mix(positive=0.5, neutral=0.4, questions=0.1),
                branching=0.4,
                hashtag_share=1.0,
                hashtags=("#MeetTheFarmers",),
            ),
            Wave(
                "hijack",
                tipping,
                h("2012-01-18T20:40"),
                end,
                1300,
                HOSTILE,
                attack=True,
                doubling_min=12.0,
                half_life_h=0.5,
                branching=0.9,
                cooling_h=1.0,
                pool="crowd",
                hashtag_share=1.0,
                handle_share=0.2,
                question_share=0.1,
                hashtags=("#McDStories",),
            ),
            Wave(
                "lingering",
                h("2012-01-18T22:00"),
                h("2012-01-18T22:00"),
                end,
                6500,
                Mix(hostile=0.3, ironic=0.3, negative=0.25, neutral=0.15),
                attack=True,
                half_life_h=40.0,
                branching=0.6,
                pool="crowd",
                hashtag_share=1.0,
                handle_share=0.1,
                hashtags=("#McDStories",),
            ),
        ),
        entrants=(
            Entrant(
                "foodactivist_net",
                "Food Justice Network",
                110_000,
                "activist_org",
                tipping + 0.6,
                posts=4,
                span_h=3.0,
                boost=3.0,
            ),
            Entrant(
                "grub_gossip",
                "Grub Gossip (parody)",
                7_000,
                "parody",
                tipping + 0.8,
                posts=6,
                span_h=5.0,
                mix=MOCKING,
                boost=2.0,
            ),
            Entrant(
                "adweekly_news",
                "Ad Weekly",
                350_000,
                "press",
                h("2012-01-21T15:00"),
                posts=2,
                span_h=6.0,
                mix=NEWS,
                attack=False,
                link_share=1.0,
                verified=True,
                links=(Link("https://www.adweek.com/adfreak/mcdstories-hashtag-backfires"),),
            ),
        ),
        scripted=(
            Scripted(
                h("2012-01-18T17:00"),
                "Meet some of the farmers who grow the food you love at McDonald's #MeetTheFarmers",
                campaign.owner,
                role="invitation",
            ),
            Scripted(
                tipping,
                "When u make something w/ pride, people can taste it - McD potato "
                "supplier #McDStories",
                campaign.owner,
                role="invitation",
                boost=2.0,
            ),
            Scripted(
                pull,
                "We hear you - we are ending the #McDStories promotion today and "
                "will do better at telling our farmers' stories.",
                campaign.owner,
                role="response",
                boost=5.0,
            ),
        ),
        weak_signal_h=tipping + 0.1,
        tipping_h=tipping + 0.3,
        utc_offset_h=-5.0,
        rhythm_peak_utc=19.0,
        reference="CASES.md #McDStories",
    )


def mynypd() -> Scenario:
    """#myNYPD, 22 Apr 2014: a photo request answered with police violence, 10k/h."""
    start = utc("2014-04-22T16:00")

    def h(when: str) -> float:
        return hours(start, when)

    launch = h("2014-04-22T18:00")
    campaign = Campaign(
        "mynypd",
        ("#myNYPD",),
        ("@NYPDnews",),
        "@NYPDnews",
        "NYPD NEWS",
        95_000,
        utc("2014-04-22T18:00"),
        ("NYPD",),
    )
    activists = tuple(
        Entrant(
            f"{name}",
            f"{name}",
            followers,
            "activist",
            launch + at,
            posts=30,
            span_h=10.0,
            boost=6.0,
            links=_PHOTOS,
            link_share=0.7,
        )
        for name, followers, at in (
            ("copwatch_bk", 2_300, 0.15),
            ("stopfrisk_now", 4_100, 0.3),
            ("justice4all_ny", 1_200, 0.5),
        )
    )
    return Scenario(
        name="mynypd",
        title="#myNYPD (NYPD, Apr 2014): friendly photos requested, police violence received",
        kind="hijack",
        expected_level="crisis",
        campaign=campaign,
        start=start,
        hours=48.0,
        waves=(
            Wave(
                "nypd mentions",
                0.0,
                0.0,
                48.0,
                900,
                BANK_CHATTER,
                branching=0.35,
                hashtag_share=0.0,
                handle_share=0.7,
                keyword_share=0.5,
            ),
            Wave(
                "friendly photos",
                launch,
                launch,
                launch + 6,
                150,
                Mix(positive=0.6, neutral=0.4),
                branching=0.4,
                hashtag_share=1.0,
                handle_share=0.5,
                links=_PHOTOS,
                link_share=0.8,
            ),
            Wave(
                "storm",
                launch + 0.1,
                h("2014-04-22T20:45"),
                48.0,
                48_000,
                ANGRY,
                attack=True,
                doubling_min=16.0,
                half_life_h=5.0,
                branching=0.92,
                cooling_h=5.0,
                pool="crowd",
                hashtag_share=1.0,
                handle_share=0.3,
                question_share=0.05,
                links=_PHOTOS,
                link_share=0.45,
            ),
        ),
        entrants=(
            *activists,
            Entrant(
                "occupy_the_banks",
                "Occupy The Banks",
                192_000,
                "activist_org",
                launch + 3.0,
                posts=6,
                span_h=6.0,
                boost=3.0,
                links=_PHOTOS,
                link_share=0.5,
            ),
            Entrant(
                "nydailyledger",
                "NY Daily Ledger",
                600_000,
                "press",
                h("2014-04-22T20:44"),
                posts=3,
                span_h=12.0,
                mix=NEWS,
                attack=False,
                link_share=1.0,
                verified=True,
                boost=2.0,
                links=(
                    Link(
                        "https://www.nydailynews.com/new-york/nyc-crime/mynypd-"
                        "campaign-backfires-article-1.1765541"
                    ),
                ),
            ),
            Entrant(
                "worldnewswire",
                "World News Wire",
                5_000_000,
                "outlet",
                h("2014-04-23T11:00"),
                posts=2,
                span_h=4.0,
                mix=NEWS,
                attack=False,
                link_share=1.0,
                verified=True,
                links=(Link("https://www.theguardian.com/world/2014/apr/23/mynypd"),),
            ),
        ),
        scripted=(
            Scripted(
                launch,
                "Do you have a photo w/ a member of the NYPD? Tweet us & tag it "
                "#myNYPD. It may be featured on our Facebook page.",
                campaign.owner,
                role="invitation",
                boost=3.0,
            ),
            Scripted(
                h("2014-04-23T15:00"),
                "The NYPD is creating new ways to communicate "
                "effectively with the community. #myNYPD is an open forum for an honest "
                "dialog.",
                campaign.owner,
                role="response",
                boost=15.0,
            ),
        ),
        weak_signal_h=launch + 0.1,
        tipping_h=launch + 0.5,
        utc_offset_h=-4.0,
        rhythm_peak_utc=18.0,
        reference="CASES.md #myNYPD",
    )


def askbg() -> Scenario:
    """#AskBG, 17 Oct 2013: a Q&A the day of a 9.2 % price rise; the peak came first."""
    start = utc("2013-10-17T05:00")

    def h(when: str) -> float:
        return hours(start, when)

    qa = h("2013-10-17T12:00")
    campaign = Campaign(
        "askbg",
        ("#AskBG",),
        ("@BritishGas",),
        "@BritishGas",
        "British Gas",
        60_000,
        utc("2013-10-17T08:00"),
        ("British Gas",),
    )
    return Scenario(
        name="askbg",
        title="#AskBG (British Gas, Oct 2013): price-rise Q&A, peak before the Q&A began",
        kind="hijack",
        expected_level="crisis",
        campaign=campaign,
        start=start,
        hours=30.0,
        waves=(
            Wave(
                "price rise chatter",
                0.0,
                0.0,
                30.0,
                1400,
                ANGRY,
                branching=0.4,
                hashtag_share=0.0,
                handle_share=0.5,
                keyword_share=0.7,
            ),
            Wave(
                "storm",
                h("2013-10-17T08:30"),
                h("2013-10-17T11:54"),
                30.0,
                7000,
                ANGRY,
                attack=True,
                doubling_min=22.0,
                half_life_h=0.6,
                branching=0.85,
                cooling_h=1.0,
                pool="crowd",
                question_share=0.6,
                hashtag_share=1.0,
                handle_share=0.35,
            ),
        ),
        entrants=(
            Entrant(
                "energybillwatch",
                "Energy Bill Watch",
                40_000,
                "activist",
                qa - 2.0,
                posts=5,
                span_h=3.0,
                boost=3.0,
            ),
            Entrant(
                "ukmoneydesk",
                "UK Money Desk",
                900_000,
                "press",
                qa - 0.5,
                posts=2,
                span_h=3.0,
                mix=NEWS,
                attack=False,
                link_share=1.0,
                verified=True,
                links=(
                    Link(
                        "https://www.theguardian.com/business/2013/oct/17/british-gas-askbg-twitter"
                    ),
                ),
            ),
        ),
        scripted=(
            Scripted(
                h("2013-10-17T08:00"),
                "Got a question about your energy bill? Our "
                "customer director answers live today 1-2pm. Ask with #AskBG",
                campaign.owner,
                role="invitation",
                boost=2.0,
            ),
            Scripted(
                qa,
                "We're here now to answer your questions - thanks for your patience. #AskBG",
                campaign.owner,
                role="response",
                boost=5.0,
            ),
        ),
        brand_replies=(
            BrandReplies(
                qa,
                qa + 1.0,
                20,
                (
                    "We understand price rises are unwelcome. Our energy-saving advice is on our "
                    "website. #AskBG",
                    "Thanks for your question - we'll DM you about your account. #AskBG",
                ),
            ),
        ),
        weak_signal_h=h("2013-10-17T08:40"),
        tipping_h=h("2013-10-17T10:00"),
        utc_offset_h=1.0,
        rhythm_peak_utc=12.0,
        reference="CASES.md #AskBG",
    )


def qantasluxury() -> Scenario:
    """#QantasLuxury, 22 Nov 2011: a contest the day after the grounding, hijacked at once."""
    start = utc("2011-11-21T20:00")

    def h(when: str) -> float:
        return hours(start, when)

    launch = h("2011-11-21T22:30")
    campaign = Campaign(
        "qantasluxury",
        ("#QantasLuxury",),
        ("@Qantas",),
        "@Qantas",
        "Qantas",
        130_000,
        utc("2011-11-21T22:30"),
        ("Qantas",),
    )
    return Scenario(
        name="qantasluxury",
        title="#QantasLuxury (Qantas, Nov 2011): a contest hijacked within minutes",
        kind="hijack",
        expected_level="crisis",
        campaign=campaign,
        start=start,
        hours=48.0,
        waves=(
            Wave(
                "qantas mentions",
                0.0,
                0.0,
                48.0,
                1500,
                ANGRY,
                branching=0.4,
                hashtag_share=0.0,
                handle_share=0.6,
                keyword_share=0.5,
            ),
            Wave(
                "contest entries",
                launch,
                launch,
                48.0,
                400,
                Mix(positive=0.6, neutral=0.3, questions=0.1),
                branching=0.35,
                hashtag_share=1.0,
                handle_share=0.4,
            ),
            Wave(
                "storm",
                launch + 0.05,
                launch + 4.0,
                48.0,
                11_000,
                Mix(ironic=0.4, hostile=0.25, negative=0.2, neutral=0.15),
                attack=True,
                doubling_min=30.0,
                half_life_h=3.0,
                branching=0.85,
                cooling_h=3.0,
                pool="crowd",
                hashtag_share=1.0,
                handle_share=0.3,
            ),
        ),
        entrants=(
            Entrant(
                "unionvoice_au",
                "Union Voice",
                25_000,
                "activist_org",
                launch + 0.5,
                posts=6,
                span_h=6.0,
                boost=3.0,
            ),
            Entrant(
                "ausbiznews",
                "Aus Business News",
                700_000,
                "press",
                launch + 2.5,
                posts=2,
                span_h=4.0,
                mix=NEWS,
                attack=False,
                link_share=1.0,
                verified=True,
                links=(Link("https://www.smh.com.au/business/qantasluxury-backfires"),),
            ),
        ),
        scripted=(
            Scripted(
                launch,
                "To enter, tell us 'What is your dream luxury inflight experience? "
                "(Be creative!)' Answer must include #QantasLuxury. Terms & conditions "
                "apply.",
                campaign.owner,
                role="invitation",
                boost=3.0,
            ),
            Scripted(
                h("2011-11-22T23:00"),
                "Thanks for all the entries. Some were funny, some "
                "were frustrated - we hear you. #QantasLuxury",
                campaign.owner,
                role="response",
                boost=10.0,
            ),
        ),
        weak_signal_h=launch + 0.05,
        tipping_h=launch + 0.5,
        utc_offset_h=11.0,
        rhythm_peak_utc=2.0,
        reference="CASES.md #QantasLuxury",
    )


def waitrose() -> Scenario:
    """#WaitroseReasons, 17 Sep 2012: mockery rather than hostility, answered with grace."""
    start = utc("2012-09-17T06:00")

    def h(when: str) -> float:
        return hours(start, when)

    launch = h("2012-09-17T10:00")
    campaign = Campaign(
        "waitrosereasons",
        ("#WaitroseReasons",),
        ("@waitrose",),
        "@waitrose",
        "Waitrose & Partners",
        90_000,
        utc("2012-09-17T10:00"),
        ("Waitrose",),
    )
    return Scenario(
        name="waitrose",
        title="#WaitroseReasons (Waitrose, Sep 2012): mockery, not hostility",
        kind="mockery",
        expected_level="watch",
        campaign=campaign,
        start=start,
        hours=h("2012-09-20T18:00"),
        waves=(
            Wave(
                "waitrose mentions",
                0.0,
                0.0,
                84.0,
                700,
                ORGANIC,
                branching=0.35,
                hashtag_share=0.0,
                handle_share=0.6,
                keyword_share=0.5,
            ),
            Wave(
                "genuine reasons",
                launch,
                launch,
                84.0,
                300,
                Mix(positive=0.7, neutral=0.3),
                branching=0.4,
                hashtag_share=1.0,
                handle_share=0.2,
            ),
            Wave(
                "mockery",
                launch + 0.5,
                launch + 6.0,
                84.0,
                1800,
                MOCKING,
                attack=True,
                doubling_min=45.0,
                half_life_h=8.0,
                branching=0.8,
                cooling_h=8.0,
                pool="crowd",
                hashtag_share=1.0,
                handle_share=0.15,
                question_share=0.05,
            ),
        ),
        entrants=(
            Entrant(
                "posh_parody_uk",
                "Posh Parody",
                30_000,
                "parody",
                launch + 2.0,
                posts=10,
                span_h=24.0,
                mix=MOCKING,
                boost=3.0,
            ),
            Entrant(
                "brandwatch_uk_news",
                "Marketing Desk UK",
                250_000,
                "press",
                launch + 26.0,
                posts=1,
                mix=NEWS,
                attack=False,
                link_share=1.0,
                links=(Link("https://www.telegraph.co.uk/news/9548211/waitrose-reasons"),),
            ),
        ),
        scripted=(
            Scripted(
                launch,
                "Finish the sentence: I shop at Waitrose because... #WaitroseReasons",
                campaign.owner,
                role="invitation",
                boost=3.0,
            ),
            Scripted(
                h("2012-09-19T11:00"),
                "Thanks for all the genuine and funny "
                "#WaitroseReasons tweets. We enjoyed reading (most of) them!",
                campaign.owner,
                role="response",
                boost=15.0,
            ),
        ),
        weak_signal_h=launch + 0.5,
        tipping_h=launch + 2.5,
        utc_offset_h=1.0,
        rhythm_peak_utc=12.0,
        reference="CASES.md #WaitroseReasons",
    )


def slow_burn() -> Scenario:
    """A backlash that builds over weeks (like Peloton's ad, Nov-Dec 2019)."""
    start = utc("2019-11-04T12:00")
    campaign = Campaign(
        "giftad",
        ("#GiftOfFitness",),
        ("@SpinCycleCo",),
        "@SpinCycleCo",
        "SpinCycle",
        300_000,
        start,
        ("SpinCycle",),
    )
    peak = 27.5 * 24
    return Scenario(
        name="slow_burn",
        title="A slow-burn backlash: an ad released, the outrage peaking four weeks later",
        kind="backlash",
        expected_level="warning",
        campaign=campaign,
        start=start,
        hours=35 * 24.0,
        waves=(
            Wave(
                "brand chatter",
                0.0,
                0.0,
                840.0,
                9000,
                ORGANIC,
                branching=0.4,
                hashtag_share=0.2,
                handle_share=0.6,
                keyword_share=0.4,
            ),
            Wave(
                "slow backlash",
                48.0,
                peak,
                840.0,
                14_000,
                ANGRY,
                attack=True,
                doubling_min=60 * 60.0,
                half_life_h=36.0,
                branching=0.8,
                cooling_h=48.0,
                pool="crowd",
                hashtag_share=0.6,
                handle_share=0.5,
                question_share=0.1,
            ),
        ),
        entrants=(
            Entrant(
                "culturecritic",
                "Culture Critic",
                400_000,
                "journalist",
                peak - 30.0,
                posts=3,
                span_h=24.0,
                mix=MOCKING,
                boost=4.0,
                verified=True,
            ),
            Entrant(
                "dailybizwire",
                "Daily Biz Wire",
                2_000_000,
                "press",
                peak - 20.0,
                posts=2,
                span_h=24.0,
                mix=NEWS,
                attack=False,
                link_share=1.0,
                verified=True,
                links=(Link("https://www.cnbc.com/2019/12/03/spincycle-ad-backlash.html"),),
            ),
        ),
        scripted=(
            Scripted(
                0.0,
                "The gift that gives back. #GiftOfFitness",
                campaign.owner,
                role="invitation",
                boost=3.0,
            ),
            Scripted(
                peak + 10.0,
                "We're disappointed in how some have misinterpreted this ad. #GiftOfFitness",
                campaign.owner,
                role="response",
                boost=20.0,
            ),
        ),
        weak_signal_h=72.0,
        tipping_h=peak - 72.0,
        utc_offset_h=-5.0,
        reference="CASES.md Peloton",
    )


BUILDERS: dict[str, Callable[[], Scenario]] = {
    "askjpm": askjpm,
    "mcdstories": mcdstories,
    "mynypd": mynypd,
    "askbg": askbg,
    "qantasluxury": qantasluxury,
    "waitrose": waitrose,
    "slow_burn": slow_burn,
}
