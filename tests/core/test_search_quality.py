"""Question understanding over the tuning part of the evaluation: the floor it must keep, and
the questions from the issue that must get their topic or an honest refusal."""

from __future__ import annotations

import pytest

from bot.core.explain import explain_reply
from bot.core.model import KnowledgeBase
from bot.core.reply import render_text
from bot.core.search import TopicIndex, index_for
from tests.core.eval.evalset import TUNING_FILES, Search, load_parts, score

TUNING = load_parts(TUNING_FILES)
# Now 96.0 % right and 0.4 % confidently wrong over the 1009 questions of six tuning files;
# cross-validated 95.9 % and 0.4 %, each file on the others' settings 95.9 % and 0.4 %, the
# newest (tuning-6, the last held-back part) 91.8 % and 1.1 % (bench/bench_explain_cv.py).
# Before: 95.5 % right and 0.5 % confidently wrong over the 827 questions of five tuning files;
# cross-validated 95.5 % and 0.6 %, each file on the others' settings 95.1 % and 0.6 %
# (bench/bench_explain_cv.py). The floor below is kept from when it was set:
# Measured 95.5 % right and 0.3 % confidently wrong over the 673 questions of the tuning files
# (four parts by different authors) when this floor was set; cross-validated 95.5 % right and
# 0.3 % wrong, and each file scored with the settings chosen on the others 95.6 % and 0.4 %.
# (Before: 90.9 % and 0.9 % once the spent third held-back part joined the tuning files as
# tuning-4.yaml; earlier floors were 90 %.) A change to the ranking or the knowledge that
# drops below the floor must say why.
MIN_ACCURACY = 0.94
MAX_WRONG = 0.01


def _search(index: TopicIndex) -> Search:
    def search(text: str) -> tuple[str | None, tuple[str, ...]]:
        result = index.search(text)
        return result.topic, result.suggestions

    return search


def test_tuning_part_accuracy_floor(kb: KnowledgeBase, capsys: pytest.CaptureFixture[str]) -> None:
    result = score(_search(index_for(kb)), TUNING)
    with capsys.disabled():
        print(
            f"\nexplain tuning part: right {result.accuracy:.1%}, "
            f"confidently wrong {result.wrong_rate:.1%}, off-topic refused "
            f"{result.refusal_rate:.1%} over {result.total} questions"
        )
    assert result.total >= 500
    assert result.accuracy >= MIN_ACCURACY, result.missed
    assert result.wrong_rate <= MAX_WRONG, result.missed


def test_every_tuning_label_is_a_topic(kb: KnowledgeBase) -> None:
    unknown = {topic for question in TUNING for topic in question.topics} - set(kb.topics)
    assert not unknown


@pytest.mark.parametrize(
    "question", [q.text for q in TUNING if q.refuse], ids=lambda text: text[:40]
)
def test_off_topic_questions_are_refused_with_at_most_three_suggestions(
    kb: KnowledgeBase, question: str
) -> None:
    # A forum post is searched whole; /dk2 explain takes up to max_input_chars of it.
    result = index_for(kb).search(question)
    assert result.topic is None and len(result.suggestions) <= 3
    if len(question) > kb.units.max_input_chars:
        return
    reply = explain_reply(kb, question)
    assert reply.data["topic"] is None
    assert reply.data["match"] in ("none", "urgent")  # someone needing care now: where to go
    assert len(reply.data["suggestions"]) <= 3


@pytest.mark.parametrize(
    ("question", "allowed"),
    [
        ("should i take k2 with d3", {"synergy"}),
        ("how much d3 should i take", {"dosing"}),
        ("does d3 cause artery calcification", {"safety", None}),
        ("best time to take", {None}),
        ("side effects", {"toxicity", None}),
        ("k2 with food", {None}),
    ],
)
def test_the_issues_questions_get_their_topic_or_an_honest_refusal(
    kb: KnowledgeBase, question: str, allowed: set[str | None]
) -> None:
    assert index_for(kb).search(question).topic in allowed


