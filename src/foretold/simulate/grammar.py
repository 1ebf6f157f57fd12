"""Hijack text: hostile posts written from a scenario's grievances, in five forms.

A hijacker does not post a random angry tweet: they ask the brand about its fines,
mock its bonuses, call it names over its foreclosures. :class:`Grammar` writes such
posts from skeletons in five forms (rhetorical question, accusation, sarcastic
praise, insult, meme phrase), plus the storm's own commentary (what amplifiers and
journalists say about the storm) and press headlines. Slots:

========== ======================================================================
``{B}``    the brand, as its name, a keyword or its handle
``{thing}`` a grievance as a noun phrase (``the $13 billion in fines``)
``{Thing}`` the same, capitalised
``{thing2}`` a second grievance
``{deed}`` a grievance as a past participle (``paid $13 billion in fines``)
``{event}`` what the campaign invited (``Q&A``, ``contest``)
========== ======================================================================

The wording varies with real phrasing: short evaluative sentences mined from the
training splits' sarcastic posts (``what a surprise.``) and offensive posts (``utter
garbage.``) open or close a post now and then, and case and punctuation vary, so no
skeleton gives the post away and no skeleton is behind more than about 1 % of them.

>>> import random
>>> from foretold.simulate.scenario import Grievance, Voice
>>> v = Voice(brand="Acme", event="Q&A", grievances=(Grievance("fines", ("fines",),
...     ("the record fines",), ("paid record fines",)),))
>>> g = Grammar(v, handle="@acme", keywords=(), rng=random.Random(3))
>>> text, skeleton = g.write("hostile")
>>> "fines" in text, 0 <= skeleton < len(SKELETONS)
(True, True)
"""

from __future__ import annotations

import functools
import random
import re
from collections import Counter
from collections.abc import Sequence

from foretold.simulate.scenario import Voice

