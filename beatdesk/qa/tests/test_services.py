from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beatdesk.audit.models import AuditEvent
from beatdesk.inbox.models import Conversation, Message
from beatdesk.jobs.registry import run_due
from beatdesk.networks.simulated.models import SimulatedPost
from beatdesk.publishing.models import Delivery, Post
from beatdesk.qa import services
from beatdesk.qa.models import Answer, Question, Session

pytestmark = pytest.mark.django_db


def ask(session, text, **kw):
    return services.question_submit(session=session, text=text, **kw)


# --- Creating a session --------------------------------------------------------------------


def test_comms_creates_a_session_with_announcement_and_reminder_posts(make_session, comms):
    session = make_session()
    posts = Post.objects.filter(account__slug="york", author=comms).order_by("id")
    announcement, reminder = list(posts)
    assert session.announcement_post == announcement
    assert session.reminder_post == reminder
    text = announcement.parts.get().text
    assert "#AskYorkPolice" in text and "Not for emergencies: call 999" in text
    assert announcement.signature == "^PS"  # signed by the comms officer who created it
    assert reminder.scheduled_for == session.starts_at - timedelta(hours=1)
    # Both go out through the outbox, one delivery per channel of the account.
    assert Delivery.objects.filter(post=announcement).count() == 2
    assert Delivery.objects.filter(post=reminder, due_at=reminder.scheduled_for).count() == 2
    assert AuditEvent.objects.filter(action="qa.session.create", actor=comms).exists()


def test_session_times_are_checked_and_nothing_is_saved(comms, officer_york, account):
    now = timezone.now()
    with pytest.raises(ValidationError) as caught:
        services.session_create(
            actor=comms,
            title="Ask us",
            accounts=[account("york")],
            starts_at=now + timedelta(hours=2),
            ends_at=now + timedelta(hours=1),
            hashtag="not a tag",
            panel=[officer_york],
        )
    errors = caught.value.message_dict
    assert "end after it starts" in errors["ends_at"][0]
    assert "hashtag" in errors["hashtag"][0]
    assert not Session.objects.exists() and not Post.objects.exists()


def test_only_comms_create_sessions(lead_york, officer_york, account):
    now = timezone.now()
    with pytest.raises(PermissionDenied):
        services.session_create(
            actor=lead_york,
            title="Ask us",
            accounts=[account("york")],
            starts_at=now + timedelta(hours=2),
            ends_at=now + timedelta(hours=3),
            hashtag="AskYork",
            panel=[officer_york],
        )
    assert AuditEvent.objects.filter(action="refused.create_qa_session").exists()


# --- Questions from the hub -------------------------------------------------------------------


def test_hub_question_waits_for_moderation(live_session):
    question = ask(live_session, "When will the speed cameras on Tadcaster Road go in?")
    assert question.state == Question.State.PENDING
    assert question.source == Question.Source.HUB
    assert AuditEvent.objects.filter(action="qa.question.submit", object_id=str(question.pk))


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("You useless pigs, you are all scum and corrupt idiots", "abusive"),
        ("Click here to win a free iPhone www.freeprizes.biz buy followers cheap", "spam"),
    ],
)
def test_abuse_and_spam_are_held_automatically(live_session, text, why):
    question = ask(live_session, text)
    assert question.state == Question.State.HELD
    assert why in question.state_reason


def test_an_emergency_goes_to_the_inbox_alert_not_the_queue(live_session):
    with pytest.raises(services.EmergencyQuestion):
        ask(live_session, "Help, there is a man with a knife outside my house right now")
    assert not Question.objects.exists()
    conversation = Conversation.objects.get()
    assert conversation.is_emergency and conversation.priority == "urgent"
    assert conversation.district.slug == "york"


def test_an_upcoming_session_takes_questions_only_when_it_opens_early(make_session):
    closed = make_session()
    with pytest.raises(ValidationError, match="not taking questions yet"):
        ask(closed, "Can I get my bike marked?")
    early = make_session(title="Early one", opens_early=True)
    assert ask(early, "Can I get my bike marked?").state == Question.State.PENDING


def test_near_duplicates_are_grouped_with_the_first(live_session):
    first = ask(live_session, "What are you doing about the burglaries in Haxby?")
    other = ask(live_session, "How do I report a noisy neighbour?")
    second = ask(live_session, "Burglaries in Haxby - what is being done about them?")
    assert second.group_leader == first
    assert other.group_leader is None
    assert second.similarity >= 0.4