def test_the_endocrine_societys_view_of_the_rda_is_found_on_the_rda_topic(
    kb: KnowledgeBase,
) -> None:
    # It was answered with the blood-level targets topic, whose alias is "endocrine society";
    # the RDA topic now says what the 2024 guideline says of the RDA (references.md).
    reply = explain_reply(
        kb, "what does the endocrine society say about the rda for people under 50"
    )
    assert reply.data["topic"] == "rda"
    detail = render_text(reply)
    assert "Endocrine Society's 2024 guideline" in detail
    assert "under 50" in detail and "600 IU (15 µg)" in detail


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # the article's synergy paragraph: D raises the K-dependent proteins, so the need for K2
        ("does vitamin d ramp up k dependent proteins so i need extra k2", "synergy"),
        # what those proteins are is still K2's own topic
        ("what are the k dependent proteins k2 activates", "vitamin-k2"),
        # members' words read as the topics' ("fearmongering" doubts a safety claim)
        ("is the d3 without k2 thing fearmongering", "safety"),
        ("is all the d3 without k2 danger talk scaremongering", "safety"),
        ("what does carboxylated osteocalcin mean", "osteocalcin"),
        # an accidental overdose in members' words
        ("took the wrong dose of d3 for a month, 10x what i meant", "toxicity"),
        ("i took a double dose of my d3 today, should i worry", "toxicity"),
        # vitamin K and clotting, as members put it, is the blood-thinner topic
        ("does k2 thin your blood", "warfarin"),
        ("will mk7 thicken my blood", "warfarin"),
    ],
)
def test_questions_in_members_words_get_their_topic(
    kb: KnowledgeBase, question: str, topic: str
) -> None:
    assert index_for(kb).search(question).topic == topic


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("does k2 change my warfarin dose", "warfarin"),
        ("2000iu d3 only, no k2. am i harming myself", "safety"),
    ],
)
def test_a_question_about_a_dose_or_oneself_is_not_a_request_to_change_it(
    kb: KnowledgeBase, question: str, topic: str
) -> None:
    assert index_for(kb).search(question).topic == topic


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # sport and games are members' lives, not another subject (held-back sets 11 and 12
        # lost "indoors gaming" and "plays football" questions on children to these words)
        (
            "my son plays football all day outside in summer, does he still need vit d in winter",
            "children",
        ),
        ("teen gamer never goes outside, how much d3 is safe for a 15 year old", "children"),
        # checking with a doctor is what the cautions advise, not a change of treatment
        ("which conditions mean you shouldn't take d3 without checking with your gp", "cautions"),
        # words that name another subject only in other company (held-back set 13 lost
        # "stress fractures", "rock climber", "disappears fast" and "only prescribed" to them)
        ("any point taking d3 and k2 for stress fractures? runner here", "bone-health"),
        ("bouldering and climbing 4x a week, would k2 help my bones", "bone-health"),
        ("how quickly does mk-4 leave the blood compared to mk7, heard it goes fast", "k2-forms"),
        ("my gp prescribed d3 only, should i be worried theres no k2 with it", "safety"),
        ("which people shouldnt start d3 without asking their doctor", "cautions"),
        # held-back set 15: "better absorbed" and "the prescription" only in other company
        ("which k2 is absorbed better, mk4 or mk7", "k2-forms"),
        ("is 1.25mg (the prescription strength one) how many iu", "units"),
        # a breastfed baby's dose is the child's (breastfeeding is the mother's)
        ("my newborn is breastfed only, how many iu of d does he need", "children"),
        # held-back set 32: a price in passing is context ("same price": refused as shopping)
        ("which form should i buy, mk4 or mk7, theyre the same price", "k2-forms"),
        # held-back sets 33 and 34: a shop, an operation, an idiom or a disclaimer in passing
        ("seen 50mcg and 100mcg k2 on amazon, what dose is typical", "dosing"),
        ("is 10000 iu from amazon above the upper limit", "upper-limit"),
        (
            "my husband had bypass surgery years ago, can k2 help keep his arteries from calcifying",
            "cardiovascular",
        ),
        ("can i get too much vitamin k from eating a mountain of spinach", "k-intake"),
        (
            "my result is 35 nmol/l, which iom band is that? not asking for a diagnosis",
            "deficiency",
        ),
        # held-back sets 35 and 36: "drops my" is the product, not "drop my" (a dose)
        ("just started the drops my gp recommended, what daily dose of d3 is typical", "dosing"),
        # held-back sets 37 and 38: when it started is chatter ("covid" is a condition)
        ("been on 5000 iu since covid, is that over the ul", "upper-limit"),
        ("nutshell version pls", "summary"),
        # a calcium score is context for a question on the arteries
        ("my dad had a calcium score of 300, can k2 help his arteries", "cardiovascular"),
        # "brushing" was read as a typo of "bruising", which is out of scope
        (
            "my doctor was brushing me off when i asked for a vitamin d test, is that normal now",
            "testing",
        ),
        # sets 58 and 59 (measured once on 33f89ea): prices, skipped days and a diagnosis not
        # wanted, each in passing; the IOM's scale named as the member's question
        (
            "my friend takes mk-4 and i take mk-7, the prices are very different. how do the "
            "two forms differ in the body",
            "k2-forms",
        ),
        (
            "skipped a few days of my k2 while travelling, how long does mk-7 stay in the blood",
            "mk7",
        ),
        (
            "got my result, 22 ng/ml. im not after a diagnosis, just where on the iom scale "
            "that sits",
            "deficiency",
        ),
        ("my lab result was 16 ng/ml, which iom category is that in", "deficiency"),
        # sets 60 and 61: a switch already made, money a doctor may be saving
        ("i switched from warfarin to eliquis a while ago, is k2 still a problem", "warfarin"),
        (
            "my doctor wont order a vitamin d test, says healthy people dont need one. is that "
            "the guideline or are they saving money",
            "testing",
        ),
        # held-back sets 84 to 87, each refused by an out-of-scope phrase: "adjust my dose" is
        # a member's own dose, set by testing (refused as a change to a prescription, like
        # "lower my dose")
        ("should i get my vit d rechecked every couple of months to adjust my dose", "testing"),
        # a calcium supplement beside D and no K2 is the question of D without K2 (it was
        # refused as shopping)
        (
            "i'm on d3 and a calcium supplement, no k2 at all. is that combo asking for trouble?",
            "safety",
        ),
        ("taking a high calcium supplement and lots of d, bad idea without k2?", "safety"),
        # calcium in the arteries "instead of my bones" replaces no treatment
        (
            "scared the calcium from my d3 goes to my arteries instead of my bones, does k2 help "
            "the heart",
            "cardiovascular",
        ),
        # where a member heard something is a story, not a question on storing a bottle
        (
            "the guy in the vitamin store swears mk-4 and mk-7 are the same thing, are they",
            "k2-forms",
        ),
        # set 135: "how big a deal" is an idiom, not a bargain (refused as shopping)
        ("how big a deal is calcium in the arteries, does k2 help", "cardiovascular"),
    ],
)
def test_a_members_life_and_their_doctor_are_context_not_another_subject(
    kb: KnowledgeBase, question: str, topic: str
) -> None:
    assert index_for(kb).search(question).topic == topic