_QUESTION = (
    "How does it feel to have {deed}?",
    "Serious question: how do you sleep at night after you've {deed}?",
    "At what point does having {deed} stop being a business model?",
    "Do you have a favourite memory of {thing}?",
    "What's your proudest moment, {thing} or {thing2}?",
    "Is {thing} covered in the {event}, or is that off limits?",
    "Will the {event} cover {thing}, or just the nice bits?",
    "Genuine question for {B}: who signed off on {thing}?",
    "Can someone at {B} explain {thing} in 280 characters?",
    "How many lawyers did it take to make {thing} go away?",
    "When will anyone at {B} answer for {thing}?",
    "If {B} has {deed}, why should anyone trust a word of this {event}?",
    "Does the {event} include a section on {thing}?",
    "Q for {B}: was {thing} a bug or a feature?",
    "What would you say to the people hurt by {thing}?",
    "Which part of {thing} are you proudest of?",
    "Do you ever think about {thing}, or is that someone else's department?",
    "How much did {thing} cost you, and how much did it cost everyone else?",
    "What's the plan for the next time you've {deed}?",
    "Who at {B} got a bonus for {thing}?",
    "Why should we ask you anything after you've {deed}?",
    "Are questions about {thing} allowed, or only the friendly ones?",
    "How do you explain {thing} to your kids?",
    "Remind me, who paid for {thing}?",
    "So when do we get to talk about {thing}?",
    "Honest question: has anyone at {B} said sorry for {thing}?",
    "Has {B} ever been held to account for {thing}?",
    "What did you learn from {thing}? Anything at all?",
    "Are you going to take questions on {thing} or nah?",
    "How many people lost out because of {thing}?",
    "Would {B} like to comment on {thing}?",
    "Is it true {B} has {deed}?",
    "Why would anyone ask {B} for advice after {thing}?",
    "Did {B} really think nobody would bring up {thing}?",
    "What's the going rate for forgetting {thing}?",
    "Who thought a {event} was a good idea after {thing}?",
)
_ACCUSE = (
    "{B} has {deed} and now wants our questions.",
    "Let's not forget that {B} has {deed}.",
    "Reminder: {B} has {deed}. Ask away.",
    "{Thing}. That's the {event} I want.",
    "{B} has {deed}. Nobody went to jail.",
    "{Thing}, and they want a friendly {event}.",
    "This is the same {B} that has {deed}.",
    "Nothing to ask {B} except why they've {deed}.",
    "The real story is {thing}, not this {event}.",
    "{B} has {deed} and still calls itself a responsible company.",
    "{B} should answer for {thing} before anything else.",
    "Every answer in this {event} should start with an apology for {thing}.",
    "You can't PR your way out of {thing}, {B}.",
    "{B} has {deed}; the rest is marketing.",
    "{Thing} is not a rumour, it's a matter of record.",
    "{B} wants a nice chat. We want to talk about {thing}.",
    "While you're here, {B}: {thing}.",
    "Don't let {B} change the subject from {thing}.",
    "They've {deed}. Ask them about that.",
    "{Thing} happened on {B}'s watch.",
    "Counting the days until {B} answers for {thing}.",
    "Let the record show that {B} has {deed}.",
    "{B}'s {event} won't mention {thing}, so I will.",
    "Nobody at {B} has answered for {thing} yet.",
    "Ask them why they've {deed}. Then ask again.",
    "{Thing} and {thing2}. That's the résumé.",
    "You've {deed} and you want applause?",
    "{B}: {thing}, {thing2}, and now this {event}.",
    "Any {event} with {B} starts and ends with {thing}.",
    "I haven't forgotten {thing}, {B}.",
    "Still waiting for {B} to apologise for {thing}.",
    "{Thing}. Never forget.",
    "Funny how {B}'s {event} skips {thing}.",
    "{B} has {deed}, and we're supposed to just move on?",
    "{B} has {deed}. That's the whole tweet.",
    "Before any {event}, {B} owes us an answer on {thing}.",
    "The people hurt by {thing} deserve better than a {event}, {B}.",
    "{B}, you have {deed}. Own it.",
    "Nobody asked for a {event}. We asked about {thing}.",
    "{B} thinks we forgot {thing}. We didn't.",
)
_SARCASM = (
    "Congrats to {B} on {thing}, truly inspiring stuff.",
    "So proud of {B} for {thing}. Role models.",
    "Love how {B} has {deed} and still found time for a {event}.",
    "Nothing says customer focus like {thing}.",
    "What a company. {Thing} and a {event} in the same year.",
    "Thank you {B} for {thing}, we'll never forget it.",
    "{B}: proudly bringing you {thing} since forever.",
    "Great idea, {B}. A {event} right after {thing}. Genius.",
    "Best {event} ever. Can't wait to hear about {thing}.",
    "Big fan of {thing}. Keep up the good work {B}.",
    "Having {deed} takes real talent. Well done {B}.",
    "Truly a brand you can trust: just ask about {thing}.",
    "Shout out to {B} for {thing}. Legends.",
    "Nice of {B} to ask for questions after having {deed}.",
    "Outstanding work on {thing}, {B}. Really.",
    "Wow {B}, {thing}? Impressive.",
    "The {event} is going great, {B}. Everyone wants to discuss {thing}.",
    "Such a thoughtful {event}. Almost makes you forget {thing}.",
    "{B} has {deed}. What a time to run a {event}.",
    "Thanks {B}, {thing} really made my year.",
    "Can't think of anyone better to give advice than the people behind {thing}.",
    "Love a {event} from the folks who brought us {thing}.",
    "Ah yes, {B}, famous for {thing}.",
    "Stellar reputation. Just look at {thing}.",
    "Applause for {B}: {thing}, and not one apology.",
    "Nothing but respect for {B}, the people who gave us {thing}.",
    "Really looking forward to the {event}. Will there be a slide on {thing}?",
    "Ten out of ten, {B}. {Thing} was a masterpiece.",
    "Honoured to be invited to a {event} by the geniuses behind {thing}.",
    "Who better to take questions than the company that has {deed}?",
    "So brave of {B} to do a {event} after {thing}.",
    "Inspiring. Truly. {B} has {deed} and still smiles for the camera.",
    "{B} is so good at {event}s. Almost as good as at {thing}.",
    "Bold move, {B}. Bold. {Thing} and now this.",
    "Can't wait for the {B} documentary on {thing}.",
)
_INSULT = (
    "{B} is a disgrace. {Thing} says it all.",
    "Shameless. {B} has {deed}.",
    "{B}, you people are a joke. {Thing}.",
    "Crooks. {Thing} and not one of you in jail.",
    "Pathetic, {B}. {Thing}.",
    "{B} has {deed}. Absolute clowns.",
    "Scum. {Thing} ruined lives.",
    "{B} is rotten to the core. See: {thing}.",
    "Disgusting company. {Thing}.",
    "No shame at {B}. {Thing} proves it.",
    "{B}: greedy, arrogant, and responsible for {thing}.",
    "What a bunch of frauds. {Thing}.",
    "Vile. {B} has {deed}.",
    "{B} can shove its {event}. {Thing}.",
    "Bunch of thieves. Ask them about {thing}.",
    "Zero respect for {B} after {thing}.",
    "Utter contempt for {B} and for {thing}.",
    "{B} is everything wrong with this country. {Thing}.",
    "Spineless. {B} still won't own {thing}.",
    "Clowns, the lot of you. {Thing}.",
    "{B} is a national embarrassment. {Thing}.",
    "Absolute frauds at {B}. {Thing}.",
    "{B} has {deed}. Gross.",
    "Liars, all of you. {Thing}.",
    "{B} deserves every bit of this. {Thing}.",
    "Shame on {B} for {thing}.",
    "Words can't describe how rotten {B} is. {Thing}.",
    "{B}: still shameless after {thing}.",
    "How are you not ashamed of {thing}, {B}?",
    "Who do you think you are, {B}? {Thing}.",
)
_MEME = (
    "{B}: *has {deed}*  Also {B}: ask us anything!",
    "Nobody: {B}: let's do a {event} after {thing}",
    "Me: what about {thing}? {B}: next question",
    "POV: you're the intern who suggested the {B} {event}",
    "Ask me anything (except about {thing})",
    "{B} reading the replies about {thing}: 👁👄👁",
    "They had us in the first half, not gonna lie. Then {thing}.",
    "This {event} is fine. Everything is fine. {Thing} is fine.",
    "{B}: ask us anything! Everyone: {thing}?",
    "Step 1: {thing}. Step 2: {event}. Step 3: ???",
    "Tag yourself, I'm the one asking about {thing}",
    "Not {B} asking for questions after {thing} 💀",
    "{B} really said 'ask us anything' after having {deed} 😂",
    "Imagine having {deed} and then launching a {event}",
    "Who had '{B} does a {event} after {thing}' on their bingo card?",
    "The {event} is going about as well as {thing} did",
    "Breaking: {B} discovers the internet remembers {thing}",
    "{B} is hiring a social media team. Must enjoy questions about {thing}",
    "Today's {event} is brought to you by {thing}",
    "{B} after {thing}: 'any questions?' The internet: yes.",
    "Plot twist: every question is about {thing}",
    "Day 1 of asking {B} about {thing}",
    "{B} PR team seeing the word '{word}' for the 500th time today",
    "Me logging on to ask {B} about {thing}: 🏃‍♀️💨",
    "{B}: we value your questions. Also {B}: not that one",
    "Sir, this is a {event}. Me: {thing}?",
    "Every {B} reply right now: '{word}'",
    "Instructions unclear, asked {B} about {thing}",
    "{Thing}? In this economy?",
    "Roses are red, violets are blue, {B} has {deed}, and the {event} is too",
    "Writing my {B} question about {thing} like it's my thesis",
    "Just saw a {B} {event} where nobody asked about {thing}. Just kidding",
    "The {B} social media manager after reading the word '{word}' again: 🫠",
)
_STORM = (
    "The {B} {event} is turning into a masterclass in what not to do.",
    "Watching the {B} {event} unravel in real time.",
    "{B} asked for questions. The replies are all about {thing}.",
    "Whoever approved the {B} {event} is having a long day.",
    "Hundreds of replies to {B}, almost all about {thing}.",
    "The {B} hashtag has been taken over by people asking about {thing}.",
    "Brands, take note: the {B} {event} is what happens when you forget {thing}.",
    "A {event} was always going to go this way for {B}.",
    "Reading the {B} replies is a lesson in public memory: {thing}, {thing2}.",
    "Social media lesson of the day, courtesy of {B} and {thing}.",
    "{B}'s {event} backfired within the hour.",
    "Can't look away from the {B} {event}.",
    "{B} invited questions and got {thing} instead.",
    "The {B} {event} is now mostly about {thing}.",
    "Someone should tell {B} the {event} isn't going to plan.",
    "Case study in the making: {B}, a {event}, and {thing}.",
    "Timeline is nothing but {B} and {thing} right now.",
    "If you want to see a brand lose control of its {event}, look up {B}.",
    "{B} is getting roasted over {thing}.",
    "The questions for {B} are writing themselves: {thing}.",
    "Not a great day to be running the {B} social media account.",
    "Every reply to {B} right now is about {thing}.",
    "The internet has not forgotten {thing}, as {B} is finding out.",
    "{B} wanted a {event}. It got a referendum on {thing}.",
    "Pretty sure the {B} {event} will be taught in marketing classes.",
    "Scrolling the {B} hashtag: {thing}, {thing2}, {thing} again.",
    "Somewhere a {B} PR manager is rethinking this {event}.",
    "Hard to think of a worse time for {B} to ask for questions.",
    "The {B} replies are brutal. Mostly {thing}.",
    "{B}'s {event} is trending, and not in a good way.",
    "The best questions for {B} so far are all about {thing}.",
    "The {B} {event} is a reminder that people remember {thing}.",
)
_HEADLINE = (
    "{B}'s {event} backfires as users ask about {thing}",
    "{B} {event} hijacked by critics of {thing}",
    "{B} faces online backlash over {thing} during {event}",
    "Why {B}'s {event} went so wrong",
    "{B}'s social media {event} turns into a PR disaster",
    "Critics flood {B}'s {event} with questions on {thing}",
    "{B} {event} draws angry replies over {thing}",
    "{B}'s hashtag campaign backfires spectacularly",
    "What {B}'s {event} tells us about {thing}",
    "{B} {event} goes viral for the wrong reasons",
    "{B} under fire online over {thing}",
    "Users hijack {B}'s {event} to protest {thing}",
)
#: Every skeleton, by form; a skeleton's number is its index in :data:`SKELETONS`.
FORMS: dict[str, tuple[str, ...]] = {
    "question": _QUESTION,
    "accusation": _ACCUSE,
    "sarcasm": _SARCASM,
    "insult": _INSULT,
    "meme": _MEME,
    "storm": _STORM,
    "headline": _HEADLINE,
}
SKELETONS: tuple[str, ...] = tuple(s for forms in FORMS.values() for s in forms)
_FIRST = {name: sum(len(f) for f in list(FORMS.values())[:i]) for i, name in enumerate(FORMS)}
#: The forms each text class is written in, with weights.
CLASS_FORMS: dict[str, tuple[tuple[str, float], ...]] = {
    "hostile": (("insult", 0.45), ("accusation", 0.4), ("question", 0.15)),
    "ironic": (("sarcasm", 0.35), ("meme", 0.35), ("question", 0.15), ("storm", 0.15)),
    "negative": (("accusation", 0.5), ("question", 0.5)),
    "questions": (("question", 1.0),),
    "neutral": (("storm", 1.0),),
    "positive": (("sarcasm", 0.5), ("meme", 0.5)),
}
_SLOT = re.compile(r"\{(\w+)\}")
_EVALUATIVE = frozenset(
    [
        "love",
        "great",
        "joke",
        "surprise",
        "wow",
        "nice",
        "shame",
        "disgrace",
        "pathetic",
        "evil",
        "garbage",
        "unbelievable",
        "sure",
        "right",
        "wonderful",
        "brilliant",
        "thanks",
        "yay",
        "good",
        "best",
        "fun",
        "smh",
        "lol",
        "hell",
        "enough",
        "complicit",
        "liar",
        "horrible",
        "disgusting",
        "awesome",
        "perfect",
        "classy",
        "amazing",
        "yeah",
        "oh",
        "really",
        "seriously",
        "nerve",
        "souls",
        "surprised",
        "helpful",
        "fantastic",
        "lovely",
        "ridiculous",
        "sad",
        "clown",
        "clowns",
        "trash",
        "stupid",
        "absolute",
    ]
)
_PLAIN = _EVALUATIVE | frozenset(
    [
        "it's",
        "its",
        "it",
        "is",
        "was",
        "a",
        "an",
        "the",
        "so",
        "just",
        "what",
        "why",
        "how",
        "i",
        "i'm",
        "am",
        "not",
        "at",
        "all",
        "no",
        "yes",
        "such",
        "this",
        "that",
        "very",
        "much",
        "absolutely",
        "totally",
        "truly",
        "of",
        "course",
        "on",
        "you",
        "shame",
        "for",
        "again",
        "stuff",
        "times",
        "news",
        "day",
        "story",
        "idea",
        "move",
        "work",
        "keep",
        "up",
        "can't",
        "fix",
        "don't",
        "be",
        "we",
        "are",
        "here",
        "go",
        "there",
        "ever",
        "never",
        "well",
        "done",
        "thank",
        "god",
        "some",
        "people",
        "have",
        "these",
        "those",
        "too",
        "as",
        "always",
        "only",
        "my",
        "your",
        "our",
        "us",
        "me",
        "do",
        "does",
        "did",
        "get",
        "got",
        "any",
        "anyone",
        "everyone",
        "nothing",
        "something",
        "new",
        "same",
        "old",
        "more",
        "way",
        "thing",
        "things",
        "and",
        "or",
        "but",
        "by",
        "to",
        "in",
        "with",
        "one",
        "hate",
        "sick",
        "surprised",
        "wonder",
        "who",
        "could",
        "would",
        "wish",
        "gotta",
    ]
)