# --- Moderation -----------------------------------------------------------------------------


def test_moderator_approves_hides_with_reason_and_merges(live_session, lead_york, comms):
    q1 = ask(live_session, "When will the speed cameras on Tadcaster Road go in?")
    q2 = ask(live_session, "Is the Tadcaster Road camera actually happening this year?")
    q3 = ask(live_session, "Why did my neighbour's dog get taken away?")
    services.question_approve(actor=lead_york, question=q1)
    with pytest.raises(ValidationError, match="Say why"):
        services.question_hide(actor=comms, question=q3, reason="  ")
    services.question_hide(actor=comms, question=q3, reason="About a named person")
    services.question_merge(actor=lead_york, question=q2, into=q1)
    q2.refresh_from_db()
    q3.refresh_from_db()
    assert q2.group_leader_id == q1.pk and q2.state == Question.State.APPROVED
    assert q3.state == Question.State.HIDDEN and q3.state_reason == "About a named person"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"qa.question.approve", "qa.question.hide", "qa.question.merge"} <= actions


def test_hiding_a_group_leader_keeps_its_group(live_session, comms):
    first = ask(live_session, "What are you doing about the burglaries in Haxby?")
    second = ask(live_session, "Burglaries in Haxby - what is being done about them?")
    third = ask(live_session, "what's being done about all the burglaries in haxby")
    services.question_hide(actor=comms, question=first, reason="Names a suspect")
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.group_leader is None and third.group_leader == second


def test_officers_outside_the_session_cannot_moderate(live_session, officer_york, lead_scarborough):
    question = ask(live_session, "How do I join the specials?")
    for outsider in (officer_york, lead_scarborough):
        with pytest.raises(PermissionDenied):
            services.question_approve(actor=outsider, question=question)


# --- "I want to know this too" -------------------------------------------------------------------


def test_me_too_counts_once_per_client_on_approved_questions(live_session, comms):
    question = ask(live_session, "How do I join the specials?")
    with pytest.raises(ValidationError):
        services.question_me_too(question=question, client_key="browser-1")
    services.question_approve(actor=comms, question=question)
    assert services.question_me_too(question=question, client_key="browser-1") is True
    assert services.question_me_too(question=question, client_key="browser-1") is False
    assert services.question_me_too(question=question, client_key="browser-2") is True
    question.refresh_from_db()
    assert question.me_too_count == 2


# --- Answering ------------------------------------------------------------------------------


def test_only_one_panel_officer_can_take_a_question(
    live_session, comms, officer_york, officer_scarborough
):
    question = ask(live_session, "How do I join the specials?")
    services.question_approve(actor=comms, question=question)
    services.question_take(actor=officer_york, question=question)
    with pytest.raises(ValidationError, match="PC Jess Holmes is already answering"):
        services.question_take(actor=officer_scarborough, question=question)
    with pytest.raises(ValidationError, match="already answering"):
        services.answer_create(actor=officer_scarborough, question=question, text="Hello")
    services.question_release(actor=officer_york, question=question)
    services.question_take(actor=officer_scarborough, question=question)
    question.refresh_from_db()
    assert question.taken_by == officer_scarborough


def test_the_conditional_update_lets_exactly_one_take_win(live_session, comms, officer_york):
    question = ask(live_session, "How do I join the specials?")
    services.question_approve(actor=comms, question=question)
    # What a second, concurrent request sees: the row changed under it.
    Question.objects.filter(pk=question.pk).update(taken_by=comms)
    with pytest.raises(ValidationError, match="Priya Shah is already answering"):
        services.question_take(actor=officer_york, question=question)


def test_non_panel_officers_cannot_answer(live_session, comms, lead_york):
    question = ask(live_session, "How do I join the specials?")
    services.question_approve(actor=comms, question=question)
    with pytest.raises(PermissionDenied):
        services.question_take(actor=lead_york, question=question)
    with pytest.raises(PermissionDenied):
        services.answer_create(actor=comms, question=question, text="Apply online.")


