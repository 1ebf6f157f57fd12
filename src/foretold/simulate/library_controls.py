"""Controls that must not raise a crisis, and noise a detector must see through.

>>> benign_qa().kind, quiet_month().hours
('benign', 720.0)
"""

from __future__ import annotations

from collections.abc import Callable

from foretold.simulate.scenario import (
    ORGANIC,
    BrandReplies,
    Campaign,
    Dynamics,
    Link,
    Mix,
    Scenario,
    Scripted,
    Wave,
    hours,
    utc,
)

WARM = Mix(questions=0.45, positive=0.35, neutral=0.17, negative=0.02, ironic=0.01)


def benign_qa() -> Scenario:
    """A warm public Q&A (like #AskBoE): invitation, questions, a busy hour of answers."""
    start = utc("2021-03-02T14:00")

    def h(when: str) -> float:
        return hours(start, when)

    campaign = Campaign(
        name="askcitylibrary",
        hashtags=("#AskCityLibrary",),
        handles=("@CityLibraryNYC",),
        keywords=("City Library",),
        owner="@CityLibraryNYC",
        owner_name="City Library",
        owner_followers=85_000,
        launched_at=start,
    )
    qa = h("2021-03-03T17:00")
    return Scenario(
        name="benign_qa",
        title="A warm Q&A with a public library: a volume spike that is good news",
        kind="benign",
        expected_level="none",
        campaign=campaign,
        start=start,
        hours=h("2021-03-05T14:00"),
        waves=(
            Wave(
                "library chatter",
                0.0,
                0.0,
                72.0,
                360,
                ORGANIC,
                branching=0.35,
                hashtag_share=0.1,
                handle_share=0.7,
                keyword_share=0.3,
            ),
            Wave(
                "questions",
                0.0,
                0.0,
                qa + 1.0,
                260,
                WARM,
                branching=0.35,
                question_share=0.6,
                hashtag_share=1.0,
                handle_share=0.4,
            ),
            Wave(
                "the Q&A hour",
                qa - 1.5,
                qa + 0.5,
                qa + 6.0,
                420,
                WARM,
                doubling_min=20.0,
                half_life_h=0.75,
                branching=0.5,
                question_share=0.6,
                hashtag_share=1.0,
                handle_share=0.5,
            ),
        ),
        scripted=(
            Scripted(
                0.0,
                "Ask our librarians anything! Tweet your questions with "
                "#AskCityLibrary - we answer live tomorrow at noon ET.",
                campaign.owner,
                role="invitation",
                boost=2.0,
            ),
            Scripted(
                qa - 0.25,
                "We're starting in 15 minutes - keep your #AskCityLibrary questions coming!",
                campaign.owner,
                role="reminder",
            ),
        ),
        brand_replies=(
            BrandReplies(
                qa,
                qa + 1.2,
                45,
                (
                    "Great question! Yes - and our card is free for everyone who lives, works or "
                    "studies in the city. #AskCityLibrary",
                    "Thanks for asking! Our e-book app has over 300,000 titles. #AskCityLibrary",
                    "Love this one. Our staff picks are on the second floor of every branch! "
                    "#AskCityLibrary",
                    "Yes! Story time runs every Saturday morning. #AskCityLibrary",
                ),
            ),
        ),
        dynamics=Dynamics(repost=0.72, reply=0.18, quote=0.10),
        reference="CASES.md benign controls (#AskBoE, police tweet-a-thon)",
    )


def quiet_month() -> Scenario:
    """Thirty days of normal brand chatter: no campaign event at all."""
    start = utc("2022-05-01T00:00")
    campaign = Campaign(
        name="brewco",
        hashtags=("#BrewCo",),
        handles=("@BrewCoffeeCo",),
        keywords=("Brew Co",),
        owner="@BrewCoffeeCo",
        owner_name="Brew Coffee Co.",
        owner_followers=120_000,
        launched_at=start,
    )
    return Scenario(
        name="quiet_month",
        title="A quiet month of normal brand chatter (the false-alarm control)",
        kind="quiet",
        expected_level="none",
        campaign=campaign,
        start=start,
        hours=720.0,
        waves=(
            Wave(
                "brand chatter",
                0.0,
                0.0,
                720.0,
                5200,
                ORGANIC,
                branching=0.4,
                hashtag_share=0.3,
                handle_share=0.6,
                keyword_share=0.3,
            ),
        ),
        reference="CASES.md: baseline brand mentions",
    )