_DOUBLE_POSSESSIVE = re.compile(r"(?<=['\u2019][sS])['\u2019]s\b")


def possessive(text: str) -> str:
    """``text`` with a possessive of a name that already ends in one made once
    ("McDonald's's watch" is "McDonald's watch").

    >>> possessive("It happened on McDonald's's watch, not on Qantas's.")
    "It happened on McDonald's watch, not on Qantas's."
    """
    return _DOUBLE_POSSESSIVE.sub("", text)


@functools.lru_cache(maxsize=512)
def _parts(skeleton: str) -> tuple[tuple[str, str], ...]:
    """``skeleton`` as (literal, slot) pairs; the last slot is empty."""
    pieces = _SLOT.split(skeleton)
    pieces.append("")
    return tuple((pieces[i], pieces[i + 1]) for i in range(0, len(pieces) - 1, 2))


def _pick(r: random.Random, items: Sequence[str]) -> str:
    return items[r.randrange(len(items))]


def phrases(texts: Sequence[str], limit: int = 400) -> list[str]:
    """Short evaluative sentences (2-5 words, no handles, tags or digits) of ``texts``.

    >>> phrases(["Monday again. What a surprise! #mondays", "I love it. Love it."])
    ['I love it.', 'Love it.', 'What a surprise!']
    """
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for text in texts:
        for s in re.split(r"(?<=[.!?])\s+", text):
            s = s.strip()
            if not s or s[-1] not in ".!?" or re.search(r"[@#\d&*|()]|http", s):
                continue
            words = re.findall(r"[a-z'’]+", s.lower().replace("’", "'"))
            if not 2 <= len(s.split()) <= 5 or not _EVALUATIVE.intersection(words):
                continue
            if not _PLAIN.issuperset(words) or (not s.isupper() and re.search(r"\w[A-Z]", s)):
                continue
            key = s.lower().rstrip(".!?") + s[-1]
            counts[key] += 1
            shown.setdefault(key, s[0].upper() + s[1:])
    return [shown[k] for k, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))][:limit]


