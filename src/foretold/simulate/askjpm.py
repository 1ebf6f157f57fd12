"""#AskJPM, November 2013: the chronicle this project starts from, reconstructed.

People named in the chronicle appear only with the posts it quotes from them;
everyone else with a role (journalists, activist groups, outlets, a parody) is a
fictional account with that role's reach, so no one is made to say what they did not.

>>> sc = askjpm()
>>> [s.role for s in sc.scripted if s.role in ("weak_signal", "response")]
['weak_signal', 'response']
"""

from __future__ import annotations

from foretold.simulate.scenario import (
    HOSTILE,
    MOCKING,
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

QA_QUESTIONS = Mix(questions=0.55, neutral=0.25, positive=0.2)
BANK_CHATTER = Mix(neutral=0.45, positive=0.12, negative=0.28, questions=0.1, ironic=0.05)
NEWS = Mix(neutral=0.8, negative=0.2)

_JPM_LINKS = (
    Link("http://www.scribd.com/doc/130290952/Gf-Co-Executive-Summary-JPM-Out-of-Control", 3),
    Link("http://other98.com/dont-negotiate", 2),
    Link("https://www.nytimes.com/2013/10/20/business/jpmorgan-settlement.html", 1),
)


def askjpm() -> Scenario:
    """#AskJPM, 6-15 Nov 2013: invitation, weak signals on day 5, storm on the eve, cancel."""
    start = utc("2013-11-06T15:00")

    def h(when: str) -> float:
        return hours(start, when)

    tipping = h("2013-11-13T21:00")
    campaign = Campaign(
        name="askjpm",
        hashtags=("#AskJPM",),
        handles=("@jpmorgan",),
        keywords=("JP Morgan", "JPMorgan"),
        owner="@jpmorgan",
        owner_name="J.P. Morgan",
        owner_followers=170_000,
        launched_at=start,
    )
    brand = campaign.owner
    storm = Wave(
        name="storm",
        start=h("2013-11-13T20:00"),
        peak=h("2013-11-13T23:00"),
        end=h("2013-11-15T05:00"),
        posts=10_000,
        mix=HOSTILE,
        attack=True,
        doubling_min=15.0,
        half_life_h=1.5,
        branching=0.95,
        cooling_h=2.5,
        pool="crowd",
        question_share=0.55,
        hashtag_share=0.97,
        handle_share=0.35,
        links=_JPM_LINKS,
        link_share=0.04,
    )
    waves = (
        Wave(
            "bank chatter",
            0.0,
            0.0,
            h("2013-11-15T05:00"),
            1500,
            BANK_CHATTER,
            branching=0.35,
            hashtag_share=0.05,
            handle_share=0.75,
            keyword_share=0.25,
            question_share=0.1,
        ),
        Wave(
            "qa questions",
            0.0,
            0.0,
            tipping,
            260,
            QA_QUESTIONS,
            branching=0.3,
            question_share=0.6,
            hashtag_share=1.0,
            handle_share=0.4,
        ),
        Wave(
            "weak signals",
            h("2013-11-11T15:00"),
            tipping,
            tipping + 1,
            260,
            Mix(ironic=0.45, negative=0.25, hostile=0.1, questions=0.1, neutral=0.1),
            attack=True,
            doubling_min=900.0,
            branching=0.6,
            pool="crowd",
            question_share=0.5,
            hashtag_share=1.0,
            links=_JPM_LINKS,
            link_share=0.12,
        ),
        storm,
        Wave(
            "aftermath",
            h("2013-11-14T11:00"),
            h("2013-11-14T16:00"),
            h("2013-11-15T05:00"),
            1000,
            MOCKING,
            attack=True,
            doubling_min=90.0,
            half_life_h=6.0,
            branching=0.75,
            pool="crowd",
            hashtag_share=0.95,
            handle_share=0.25,
        ),
    )
    press = Link("https://www.huffingtonpost.com/2013/11/13/jpmorgan-twitter-qa_n_4273522.html")
    entrants = (
        Entrant(
            "dana_keller_biz",
            "Dana Keller",
            48_000,
            "journalist",
            tipping + 0.25,
            posts=4,
            span_h=4.0,
            mix=MOCKING,
            boost=3.0,
            verified=True,
        ),
        Entrant(
            "a_goldman_reform",
            "A. Goldman",
            31_000,
            "activist",
            tipping + 0.4,
            posts=6,
            span_h=5.0,
            boost=2.5,
        ),
        Entrant(
            "occupy_the_banks",
            "Occupy The Banks",
            192_000,
            "activist_org",
            tipping + 0.8,
            posts=7,
            span_h=5.0,
            boost=4.0,
        ),
        Entrant(
            "occupybanksnyc",
            "Occupy Banks NYC",
            158_000,
            "activist_org",
            tipping + 1.0,
            posts=5,
            span_h=5.0,
            boost=3.0,
        ),
        Entrant(
            "NotJPMorgan",
            "Not J.P. Morgan (parody)",
            9_000,
            "parody",
            tipping + 1.3,
            posts=9,
            span_h=8.0,
            mix=MOCKING,
            boost=2.0,
            description="Parody. Not affiliated with any bank. Just Pay More.",
        ),
        Entrant(
            "huffbiz_news",
            "Business News Desk",
            410_000,
            "press",
            h("2013-11-13T23:00"),
            posts=2,
            span_h=2.0,
            mix=NEWS,
            attack=False,
            links=(press,),
            link_share=1.0,
            boost=2.0,
            verified=True,
        ),
        Entrant(
            "hedge_ledger",
            "Hedge Ledger",
            176_000,
            "outlet",
            h("2013-11-14T00:00"),
            posts=2,
            span_h=1.0,
            mix=MOCKING,
            attack=True,
            link_share=1.0,
            links=(Link("https://www.zerohedge.com/news/2013-11-13/askjpm-backfires"),),
        ),
        Entrant(
            "bankwire_daily",
            "Bank Wire Daily",
            60_000,
            "outlet",
            h("2013-11-14T00:10"),
            posts=1,
            mix=NEWS,
            attack=False,
            link_share=1.0,
            links=(Link("https://www.americanbanker.com/news/jpmorgan-askjpm-twitter"),),
        ),
        Entrant(
            "fin_times_wire",
            "Markets Wire",
            1_900_000,
            "outlet",
            h("2013-11-14T12:30"),
            posts=1,
            mix=NEWS,
            attack=False,
            link_share=1.0,
            verified=True,
            links=(Link("https://www.ft.com/content/askjpm-twitter-backfires"),),
        ),
        Entrant(
            "techsocialnews",
            "Tech Social News",
            2_400_000,
            "outlet",
            h("2013-11-14T14:00"),
            posts=1,
            mix=NEWS,
            attack=False,
            link_share=1.0,
            verified=True,
            links=(Link("https://mashable.com/2013/11/14/jpmorgan-askjpm-twitter-fail/"),),
        ),
    )
    scripted = (
        Scripted(
            0.0,
            "What career advice would you ask a leader at a global firm? Tweet a "
            "question using #AskJPM. On 11/14 Vice Chairman Jimmy Lee takes over our feed.",
            brand,
            role="invitation",
            boost=2.0,
        ),
        Scripted(
            h("2013-11-07T16:00"),
            "Thinking about a career in banking? Send your "
            "questions for Jimmy Lee with #AskJPM - live Q&A on Nov 14 at 1pm ET.",
            brand,
            role="invitation",
        ),
        Scripted(
            h("2013-11-08T19:30"),
            "Jimmy Lee, Vice Chairman of J.P. Morgan, answers "
            "your questions on leadership and careers on 11/14. Ask with #AskJPM",
            brand,
            role="invitation",
        ),
        Scripted(
            h("2013-11-11T15:10"),
            "@jpmorgan Is it true “JPM stands for “Just Pay More”? #AskJPM 😉",
            "@mkt_joker",
            attack=True,
            role="weak_signal",
            followers=420,
            label="ironic",
        ),
        Scripted(
            h("2013-11-11T15:14"),
            "@jpmorgan Oh, come on. I was teasing! #AskJPM 🙂",
            "@mkt_joker",
            label="positive",
        ),
        Scripted(
            h("2013-11-11T17:40"),
            "#AskJPM What is the maximum amount of material "
            "wealth that a person can accumulate and still be allowed into Heaven?",
            attack=True,
            label="ironic",
            boost=3.0,
        ),
        Scripted(
            h("2013-11-11T20:05"),
            "Anyone thinking of doing #AskJPM might want to "
            "familiarise themselves with Jamie Dimon’s rap sheet: http://www.scribd.com/"
            "doc/130290952/Gf-Co-Executive-Summary-JPM-Out-of-Control",
            attack=True,
            label="negative",
            boost=3.0,
        ),
        Scripted(
            h("2013-11-12T16:20"),
            "Thanks! What time is the #AskJPM Q&A on Thursday?",
            label="questions",
        ),
        Scripted(
            h("2013-11-13T18:15"),
            "Reminder: tweet your career questions for Jimmy Lee "
            "with #AskJPM. He answers them live tomorrow at 1pm ET.",
            brand,
            role="reminder",
        ),
        Scripted(
            tipping + 0.15,
            "At what number of Billions of Dollars in fines will it no "
            "longer be profitable to run your criminal enterprise? #askjpm",
            attack=True,
            boost=25.0,
        ),
        Scripted(
            tipping + 0.3,
            "How many homeless people did you create in ’08? #AskJPM",
            attack=True,
            boost=20.0,
        ),
        Scripted(
            tipping + 0.45,
            "Hey, @jpmorgan: What’s it like knowing that you’ve escaped "
            "punishment for securities fraud again & again? #AskJPM "
            "http://other98.com/dont-negotiate",
            attack=True,
            boost=20.0,
        ),
        Scripted(
            tipping + 0.6,
            "Every time another person loses their home to an illegal "
            "foreclosure, does a bell ring? #AskJPM",
            "@amy10506",
            attack=True,
            label="ironic",
            boost=25.0,
            followers=900,
        ),
        Scripted(
            tipping + 0.7,
            "Did you have a specific number of people’s lives you needed "
            "to ruin before you considered your model a success? #AskJPM",
            "@amy10506",
            attack=True,
            boost=30.0,
        ),
        Scripted(
            tipping + 0.9,
            "So @jpmorgan really created a hash tag (#AskJPM) where anyone "
            "can tweet them ANY question? I’m guessing they’re regretting that about now.",
            attack=True,
            label="ironic",
            boost=20.0,
        ),
        Scripted(
            tipping + 1.3,
            "How are you planning to spend the savings made from firing "
            "your social media team? #askJPM",
            "@aspignal",
            attack=True,
            label="ironic",
            boost=25.0,
            followers=12_000,
        ),
        Scripted(
            h("2013-11-14T03:10"),
            "Tomorrow’s #AskJPM Q&A is cancelled. Bad idea. Back to the drawing board.",
            brand,
            role="response",
            boost=70.0,
        ),
        Scripted(
            h("2013-11-14T14:30"),
            "How detached from reality do you have to be to think "
            "that an #AskJPM hashtag is going to elicit anything but anger and mockery?",
            attack=True,
            label="negative",
            boost=8.0,
        ),
    )
    return Scenario(
        name="askjpm",
        title="#AskJPM (JP Morgan, Nov 2013): a Q&A hijacked on the eve, cancelled overnight",
        kind="hijack",
        expected_level="crisis",
        campaign=campaign,
        start=start,
        hours=h("2013-11-15T05:00"),
        waves=waves,
        entrants=entrants,
        scripted=scripted,
        brand_replies=(
            BrandReplies(
                2.0,
                h("2013-11-13T12:00"),
                14,
                (
                    "Thanks for the question! Jimmy will take it on 11/14. #AskJPM",
                    "Great question - save it for Jimmy Lee on Thursday, 1pm ET. #AskJPM",
                    "Thanks! Keep the questions coming for #AskJPM on 11/14.",
                ),
            ),
        ),
        weak_signal_h=h("2013-11-11T15:10"),
        tipping_h=tipping,
        rhythm_peak_utc=18.0,
        utc_offset_h=-5.0,
        reference="CASES.md #AskJPM; seed/askjpm-chronicle.txt",
    )