@pytest.mark.parametrize(
    "question",
    [
        "what level do i need for the raid in the new game",
        "who won the football last night",
        "what does the d in d-day mean",
        "ashwagandha worth it for stress?",
        "how many climbers died on k2 last year",
        "liquid d3 drops vs softgels which absorbs better",
        "should i take d3 in the morning or at night",
        "calcium citrate or carbonate for bones",
        # asking a price is still shopping
        "whats the price of mk7 at costco",
        "d3 price per capsule, which is cheapest",
        # a diagnosis of oneself (held-back set 32 got bone-health for one)
        "do i have osteoporosis? im 60 and my back has been sore for a month",
        # held-back set 33 got cautions for one
        "calcium 2.8 and pth high on my bloods, what condition have i got",
        # sets 35 and 36: a diagnosis from someone else's results or a scan
        "mum's bloods show high calcium and low kidney function, what disease does she have",
        "coronary calcium score came back 200, am i going to have a heart attack",
        "husband's pth is 90 and calcium high, is it hyperparathyroidism",
        "scan found kidney stones, did my d3 cause them",
        "inr came back at 3.8, is that bad",
        # sets 37 and 38: what a result means for the member, or symptoms asked as toxicity
        "calcium score 250 on my ct, does that mean i have heart disease",
        "my wife is always thirsty on 8000 iu a day, is she toxic",
        "my inr was 3.6 yesterday, should i be worried",
        "ct showed a calcium score of 90, whats my diagnosis",
        "thirsty all the time on 20000 iu, am i vitamin d toxic",
        # shopping and an operation to come are still not answered
        "best k2 on amazon",
        "amazon has d3 for 8 dollars, good deal?",
        "should i stop d3 before surgery",
        # sets 44 and 45: a bone scan's reading, a shop's value, a brand for a child
        "DEXA came back with a T-score of -2.1 at the hip, is that osteopenia?",
        "which d3 is better value, the 1000 iu or 5000 iu bottles",
        "good k2 brand for a teenager?",
        # sets 46 and 47: a brand to buy, a heart scan read for a parent
        "Solgar or Jarrow for d3, which one should i buy?",
        "mum's scan shows calcium in her arteries, does she have heart disease?",
        # sets 48 and 49: a product to recommend, where it ships
        "could you recommend a good k2 for my teenage son?",
        "which mk7 ships to australia and isn't too expensive",
        # set 41 (measured at stops 25 and 26): a scan read for the member, a poem to write
        "my coronary calcium score came back 150. what does that mean for me?",
        "write a short poem about k2 for our newsletter",
        # one maker against another, whichever two (the tuning sets name Thorne and NOW most)
        "solgar vs jarrow d3, thoughts?",
        "nature made or garden of life for k2",
        # sets 52 and 53 (measured once on a7e3ddf): symptoms asked as toxicity, a recipe, the
        # most trustworthy maker
        "taking 8000 iu daily since spring and now always thirsty and sick, could this be vitamin d toxicity",
        "eating natto for k2 but its gross, got a recipe that makes it edible?",
        "what k2 brand is the most trustworthy?",
        # set 54: treating a kidney stone (set 54 got cautions, which name a history of them)
        "will taking d3 and k2 dissolve my kidney stone",
        # set 55: where to keep a bottle (nothing in the sources)
        "is it ok to keep my k2 softgels in the fridge",
        "how should i store my d3 drops once opened",
        # set 56: a heart scan read for the member
        "ct calcium score of 120, is this heart disease?",
        # set 59: a link to buy from
        "does anyone have an amazon link for decent mk7",
        # set 62 (measured once on 1261daf): a scan read for the member, asked as a cause
        "ct scan shows calcium in my arteries and i've taken d3 for ages. did the vitamin d "
        "cause this?",
        # set 65 (measured once on 1f8fd1f): "have i got" asks for a diagnosis as "do i have"
        "have i got toxicity? so thirsty lately on 10k a day",
        "have i got osteoporosis, my dexa said -2.7",
        # set 65: which brand is purest is shopping
        "which d3 brand is the purest one",
        "which mk7 brand is purest?",
        # set 72: what a child is deficient in, from how they seem, is a diagnosis
        "my son looks pale and keeps getting colds, what's he deficient in",
        "toddler always sick, what is she deficient in, vit d or k2?",
        # set 75: whether symptoms are low vitamin D is a diagnosis
        "bones feel weak and twitchy calves, could it be low vit d",
        # set 76: whether a raised kidney number is kidney disease is a diagnosis
        "creatinine up since starting d3, is it kidney disease",
        "my mum's kidney numbers rose on vitamin d, does she have kidney disease",
        # sets 80 and 81: what a result says is going on with me is a diagnosis
        "inr is 3.9 this week, what is going on with my body",
        "pth up and calcium 10.6 on my bloods, tell me what ive got",
        # this stop: what condition a result is, and an INR value to read, whatever the number
        "my pth is high and calcium 10.9, what condition is that",
        "calcium 10.6 and parathyroid hormone up, what is it i have",
        "inr 3.9 today, what does my result mean",
        "got my inr result 3.2 this morning, started k2 monday. is that bad?",
        # sets 84 to 87: how much calcium to take, or which, and a blood thinner's dose to set
        "how much calcium should i be taking alongside 2000iu d3",
        "which calcium supplement is best with d3",
        "should i adjust my dose of warfarin now that i take k2",
        # sets 88 to 91: what caused a member's stone, how bad a member's heart is
        "kidney stone in march, could it have been caused by my vitamin d? what kind of stone "
        "would that be",
        "calcium score of 250 on my ct, how bad is my heart",
        # sets 92 to 95: what tingling or twitching is, a symptom the sources say nothing of
        "tingling fingers since starting k2, what does it mean",
        # sets 96 to 99: whether a member's own stone was caused by what they take
        "passed a kidney stone last week, was it caused by the vitamin d i take?",
        "had a stone in may. was it caused by taking vitamin d every day?",
        # sets 100 to 103: whether a lump is the cancer a caution names; a bone medicine
        # weighed against D3 and K2
        "swollen gland in my armpit and low vitamin d, could it be lymphoma?",
        "my osteoporosis meds or d3 with k2, which is better for my bones",
        # sets 108 to 111: what causes a member's own stones
        "i get kidney stones every year and i take d3, whats causing them?",
        # sets 112 to 115: whether a member's results mean a condition a caution names
        "pth came back at 88 and calcium 10.7, do i have primary hyperparathyroidism",
        # set 126: a member's own scan result and what it means for them
        "coronary calcium came back at 210 on my ct. what does it mean for me",
        # set 141: which seller to buy from, and whether a listing is fake
        "is the k2 on amazon for 8 dollars legit or fake",
        "where should i buy my d3 and k2 from in the uk",
        # a member's own risk, from their own result (written for this stop; cardiovascular
        # answered it)
        "calcium score of 350 last week, what is my risk of a heart attack",
        # set 150: the cause of a member's own stones
        "third kidney stone now, 4000 iu a day, is d3 the cause of my stones",
        # set 159: whether a member's own stones come from what they take
        "another kidney stone last month, is it because of my vitamin d",
        # ... and more ways of asking it, written for this stop (cautions answered them)
        "passed a stone on friday, was it the d3",
        "did my vitamin d give me the stones i passed",
        "could d3 be why my calcium keeps coming back high",
        # set 170: whether a member's vitamin D caused their stones
        "three stones since spring, did the vitamin d i take cause them or not",
        # a symptom, and a condition, the sources say nothing of (written for this stop:
        # vitamin D and children answered them)
        "my feet swell since i started d3, is that normal",
        "will d3 help my autistic daughter",
        # products to buy
        "can you link me the best d3 k2",
        "what's the best product for d3 and k2",
        # a refusal drill written for this stop (bone health, synergy, vitamin D and safety
        # answered such posts): the cause of a member's own result or symptom, a condition,
        # whether a product is what it says
        "is my low bone density genetic or from never taking d",
        "my platelets dropped since i added k2, is it the k2",
        "my periods stopped since i started d3, why",
        "my legs feel weak and my d is normal, could it be ms",
        "is this amazon d3 legit or a scam",
        "the d3 k2 combo from that influencer brand, worth the money or a scam",
        # a tuning question on lowering Coumadin on one's own was answered with warfarin
        "my inr is low, can i increase my coumadin a bit on my own",
        # sets 196 and 203: whether something is wrong with a member's heart or kidneys, and
        # why their stones keep coming (cardiovascular and cautions answered them)
        "is there something wrong with my kidneys if my calcium is high on d3",
        "my heart keeps fluttering since i upped my d3, anything wrong with my heart?",
    ],
)
def test_other_subjects_that_share_a_word_are_still_not_answered(
    kb: KnowledgeBase, question: str
) -> None:
    assert index_for(kb).search(question).topic is None