class Grammar:
    """Writes hostile, ironic and negative posts about one scenario's grievances."""

    def __init__(
        self,
        voice: Voice,
        *,
        handle: str,
        keywords: Sequence[str],
        rng: random.Random,
        sarcastic: Sequence[str] = (),
        offensive: Sequence[str] = (),
    ) -> None:
        self.voice = voice
        self.rng = rng
        name = voice.brand or (keywords[0] if keywords else handle.lstrip("@"))
        self.brands = [name, name, name, handle, *keywords]
        self.sarcastic = list(sarcastic)
        self.offensive = list(offensive)
        self.grievances = {g.name: g for g in voice.grievances}
        self.all = list(voice.grievances)
        self.decks: dict[tuple[str, str], list[int]] = {}
        self.event = voice.event or "campaign"

    def write(
        self, cls: str, form: str = "", grievances: Sequence[str] = (), deck: str = ""
    ) -> tuple[str, int]:
        """A post of text class ``cls`` (or in ``form``) and the number of its skeleton.

        Skeletons are dealt like cards from one deck per form and ``deck`` (the writer
        keeps original posts and replies apart), so each is used about equally often.
        """
        r = self.rng
        if not form:
            forms = CLASS_FORMS.get(cls, CLASS_FORMS["hostile"])
            x, form = r.random(), forms[-1][0]
            for name, w in forms:
                if x < w:
                    form = name
                    break
                x -= w
        skeletons = FORMS[form]
        cards = self.decks.setdefault((form, deck), [])
        if not cards:
            cards.extend(range(len(skeletons)))
            r.shuffle(cards)
        k = cards.pop()
        text = self.fill(skeletons[k], grievances)
        if form != "headline":
            text = self._vary(text, cls)
        return text, _FIRST[form] + k

    def fill(self, skeleton: str, grievances: Sequence[str] = ()) -> str:
        """``skeleton`` with its slots filled."""
        r = self.rng
        pool = [self.grievances[g] for g in grievances if g in self.grievances] or self.all
        g1 = pool[r.randrange(len(pool))] if pool else None
        out = []
        for lit, key in _parts(skeleton):
            out.append(lit)
            if not key:
                continue
            if key == "B":
                out.append(self.brands[r.randrange(len(self.brands))])
            elif key == "event":
                out.append(self.event)
            elif key in ("thing", "Thing"):
                t = _pick(r, g1.things) if g1 is not None else "all of it"
                out.append(t[:1].upper() + t[1:] if key == "Thing" else t)
            elif key == "thing2":
                others = [g for g in pool if g is not g1] or pool
                out.append(_pick(r, others[r.randrange(len(others))].things) if others else "")
            elif key == "deed":
                out.append(_pick(r, g1.deeds) if g1 is not None else "done all this")
            elif key == "word":
                out.append(_pick(r, g1.words) if g1 is not None else "sorry")
        return possessive("".join(out))

    def _vary(self, text: str, cls: str) -> str:
        r = self.rng
        real = self.offensive if cls in ("hostile", "negative") else self.sarcastic
        x = r.random()
        if real and x < 0.3:
            text = f"{text} {real[r.randrange(len(real))]}"
        elif real and x < 0.42:
            text = f"{real[r.randrange(len(real))]} {text}"
        y = r.random()
        if y < 0.12:
            text = text.lower()
        elif y < 0.2 and text[-1:] in ".!":
            text = text[:-1]
        elif y < 0.25:
            text = text.rstrip(".") + r.choice(("!", "!!", " smh", " lol", "..."))
        return text
