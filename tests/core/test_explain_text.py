"""/dk2 explain as a member reads it: a topic's parts in order, what a topic without quotes
or cautions leaves out, and the replies for a question with no curated answer. Texts come
from the topic files (knowledge/topics) and messages.yaml."""

from __future__ import annotations

import dataclasses

from bot.core.explain import INFO_COLOUR, explain_reply, topic_reply
from bot.core.model import KnowledgeBase
from bot.core.reply import render_text

DISCLAIMER = "dk2 is informational, not medical advice."


def test_an_article_topic_shows_detail_quotes_cautions_and_related_in_order(
    kb: KnowledgeBase,
) -> None:
    topic = kb.topics["synergy"]
    reply = explain_reply(kb, "synergy")
    assert reply.command == "explain"
    assert reply.ok and reply.title == topic.title and reply.body == topic.short
    names = [section.name for section in reply.sections]
    assert names == [
        "More detail",
        "From article section “The Synergy Between D and K2”",
        "Cautions",
        "Related topics",
    ]
    assert reply.sections[0].value == topic.long
    assert reply.sections[1].value == "\n".join(f"> {quote}" for quote in topic.source.quotes)
    # synergy.yaml: cautions k2-evidence, warfarin, check-first; related four topics.
    cautions = reply.sections[2].value
    assert cautions.startswith(f"• {kb.cautions['k2-evidence'].text} (Vlasschaert 2020)\n")
    assert kb.cautions["warfarin"].text in cautions
    assert reply.sections[3].value == "More: `evidence`, `pregnancy`, `warfarin`, `k2-forms`"
    assert reply.colour == INFO_COLOUR == 0x3498DB
    assert reply.disclaimer == DISCLAIMER and render_text(reply).endswith(f"\n\n{DISCLAIMER}")
    assert reply.data == {
        "topic": "synergy",
        "suggestions": [],
        "match": "exact",
        "kind": "article",
    }
    # The sources line names what the cautions lean on too (cautions.yaml refs).
    ids = [source.id for source in reply.sources]
    for ref in ("vlasschaert-2020", "schurgers-2007", "anticoagulants-2016", "iom-2011"):
        assert ref in ids


def test_the_match_says_how_the_topic_was_found(kb: KnowledgeBase) -> None:
    assert explain_reply(kb, "mgp").data["match"] == "exact"
    assert explain_reply(kb, "osteocalcn").data["match"] == "fuzzy"
    assert explain_reply(kb, "why take d and k2 together").data["match"] == "question"


def test_a_reference_topic_without_quotes_or_cautions_has_neither_section(
    kb: KnowledgeBase,
) -> None:
    reply = explain_reply(kb, "cautions")
    assert [section.name for section in reply.sections] == ["More detail", "Related topics"]
    assert reply.data["kind"] == "reference"
    assert reply.sources[0].id == "iom-2011"


def test_a_topic_whose_detail_is_its_summary_is_said_once(kb: KnowledgeBase) -> None:
    topic = kb.topics["mgp"]
    short = topic.model_copy(update={"long": topic.short})
    reply = topic_reply(kb, short)
    assert reply.data["match"] == "exact" and reply.command == "explain"
    names = [section.name for section in reply.sections]
    assert names == ["From article section “What Vitamin K2 Does”", "Related topics"]


def test_quotes_without_a_section_are_from_the_source_article(kb: KnowledgeBase) -> None:
    topic = kb.topics["mgp"]
    unsectioned = topic.model_copy(
        update={"source": topic.source.model_copy(update={"section": None})}
    )
    reply = topic_reply(kb, unsectioned, how="alias")
    assert reply.sections[1].name == "From the source article"
    assert reply.data["match"] == "alias"