def test_mk7_against_k1_is_not_answered_with_vitamin_k_intake(kb: KnowledgeBase) -> None:
    # Held-back set 32: "whats so special about mk-7 compared to plain k1" got k-intake (which
    # names the forms); MK-7's half-life against K1's is the mk7 topic's
    result = index_for(kb).search("mk7 or k1 from kale, which is better")
    assert result.topic in (None, "mk7") and (result.topic or result.suggestions[0]) == "mk7"


def test_the_takeaway_names_the_article(kb: KnowledgeBase) -> None:
    # Held-back set 32: "whats the main takeaway, im not reading all that" named nothing of
    # the subject, so it got suggestions only
    assert index_for(kb).search("whats the takeaway here, skimmed it").topic == "summary"


def test_a_level_asked_as_toxic_is_still_the_toxicity_topic(kb: KnowledgeBase) -> None:
    # "is she toxic" about someone's symptoms asks for a diagnosis; about a level, toxicity's
    # figures answer it (and an INR that K2 may move is still the warfarin topic's)
    index = index_for(kb)
    assert index.search("my level is 160 ng/ml, am i toxic").topic == "toxicity"
    assert index.search("does k2 affect my inr").topic == "warfarin"


def test_a_morning_habit_is_not_a_question_on_when_to_take_a_dose(kb: KnowledgeBase) -> None:
    # "morning" alone was out of scope (the sources don't say when in the day to take D or K2)
    result = index_for(kb).search("i eat natto most mornings, is that enough k2")
    assert result.how != "out-of-scope" and "mk7" in result.suggestions


def test_a_k2_amount_to_pair_with_d3_is_dosing(kb: KnowledgeBase) -> None:
    # Answered with dosing before the classifier (words alone and the fused score agreed);
    # the first classifier, learnt from fewer members' questions, rated synergy nearly as
    # likely and made it a "did you mean" with dosing first; learnt from 19 tuning files it
    # is dosing's again. Either way never another topic's answer.
    result = index_for(kb).search("usual k2 amount alongside my d3")
    assert result.topic == "dosing" or (result.topic is None and result.suggestions[0] == "dosing")


@pytest.mark.parametrize(
    "drug", ["apixaban", "Eliquis", "rivaroxaban", "Xarelto", "dabigatran", "Pradaxa", "edoxaban"]
)
def test_a_member_naming_a_newer_anticoagulant_finds_the_warfarin_topic(
    kb: KnowledgeBase, drug: str
) -> None:
    index = index_for(kb)
    assert index.search(drug).topic == "warfarin"
    assert index.search(f"i'm on {drug}, is k2 ok?").topic == "warfarin"
    assert index.search(f"can I take K2 with {drug}").topic == "warfarin"
    # a dose taken as prescribed is no emergency ("too many" or "by mistake" would be)
    assert index.search(f"on {drug} twice a day, is mk-7 ok").topic == "warfarin"


def test_autocomplete_offers_at_most_25_topics(kb: KnowledgeBase) -> None:
    index = index_for(kb)
    assert 0 < len(index.autocomplete("")) <= 25
    assert index.autocomplete("ost")[0].id == "osteocalcin"
    assert index.autocomplete("warf")[0].id == "warfarin"
    assert index.autocomplete("matrix")[0].id == "mgp"
    assert all(len(t.title) <= 100 for t in index.autocomplete("vitamin"))


def test_autocomplete_puts_the_topic_explain_would_answer_first(kb: KnowledgeBase) -> None:
    index = index_for(kb)
    answered = [
        (q.text, found)
        for q in TUNING
        if (found := index.search(q.text).topic) is not None and len(q.text) <= 100
    ]
    assert len(answered) > 100
    for text, found in answered:
        assert index.autocomplete(text)[0].id == found, text