def test_answer_is_signed_and_serves_the_whole_group(live_session, comms, officer_york):
    first = ask(live_session, "What are you doing about the burglaries in Haxby?")
    second = ask(live_session, "Burglaries in Haxby - what is being done about them?")
    services.question_approve(actor=comms, question=first)
    services.question_approve(actor=comms, question=second)
    services.question_take(actor=officer_york, question=second)  # takes the group
    answer = services.answer_create(
        actor=officer_york, question=first, text="Extra patrols every night this month."
    )
    assert answer.question == first and answer.signature == "^JH"
    first.refresh_from_db()
    assert first.answered_at is not None
    with pytest.raises(ValidationError, match="already been answered"):
        services.answer_create(actor=officer_york, question=second, text="Again")
    assert AuditEvent.objects.filter(action="qa.answer.create", actor=officer_york).exists()


# --- Questions from the networks, through the inbox ----------------------------------------------


def test_hashtag_message_during_the_session_becomes_a_question(live_session, from_network):
    message = from_network(
        "@YorkPolice #AskYorkPolice are e-scooters legal on the road?", network_id="sim-1"
    )
    question = Question.objects.get()
    assert question.source == Question.Source.NETWORK
    assert question.text == "are e-scooters legal on the road?"
    assert question.inbox_message_id == message.pk and question.network_id == "sim-1"
    assert question.asker_name == "@resident"
    # It stays in the inbox too, labelled with the session.
    assert list(message.conversation.labels.values_list("name", flat=True)) == [
        "Q&A #AskYorkPolice"
    ]


def test_plain_mention_question_counts_but_other_mentions_do_not(live_session, from_network):
    from_network("@YorkPolice what time does Haxby station open?", network_id="sim-1")
    from_network("@YorkPolice thanks for finding my dog yesterday, brilliant", network_id="sim-2")
    assert list(Question.objects.values_list("network_id", flat=True)) == ["sim-1"]


def test_mentions_outside_the_window_or_account_are_not_questions(
    make_session, from_network, account
):
    make_session()  # upcoming, not open early
    from_network("#AskYorkPolice is the Tadcaster Road camera coming?", network_id="sim-1")
    from_network(
        "#AskYorkPolice is the Tadcaster Road camera coming?",
        network_id="sim-2",
        channel=account("scarborough").channels.get(network="simulated"),
    )
    assert not Question.objects.exists()


def test_emergency_during_a_session_raises_the_inbox_alert(live_session, from_network):
    message = from_network(
        "#AskYorkPolice help there is a man with a knife outside my house right now",
        network_id="sim-9",
    )
    assert not Question.objects.exists()
    assert message.is_emergency and message.conversation.is_emergency
    assert message.conversation.priority == "urgent"


def test_network_answer_goes_out_as_a_threaded_signed_reply(
    live_session, from_network, comms, officer_york
):
    from_network("#AskYorkPolice are e-scooters legal on the road?", network_id="sim-1")
    from_network("#AskYorkPolice Are e scooters legal on roads in York?", network_id="sim-2")
    first, second = Question.objects.order_by("id")
    assert second.group_leader == first
    services.question_approve(actor=comms, question=first)
    services.question_approve(actor=comms, question=second)
    services.answer_create(
        actor=officer_york, question=first, text="Only rental e-scooters from the city scheme."
    )
    run_due()
    sent = SimulatedPost.objects.exclude(reply_to="").order_by("reply_to")
    assert [p.reply_to for p in sent] == ["sim-1", "sim-2"]
    assert sent[0].text == "Only rental e-scooters from the city scheme.\n^JH"
    conversation = Message.objects.get(network_id="sim-1").conversation
    assert conversation.status == Conversation.Status.WAITING
    out = conversation.messages.get(direction=Message.Direction.OUT)
    assert out.author_officer == officer_york and out.delivery.state == Delivery.State.SENT


def test_staff_move_an_inbox_message_into_the_session(live_session, force, comms, officer_york):
    from beatdesk.inbox.ingest import message_ingest

    message = message_ingest(
        force=force,
        channel=None,
        account=live_session.accounts.get(),
        network_id=None,
        text="Do you still do bike marking at the Haxby fun day?",
        author_handle="",
        author_name="Kim",
        kind="hub_form",
    )
    with pytest.raises(PermissionDenied):
        services.question_from_inbox(actor=officer_york, message=message, session=live_session)
    question = services.question_from_inbox(actor=comms, message=message, session=live_session)
    assert question.state == Question.State.APPROVED and question.source == "inbox"
    with pytest.raises(ValidationError, match="already a question"):
        services.question_from_inbox(actor=comms, message=message, session=live_session)


# --- Closing ----------------------------------------------------------------------------------