def viral_positive() -> Scenario:
    """An Oreo-like good-news spike: one brand post reposted thousands of times in minutes."""
    start = utc("2013-02-03T12:00")

    def h(when: str) -> float:
        return hours(start, when)

    post = h("2013-02-04T01:48")
    campaign = Campaign(
        "dunk",
        ("#SuperBowl", "#DunkInTheDark"),
        ("@CookieCo",),
        "@CookieCo",
        "Cookie Co.",
        23_000,
        start,
        ("Cookie Co",),
    )
    return Scenario(
        name="viral_positive",
        title="Good news goes viral (like Oreo's blackout post, Feb 2013): a spike to welcome",
        kind="viral",
        expected_level="none",
        campaign=campaign,
        start=start,
        hours=72.0,
        waves=(
            Wave(
                "cookie chatter",
                0.0,
                0.0,
                72.0,
                900,
                ORGANIC,
                branching=0.35,
                hashtag_share=0.1,
                handle_share=0.6,
                keyword_share=0.4,
            ),
            Wave(
                "game night",
                h("2013-02-03T23:00"),
                h("2013-02-04T01:45"),
                h("2013-02-04T06:00"),
                1600,
                Mix(positive=0.55, neutral=0.3, ironic=0.1, negative=0.05),
                branching=0.6,
                doubling_min=30.0,
                half_life_h=1.0,
                cooling_h=2.0,
                hashtag_share=0.9,
                handle_share=0.5,
            ),
        ),
        scripted=(
            Scripted(
                post,
                "Power out? No problem. You can still dunk in the dark. #SuperBowl",
                campaign.owner,
                role="invitation",
                boost=1500.0,
            ),
        ),
        dynamics=Dynamics(max_offspring=6000.0),
        reference="CASES.md Oreo 'dunk in the dark'",
    )


def unrelated_bad_news() -> Scenario:
    """A spike of negative posts that share the brand's keyword but are not about it."""
    start = utc("2019-08-19T00:00")

    def h(when: str) -> float:
        return hours(start, when)

    campaign = Campaign(
        "primereads",
        ("#PrimeReads",),
        ("@amazonbooks",),
        "@amazonbooks",
        "Amazon Books",
        1_000_000,
        start,
        ("Amazon",),
    )
    return Scenario(
        name="unrelated_bad_news",
        title="Bad news that is not about the brand (Amazon fires vs. Amazon): a negative spike",
        kind="unrelated",
        expected_level="none",
        campaign=campaign,
        start=start,
        hours=96.0,
        waves=(
            Wave(
                "book chatter",
                0.0,
                0.0,
                96.0,
                2400,
                ORGANIC,
                branching=0.4,
                hashtag_share=0.5,
                handle_share=0.5,
                keyword_share=0.3,
            ),
            Wave(
                "rainforest fires",
                h("2019-08-20T18:00"),
                h("2019-08-21T20:00"),
                96.0,
                5000,
                Mix(negative=0.6, hostile=0.1, neutral=0.25, ironic=0.05),
                doubling_min=120.0,
                half_life_h=12.0,
                branching=0.8,
                cooling_h=12.0,
                hashtag_share=0.8,
                handle_share=0.0,
                keyword_share=1.0,
                hashtags=("#AmazonFires", "#PrayForAmazonia", "#AmazonRainforest"),
                links=(Link("https://www.bbc.com/news/world-latin-america-49433767"),),
                link_share=0.15,
            ),
        ),
        reference="CASES.md: negative, but not a hijacked campaign",
    )


def spam_burst() -> Scenario:
    """Bots flood the hashtag with near-identical promotional posts for two hours."""
    start = utc("2022-05-10T00:00")

    def h(when: str) -> float:
        return hours(start, when)

    campaign = Campaign(
        "brewco",
        ("#BrewCo",),
        ("@BrewCoffeeCo",),
        "@BrewCoffeeCo",
        "Brew Coffee Co.",
        120_000,
        start,
        ("Brew Co",),
    )
    spam = tuple(Link(f"https://{d}/promo", 1) for d in ("cheap-deals.biz", "win-now.top"))
    return Scenario(
        name="spam_burst",
        title="A spam burst: bots repeating near-identical posts under the hashtag",
        kind="spam",
        expected_level="none",
        campaign=campaign,
        start=start,
        hours=72.0,
        waves=(
            Wave(
                "brand chatter",
                0.0,
                0.0,
                72.0,
                520,
                ORGANIC,
                branching=0.4,
                hashtag_share=0.3,
                handle_share=0.6,
                keyword_share=0.3,
            ),
            Wave(
                "bots",
                h("2022-05-11T14:00"),
                h("2022-05-11T14:20"),
                h("2022-05-11T16:30"),
                2500,
                Mix(positive=1.0),
                doubling_min=5.0,
                half_life_h=0.6,
                branching=0.05,
                pool="bots",
                templates=3,
                accounts=60,
                hashtag_share=1.0,
                handle_share=0.2,
                links=spam,
                link_share=0.9,
            ),
        ),
        reference="CASES.md #AskSeaWorld (bots); spam is not a hijack",
    )


BUILDERS: dict[str, Callable[[], Scenario]] = {
    "benign_qa": benign_qa,
    "quiet_month": quiet_month,
    "viral_positive": viral_positive,
    "unrelated_bad_news": unrelated_bad_news,
    "spam_burst": spam_burst,
}