def test_autocomplete_of_a_question_offers_what_explain_would_suggest(
    kb: KnowledgeBase,
) -> None:
    index = index_for(kb)
    checked = 0
    for question in TUNING:
        result = index.search(question.text)
        if result.topic is None and result.suggestions and result.how == "none":
            offered = [topic.id for topic in index.autocomplete(question.text)]
            assert offered[: len(result.suggestions)] == list(result.suggestions), question
            checked += 1
    assert checked >= 5


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # "stop my" is a prescriber's question only before something a member takes: what K2
        # may stop is the heart and arteries topic
        ("could k2 stop my blood vessels from hardening", "cardiovascular"),
        ("can d3 stop my bones from getting weaker", "bone-health"),
    ],
)
def test_stop_my_before_a_body_part_asks_what_a_vitamin_does(
    kb: KnowledgeBase, question: str, topic: str
) -> None:
    assert index_for(kb).search(question).topic == topic


@pytest.mark.parametrize(
    "question",
    [
        # stopping what a member takes is for their prescriber
        "do i need to stop my vitamin d before an operation",
        "should i stop my k2 for a bit",
        "thinking i should stop my supplements, thoughts",
        "should i stop my blood thinners before starting k2",
        # setting one member's own dose, or a condition the sources don't cover
        "what d3 dose should i personally be taking",
        "tell me exactly how much k2 i need",
        "i have lupus, how much d3 would suit me",
        "does vitamin d help with rheumatoid arthritis",
        # a sick child is for a clinician now, not the children's dose topic
        "toddler running a fever since yesterday, would a bit more vit d help",
        "my son has a high temperature, is it ok to up his d3 drops",
        # telling one infection from another is a diagnosis
        "does vit d help my cough or is it a chest infection",
        "scratchy throat for 3 days, is that strep or can i just take extra d",
        "runny nose and sinus pain, is it the common cold or something else, on d3 already",
        # stopping a named blood thinner for a procedure is for the prescriber
        "do i have to stop xarelto before the dentist pulls a tooth",
        "is it ok to stop warfarin for a week before a dental implant",
        # a condition the sources say nothing about, asked as a diagnosis
        "peeing all the time and always thirsty, diabetes or too much d3, which is it",
        # bleeding on a blood thinner, or changing or swapping it, is for the prescriber now
        "nosebleeds since i started k2 on top of my warfarin, what do i do",
        "on eliquis, could i just take aspirin instead",
        "can i reduce my dose of xarelto now i take mk7",
        # changing a prescribed dose on one's own, with or without a medicine named
        "can i cut my warfarin dose myself now that im on k2",
        "can i stop my water pills since my calcium is fine",
        "can i change the dosage myself if my levels are fine",
        "my gp has me on 3000 a day, can i lower it to 1000 now my level is 60",
        "eliquis 5mg twice a day, could i halve it now im on k2",
        "could i swap it for eliquis so i can keep my k2",
        "on xarelto 20, could i drop to 15 mg now that i take k2",
        "eliquis twice daily, can i drop to once a day with k2",
        # the prescribed vitamin D hormone, which the sources don't discuss as a supplement
        "can i double my calcitriol if my level is low",
        # stopping a prescribed statin for K2
        "my doctor started me on rosuvastatin, can i stop it and take k2 instead",
        # a diagnosis from one's own labs (having the condition is a caution: below)
        "calcium 10.7 and pth high on my labs, do i have hyperparathyroidism",
        # doubling a prescribed dose, stopping a prescribed medicine
        "my gp prescribed 2000 iu but my level is still low, can i double my dose",
        "on a water pill for my bp, can i stop taking it so i can take more d",
        "calcium came back 10.9 on my blood test, which condition do i have",
        # a symptom, asked as a diagnosis
        "been on 5000 iu d3, got a sharp pain low in my back on one side, is it a kidney stone",
        "get a tight chest on my runs since starting d3, is that my heart",
        # asking whether a symptom comes from one's vitamin D is a diagnosis
        "sharp pain peeing, is it from my d3",
        # skipping doses of a prescribed blood thinner on one's own
        "on coumadin, ok if i miss a dose to make room for mk7",
    ],
)
def test_requests_for_a_members_own_treatment_are_refused(kb: KnowledgeBase, question: str) -> None:
    result = index_for(kb).search(question)
    assert (result.topic, result.how) == (None, "out-of-scope")


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # what someone "needs" a day is the official intake, not the article's usual doses
        ("how much vitamin d do seniors need per day", "rda"),
        ("what amount of vitamin k do men need each day", "k-intake"),
        # two sources naming two different levels is the targets topic
        ("why do some sites call 25 ng/ml fine and others call it too low", "targets-disagree"),
        # "ramps up" is raising, not "cramps", a symptom dk2 refuses
        ("if vitamin d ramps up the k dependent proteins, do i need more k2", "synergy"),
        # "drink" alone is not drinking alcohol
        ("does drinking milk help my bones as much as d3 with k2", "bone-health"),
        # the shortest dose question, asked in every set of members' questions
        ("k2 dosage?", "dosing"),
        ("d3 dose??", "dosing"),
        # "a big deal" asks why something matters: the words no topic uses no longer leave
        # the question too little known to answer
        ("are calcium deposits in the arteries a big deal for heart health", "cardiovascular"),
        ("why is k2 suddenly such a big deal", "vitamin-k2"),
        # a level that dropped is not a member lowering their own dose
        ("my level dropped to 12 ng/ml, is that deficient", "deficiency"),
        # saying one is not pregnant asks for an adult's intake, not the pregnancy topic
        ("recommended daily vitamin d for a 35 year old woman who is not pregnant", "rda"),
        ("whats the rda of vitamin d for a woman, not pregnant or breastfeeding", "rda"),
        # nursing while a baby is named is the mother breastfeeding (pregnancy), not the
        # baby's own dose (children)
        ("d3 while nursing, is the advice different, my baby is 6 weeks", "pregnancy"),
        # "until" is chatter: unknown, it left too little of the question known to answer
        ("k2?? never heard of it until this server. whats it for", "vitamin-k2"),
        # having the condition is a caution; asking whether one has it is a diagnosis (above)
        ("i have hyperparathyroidism, is vitamin d safe for me", "cautions"),
        # "today", like "until", is chatter
        ("never heard of mk7 until today, what is it for", "mk7"),
        # a mother nursing a baby is breastfeeding (pregnancy); a baby who nurses is children's
        ("how much vitamin d for a mum nursing a 4 month old", "pregnancy"),
        ("how much vitamin d should i give a baby who is nursing", "children"),
        # which conditions call for a doctor first is a caution, not a diagnosis
        ("what conditions mean i should check with a doctor before vitamin d", "cautions"),
        # how a member broke a bone: the fall, not a bike (out of scope as a product)
        ("came off the bike and fractured my wrist, does k2 help", "bone-health"),
        # "last month" says when, not MK-7's "lasts longer"
        ("found out about k2 last month, why does it matter", "vitamin-k2"),
        # what vitamin D does beyond bones is vitamin D's topic
        ("what is vitamin d apart from bones, what else does it do", "vitamin-d"),
        # apologising for a basic question is chatter: it left too little known to answer
        ("sorry if this is a basic question, what does vitamin d actually do", "vitamin-d"),
        # where a member read it is chatter ("phone" is out of scope as a product)
        ("read it on my phone, what is the k2 dose it says", "dosing"),
        # a multivitamin named for the D or K it holds is no other supplement
        ("my multivitamin has 400 iu of d, what is the rda for an adult", "rda"),
        # having had kidney stones is a caution; asking whether one has them is a diagnosis
        ("i had kidney stones before, is vitamin d safe for me", "cautions"),
        # sets 92 to 95: what vitamin D is for is its own topic, not bone health; a hyphen
        # typed inside a word leaves the word known
        ("so what is vitamin d actually for, besides the bones thing", "vitamin-d"),
        ("osteo-calcin, someone on youtube mentioned it, what is it", "osteocalcin"),
        # sets 100 to 103: "for dummies" asks for it simply, it names no gummies
        ("vitamin d for dummies pls", "vitamin-d"),
        # whether one needs K2 with D is whether D is safe without it; whether experts agree
        # on a level is the targets topic
        ("do u really need k2 with vitamin d?", "safety"),
        ("is there a consensus on what level to aim for", "targets-disagree"),
        # a purpose is what something does ("purpose" was a word dk2 did not know)
        ("whats the purpose of k2", "vitamin-k2"),
        # the Endocrine Society's 2024 dose advice (under 75s stay at the usual intake) is
        # the dosing topic's
        ("did the endocrine society change how much d3 people my age (60) should take", "dosing"),
        # "the D pill" is vitamin D ("pill" alone leaned on cautions' "water pill"), and a
        # "total beginner" asks for no total intake
        ("so what does the d pill actually do", "vitamin-d"),
        ("k2 explained simply for a total beginner", "vitamin-k2"),
        # set 133: "vit k" is vitamin K (the dose topic answered its daily need)
        ("how many micrograms of vit k should a man get daily", "k-intake"),
        # sets 139 and 150: D3 without K2 as "a heart attack in a bottle" asks whether D3 is
        # safe alone (cardiovascular answered it)
        ("is d3 alone really a heart attack in a bottle like the tiktok guy says", "safety"),
        # sets 176 to 187: "mgp" alone names its protein as "osteocalcin" does (it was only
        # in its title, "Matrix Gla protein (MGP)"), and a thread "split between" two
        # targets is the sources disagreeing (deficiency answered it)
        ("mgp in plain english", "mgp"),
        (
            "is 35 ng/ml fine? the thread is split between 'over 30 is fine' and 'you need 50+'",
            "targets-disagree",
        ),
    ],
)
def test_reference_intakes_disagreeing_sources_and_raised_needs_find_their_topic(
    kb: KnowledgeBase, question: str, topic: str
) -> None:
    assert index_for(kb).search(question).topic == topic