def test_closing_hands_unanswered_questions_to_the_inbox(
    live_session, from_network, comms, officer_york
):
    answered = ask(live_session, "How do I join the specials?", asker_name="Sam")
    waiting = ask(live_session, "What time does Haxby station open?", asker_name="Kim")
    pending = ask(live_session, "Is the Tadcaster Road camera coming?")
    hidden = ask(live_session, "Why did my neighbour's dog get taken away?")
    from_network("#AskYorkPolice are e-scooters legal on the road?", network_id="sim-1")
    services.question_approve(actor=comms, question=answered)
    services.question_approve(actor=comms, question=waiting)
    services.question_hide(actor=comms, question=hidden, reason="Personal")
    services.answer_create(actor=officer_york, question=answered, text="Apply online.")
    Session.objects.filter(pk=live_session.pk).update(ends_at=timezone.now())

    assert run_due(only={"qa_close"}) >= 1
    live_session.refresh_from_db()
    assert live_session.closed_at is not None
    handed = set(Question.objects.filter(handed_over_at__isnull=False).values_list("pk", flat=True))
    network_question = Question.objects.get(source="network")
    assert handed == {waiting.pk, pending.pk, network_question.pk}
    hub_messages = Message.objects.filter(network_id__startswith="qa-question-")
    assert sorted(m.text for m in hub_messages) == [
        "Is the Tadcaster Road camera coming?",
        "What time does Haxby station open?",
    ]
    for message in hub_messages:
        labels = set(message.conversation.labels.values_list("name", flat=True))
        assert labels == {"Q&A #AskYorkPolice", "Q&A: not answered"}
        assert message.conversation.district.slug == "york"
    network_conversation = Message.objects.get(network_id="sim-1").conversation
    assert "Q&A: not answered" in network_conversation.labels.values_list("name", flat=True)
    # No new questions after the close, and running the job again changes nothing.
    with pytest.raises(ValidationError, match="closed"):
        ask(live_session, "One more?")
    assert run_due(only={"qa_close"}) == 0
    assert Message.objects.filter(network_id__startswith="qa-question-").count() == 2
    # The officer answering from the inbox is told a hub asker will not see the reply; a
    # network asker is answered on the network as usual.
    from beatdesk.inbox.selectors import messages_of, reply_reaches

    def reaches(conversation):
        return reply_reaches(
            conversation=conversation, thread=messages_of(conversation=conversation)
        )

    assert "they will not see this reply" in reaches(hub_messages[0].conversation)
    assert reaches(network_conversation) == ""


def test_late_network_questions_stay_in_the_inbox(live_session, from_network):
    services.session_close(actor=None, session=live_session)
    message = from_network("#AskYorkPolice is anyone still there?", network_id="sim-late")
    assert not Question.objects.exists()
    assert message.conversation.status == Conversation.Status.NEW


# --- Stats and export ------------------------------------------------------------------------------


def test_stats_count_and_time_answers_per_officer(live_session, comms, officer_york):
    first = ask(live_session, "What are you doing about the burglaries in Haxby?")
    second = ask(live_session, "Burglaries in Haxby - what is being done about them?")
    ask(live_session, "You useless pigs, you are all scum and corrupt idiots")
    for q in (first, second):
        services.question_approve(actor=comms, question=q)
    Question.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(minutes=4))
    Question.objects.filter(pk=second.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    services.answer_create(actor=officer_york, question=first, text="Extra patrols.")
    from beatdesk.qa.selectors import session_stats

    stats = session_stats(session=live_session)
    assert (stats.received, stats.approved, stats.held, stats.answered) == (3, 2, 1, 2)
    assert 170 < stats.median_seconds < 190  # median of ~4 and ~2 minutes
    (row,) = stats.per_officer
    assert row.officer == officer_york and row.answers == 1 and row.questions == 2


def test_answer_refused_once_session_closed(live_session, comms, officer_york):
    question = ask(live_session, "How do I join the specials?")
    services.question_approve(actor=comms, question=question)
    services.session_close(actor=comms, session=live_session)
    with pytest.raises(ValidationError, match="closed"):
        services.answer_create(actor=officer_york, question=question, text="Late")
    assert not Answer.objects.exists()


def test_demo_seeds_a_session_taking_questions(force):
    from beatdesk.qa.demo import seed_demo

    seed_demo(force)
    session = Session.objects.get()
    assert session.accepts_questions()
    assert session.questions.filter(state=Question.State.APPROVED).count() == 3
    assert session.questions.filter(group_leader__isnull=False).count() == 1