def test_a_question_with_no_answer_quotes_it_and_points_to_topics(kb: KnowledgeBase) -> None:
    reply = explain_reply(kb, "  zzqx blorft  ")
    assert reply.ok and reply.title == "No curated answer" and reply.command == "explain"
    assert reply.body == (
        "dk2 has no curated answer for “zzqx blorft”. Try `/dk2 topics` for "
        "everything it can explain."
    )
    assert reply.sections == () and reply.colour == INFO_COLOUR and reply.disclaimer is None
    assert reply.data == {
        "topic": None,
        "suggestions": [],
        "match": "none",
        "kind": None,
        "private": True,
        "out_of_scope": False,
    }
    # The member's words are quoted to at most 80 characters.
    long = "zq" * 60
    assert f"“{long[:79]}…”" in explain_reply(kb, long).body


def test_suggestions_are_listed_as_commands_with_titles(kb: KnowledgeBase) -> None:
    # No margin is ever enough and no agreement answers: every match becomes suggestions.
    search = kb.search.model_copy(
        update={"min_margin": 1.0, "agreed_similarity": 2.0, "max_suggestions": 2}
    )
    changed = dataclasses.replace(kb, search=search)
    question = "how much k2 with d3 for my bones and heart"
    reply = explain_reply(changed, question)
    suggestions = reply.data["suggestions"]
    assert len(suggestions) == 2 and reply.data["topic"] is None
    assert reply.body == f"dk2 has no curated answer for “{question}”. Did you mean one of these?"
    assert [section.name for section in reply.sections] == ["Did you mean"]
    assert reply.sections[0].value == "\n".join(
        f"• `/dk2 explain {topic_id}`: {changed.topics[topic_id].title}" for topic_id in suggestions
    )
    assert reply.data["private"] is True and reply.data["out_of_scope"] is False
    assert reply.command == "explain"
    # Health topics offered: the not-medical-advice line, as on the topics themselves.
    assert render_text(reply).endswith(f"\n{kb.messages.get('disclaimer')}")


def test_an_out_of_scope_question_lists_every_topic(kb: KnowledgeBase) -> None:
    reply = explain_reply(kb, "should i take magnesium with my d3")
    assert reply.command == "explain" and reply.data["out_of_scope"] is True
    # "so ask a clinician" is health content: the not-medical-advice line comes with it.
    assert render_text(reply).endswith(f"\n{kb.messages.get('disclaimer')}")
    # knowledge/topics: the ids in file order, each as code, comma-separated.
    assert reply.body.endswith(
        "Topics dk2 can explain: `bone-health`, `cardiovascular`, `cautions`, `children`, "
        "`deficiency`, `dosing`, `evidence`, `k-intake`, `k2-forms`, `mgp`, `mk7`, "
        "`osteocalcin`, `pregnancy`, `rda`, `safety`, `summary`, `synergy`, "
        "`targets-disagree`, `testing`, `toxicity`, `units`, `upper-limit`, `vitamin-d`, "
        "`vitamin-k2`, `warfarin`."
    )


def test_an_urgent_question_gets_where_to_find_care_now_and_nothing_to_read_first(
    kb: KnowledgeBase,
) -> None:
    question = "my toddler just swallowed a whole bottle of **d3** gummies <@123>"
    reply = explain_reply(kb, question)
    assert reply.command == "explain" and reply.ok
    assert reply.title == "This may need urgent care"
    # where to get help, first, and no topic, suggestion or echo of the member's words
    assert "get help now: call your local emergency number or poison control" in reply.body
    assert "For a pet, call a vet." in reply.body
    assert (
        "If you are thinking of ending your life, call your local emergency number or a "
        "crisis line now" in " ".join(reply.body.split())
    )
    assert "toddler" not in reply.body and "<@" not in reply.body and reply.sections == ()
    assert reply.colour != INFO_COLOUR and reply.disclaimer == DISCLAIMER
    assert reply.data["topic"] is None and reply.data["suggestions"] == []
    assert reply.data["urgent"] is True and reply.data["match"] == "urgent"
    assert "urgent care" in render_text(reply)


def test_bad_input_is_an_explain_error(kb: KnowledgeBase) -> None:
    for term in ("   ", "x" * (kb.units.max_input_chars + 1)):
        reply = explain_reply(kb, term)
        assert not reply.ok and reply.command == "explain"