def test_vitamin_ds_role_leads_over_the_cautions_of_a_member_starting_it(kb: KnowledgeBase) -> None:
    # Sets 112 to 115: "what's vitamin D's role with calcium" from a member starting D3 was
    # answered with cautions ("'s" is dropped when a question is read, so "role of vitamin d"
    # never matched). Now vitamin D is answered, or offered first when the answer gate is unsure.
    result = index_for(kb).search(
        "new to all this and starting d3 next week. before i get into k2, what is vitamin d's "
        "role with calcium?"
    )
    assert (result.topic or result.suggestions[0]) == "vitamin-d"


def test_greens_are_the_vitamin_k_intake_topic_unless_the_member_is_on_warfarin(
    kb: KnowledgeBase,
) -> None:
    index = index_for(kb)
    assert index.search("is a spinach salad enough vitamin k for the day").topic == "k-intake"
    assert index.search("do leafy veggies like kale cover my k needs").topic == "k-intake"
    # naming warfarin puts its caution first, whatever else the question asks
    assert index.search("on warfarin, how much kale can i eat").topic == "warfarin"
    assert index.search("i take warfarin, are broccoli and spinach a problem").topic == "warfarin"


def test_rickets_is_refused_as_a_condition_not_read_as_tickets(kb: KnowledgeBase) -> None:
    result = index_for(kb).search("can low vitamin d cause rickets in adults")
    assert (result.topic, result.how) == (None, "out-of-scope")
    assert index_for(kb).vocabulary.read("rickets")[0].corrected is False


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # filler words no topic uses ("in a nutshell") do not leave a question too little
        # known to answer
        ("in a nutshell, what does vitamin d do", "vitamin-d"),
        ("osteocalcin in a nutshell", "osteocalcin"),
        # "lasting" is MK-7's long half-life, not "fasting", which dk2 refuses
        ("is mk7 the long lasting form of k2", "mk7"),
    ],
)
def test_filler_words_and_near_misses_of_refused_words(
    kb: KnowledgeBase, question: str, topic: str
) -> None:
    assert index_for(kb).search(question).topic == topic


@pytest.mark.parametrize(
    "question",
    [
        # "personally" and "personalised" stem to "person": refusing a member's own dose must
        # not refuse every question about a person
        "how much vitamin d should an average person get",
        "what k2 dose would a healthy person usually take",
        # "exactly" alone is no request for a member's own dose
        "exactly how much is 50 mcg of d3 in iu",
        # "wasting" is a near miss of the refused "fasting"
        "am i wasting my money on mk7",
        # retesting after a new dose is not changing a prescribed one
        "how soon should i recheck my level after changing my dose",
    ],
)
def test_near_misses_of_refusal_phrases_are_not_refused(kb: KnowledgeBase, question: str) -> None:
    result = index_for(kb).search(question)
    assert result.how != "out-of-scope"
    assert result.topic is not None or result.suggestions


@pytest.mark.parametrize(
    "question", ["my inr has been jumping around since i started d3 and k2", "inr and mk7?"]
)
def test_the_inr_is_the_warfarin_topics(kb: KnowledgeBase, question: str) -> None:
    # the INR is how warfarin is monitored: naming it is naming the blood thinner's caution
    assert index_for(kb).search(question).topic == "warfarin"


def test_prescription_doses_are_not_a_request_for_a_prescription(kb: KnowledgeBase) -> None:
    index = index_for(kb)
    found = index.search("do most vitamin d overdoses come from prescription strength capsules")
    assert found.topic == "toxicity"
    asked = index.search("can you write me a prescription for d3")
    assert (asked.topic, asked.how) == (None, "out-of-scope")
    # what a member's prescription says is a question on its units or its form
    unit = index.search("my prescription says 0.625 mg vitamin d, how many iu is that")
    assert unit.topic == "units"
    form = index.search("vitamin d2 on my prescription vs the d3 in shops, what's the difference")
    assert form.topic == "vitamin-d"


def test_a_recommended_amount_is_the_subject_without_naming_the_vitamin(
    kb: KnowledgeBase,
) -> None:
    assert index_for(kb).search("does the recommended amount change after 70").topic == "rda"


@pytest.mark.parametrize(
    "question",
    [
        "my kid got into the bottle of d3 gummies and ate most of it",
        "my 2 year old swallowed a handful of my k2 capsules",
        "should i call poison control, my son ate a whole bottle of vitamin d drops",
        "my husband passed out after taking a ton of vitamin d",
        "cant stop throwing up since i took loads of d3, is it the d",
        "my dog ate a whole bottle of d3",
        "my son drank half the bottle of vitamin d drops, help",
        "my daughter ate a bunch of my k2 softgels, will she be ok",
        "my son took a handful of my k2 pills, what now",
        # held-back set 39 and 40 answered these with the children topic
        "my 4 year old drank most of the bottle of d3 drops",
        "toddler ate most of a bottle of k2 gummies",
        "my son got hold of my vitamin d, what should i do right now",
        "my husband is vomiting and confused after a month of 50000 iu a day",
        # held-back set 45 answered a fall on a blood thinner with the warfarin topic
        "my dad takes eliquis and banged his head on the cupboard, he seems confused",
        "nan is on warfarin, fell over and hit her head, now very drowsy",
        # held-back set 54 answered a whole box taken by mistake with toxicity
        "nan took the whole pack of her vitamin d capsules last night, what do i do",
        "my brother took his whole box of 10000 iu capsules by mistake, hes vomiting",
        # set 57 answered pills swallowed just now with the children topic
        "my 3 year old just swallowed a few of my d3 softgels",
        "my toddler swallowed about 10 vitamin d tablets",
        # set 66 answered blood vomited on a blood thinner with the warfarin topic
        "throwing up blood since yesterday, im on xarelto",
        "coughing up blood on warfarin and k2, help",
        "on eliquis and there's blood in my pee, what now",
        # set 72 answered a dose taken by mistake, feeling awful now, with toxicity
        "accidentally took a month of my d3 in one go, feeling terrible now",
        "double dosed my 50000 iu by mistake, feeling awful now",
        # set 91 answered a count of gummies a child just ate with the children topic
        "my 4 year old just ate like 15 of my d3 gummies, what now",
        "toddler ate maybe 10 of the k2 capsules off the table",
        # set 110 answered someone confused and vomiting after weeks of high doses with
        # toxicity; the comma between the two symptoms hid them
        "my dad is confused, vomiting and weak after months of 50000 iu a day, what do we do "
        "right now",
        "my gran has been throwing up over and over since she started high dose d3",
        # set 112 answered pills taken by mistake with a racing heart now with toxicity
        "double dosed my d3 pills this morning and my heart's racing, what now",
        # set 118 answered a baby who swallowed "a few" softgels with the children topic
        "my toddler ate a few of my 2000 iu gummies just now",
        # set 122 answered warfarin taken by mistake, many pills, with the warfarin topic
        "took a couple extra of my warfarin tablets by accident, what now",
        "my husband doubled his xarelto by mistake today",
        # set 139 answered many pills taken at once, and feeling sick now, with toxicity
        "took 15 of my d3 gummies at once and now my stomach hurts",
        "i downed 10 of my vitamin pills at once and feel dizzy",
        # signs that need care now, after whatever was taken (toxicity, cardiovascular,
        # vitamin D and the children topic answered such questions)
        "took too many vitamin pills and my chest feels tight now",
        "took a load of my d3 by mistake and my heart is fluttering",
        "my mum is slurring her words after a lot of vitamin d",
        "after doubling my d3 i cant feel my fingers",
        "accidentally gave my toddler the adult drops, a whole dropper",
        "grandpa is very sleepy and wont wake properly after his weekly d",
        "mum took her 50000 daily by mistake for weeks and is now confused",
        # a child who got at pills (the children topic answered such questions), and pills
        # taken on purpose or to end a life
        "my 4yo had about 10 of my d3 chewables",
        "my daughter ate the rest of my k2 gummies",
        "found the bottle open and some are missing, my toddler was playing with it",
        "my grandson chewed up some of my k2 caps",
        "she swallowed them on purpose, the whole d3 jar",
        "thinking of taking all my vitamin d to end it",
        # set 145: a fall, or great pain, now (bone health answered an old man who fell)
        "grandma fell in the garden and cant get up, she takes d3 for her bones",
        "my husband is in so much pain in his side after months of 10000 iu, what now",
        # an allergic reaction, blurred sight, a baby who is floppy or won't feed, a blood
        # thinner taken in place of something else (written for this stop; mk7, toxicity,
        # children and warfarin answered such questions)
        "im having an allergic reaction to my k2, what should i do",
        "my lips are swelling after the new d3 softgel",
        "broke out in hives after my first mk7 capsule",
        "my vision went blurry after taking 50000 iu",
        "my baby seems floppy after her drops",
        "newborn on vit d drops is not feeding",
        "grandpa took his warfarin instead of his d3",
        "mum mixed up her pills and took her warfarin twice",
        # a stroke or a heart racing now, choking, shaking, a child who found the pills,
        # someone making no sense (written for this stop; cardiovascular and children answered
        # such questions, the rest got suggestions)
        "dad is having a stroke i think, took his d3 an hour ago",
        "my heart is beating so fast after the 50000 capsule",
        "my toddler is choking on a gummy vitamin",
        "cant stop shaking since my big d3 dose this morning",
        "my 4 year old found my k2 capsules and opened them",
        "she's not making sense after months of high dose d",
        # set 166: confused and throwing up now (toxicity answered it)
        "mum doubled her d3 for weeks, now she's confused and throwing up",
        "dad's throwing up right now after his 50000 iu capsules",
        # set 187: many capsules taken by mistake, feeling very unwell now (toxicity)
        "swallowed a dozen of my 50000 unit caps by accident and i feel so sick",
        "my wife took 30 of her d3 softgels by mistake and is feeling very ill",
        # a refusal drill written for this stop (children, warfarin, toxicity and dosing
        # answered such posts): a head knocked or a fall on a blood thinner, blood coughed up,
        # asking whether to wait it out, a child who got into pills, someone found on the
        # floor or not themselves, a fit, a swallowed battery, a life in danger
        "my dad is on xarelto and banged the back of his head on the car door, now he keeps "
        "repeating himself",
        "i coughed up some blood this morning, i take eliquis and k2",
        "mum has been sick all afternoon after her big weekly d3, the gp is closed till monday",
        "my toddler swallowed a couple of my d3 softgels, he seems fine, should we just wait "
        "and see",
        "my 3 year old got into the gummies while i was in the shower, the tub is half empty",
        "grandad is on the floor and seems really confused, his d3 bottle is open next to him",
        "grandma took all her d3 and k2 for the week at once and seems out of it",
        "my wife on warfarin fell down the stairs and has a big lump on her head",
        "i had a fit last night after a month of 20k iu a day, what now",
        "my son swallowed a button battery and a few vitamin d gummies",
        "how much d3 would it take to kill me",
        "i just want to die, would my whole bottle of vitamin d do it",
    ],
)
def test_someone_who_may_need_urgent_care_gets_the_urgent_message_not_a_topic(
    kb: KnowledgeBase, question: str
) -> None:
    result = index_for(kb).search(question)
    assert (result.topic, result.how, result.suggestions) == (None, "urgent", ())


@pytest.mark.parametrize(
    "question",
    [
        "how does vitamin d poisoning usually happen",
        "what are the symptoms of vitamin d toxicity",
        "took 50000 iu daily by mistake for a month, what happens",
        "is vitamin d toxicity an emergency",
        "can too much vitamin d make you throw up",
        "does high dose d3 cause vomiting",
    ],
)
def test_asking_about_toxicity_is_not_an_emergency(kb: KnowledgeBase, question: str) -> None:
    assert index_for(kb).search(question).topic == "toxicity"


@pytest.mark.parametrize(
    "question",
    ["does cooking natto destroy the k2", "what's a good way of cooking greens for vitamin k"],
)
def test_cooking_is_not_read_as_choking(kb: KnowledgeBase, question: str) -> None:
    # "choking" is urgent, and "cooking" was read as its typo: an urgent-care message
    assert index_for(kb).search(question).how != "urgent"


def test_a_bottle_used_up_over_weeks_is_a_dose_not_an_emergency(kb: KnowledgeBase) -> None:
    result = index_for(kb).search("went through a whole bottle of 5000 iu in two months, too much?")
    assert result.how != "urgent" and result.topic in {"upper-limit", "dosing", "toxicity"}


def test_what_k2_does_besides_clotting_is_k2s_topic_not_the_blood_thinners(
    kb: KnowledgeBase,
) -> None:
    result = index_for(kb).search("does k2 do anything apart from clotting")
    assert result.topic in {None, "vitamin-k2"} and "warfarin" not in result.suggestions[:1]
    assert index_for(kb).search("im on warfarin, does k2 mess with clotting").topic == "warfarin"


@pytest.mark.parametrize(
    ("question", "how"),
    [
        # a place or an everyday word one letter from a refused word ("bleeds", "lens")
        ("I'm in Leeds, typical d3 dose for adults?", "question"),
        ("my gp leans towards mk7, how is it different from mk4", "question"),
        # what a shop stocks is not the stock market (set 48)
        ("my chemist stocks only 1000 iu, whats the upper limit anyway", "question"),
        # a maker named in passing
        ("my kirkland d3 says 2000 iu, how many mcg is that", "question"),
        # a refused word misspelt further is still refused, and an emergency still urgent
        ("how much magnesum with d3", "out-of-scope"),
        ("my son had a siezure after his vitamin d", "urgent"),
    ],
)
def test_a_word_is_read_as_a_refused_word_only_when_it_is_a_close_typo_of_it(
    kb: KnowledgeBase, question: str, how: str
) -> None:
    result = index_for(kb).search(question)
    assert result.how == how
    assert (result.topic is None) == (how != "question")
