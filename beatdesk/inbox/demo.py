"""Sample inbox content for the demo: a few realistic messages, one of them an emergency,
sent through the same ingestion service as every real source."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from beatdesk.forces.models import Account, Channel, Force
from beatdesk.inbox.models import SavedReply
from beatdesk.inbox.services import message_ingest

CRIME_REPORT_REPLY = (
    "Thank you for letting us know. Please report this online at {reporting_url} or call "
    "{non_emergency_phone}, so it is recorded and investigated. If it is happening now, call "
    "{emergency_phone}. {officer_name}"
)

# (account slug or None for the force account, network, handle, name, kind, minutes ago, text)
SAMPLES = [
    (None, "simulated", "dalesrunner", "Kate", "mention", 95,
     "Is the A64 at Malton still closed after the crash this morning? Need to get to York."),
    ("district", "simulated", "haxbydad", "Tom B", "mention", 70,
     "Someone smashed my car window on the Haxby Road last night and took my bag. YO31."),
    ("district", "hub", "", "Margaret", "hub_form", 40,
     "Just wanted to say thank you to the two PCSOs at the school gates this week, lovely lads."),
    ("district", "simulated", "nightowl_99", "", "direct", 5,
     "my neighbour is screaming and he is hitting her again right now, I can hear it through "
     "the wall, please help"),
    (None, "simulated", "crypto_gains_now", "Crypto Gains", "mention", 20,
     "Make £5000 a week from home!!! DM me for details, click the link in bio"),
]  # fmt: skip


def _channel(account: Account, network: str) -> Channel | None:
    return account.channels.filter(network=network).first() or account.channels.first()


def seed_demo(force: Force) -> None:
    force_account = Account.objects.filter(force=force, kind=Account.Kind.FORCE).first()
    district_account = (
        Account.objects.filter(force=force, kind=Account.Kind.DISTRICT).order_by("slug").last()
    )
    if force_account is None or district_account is None:
        return
    SavedReply.objects.get_or_create(
        force=force,
        district=None,
        purpose=SavedReply.Purpose.CRIME_REPORT,
        defaults={"title": "Report it online or on 101", "text": CRIME_REPORT_REPLY},
    )
    now = timezone.now()
    for index, (which, network, handle, name, kind, minutes, text) in enumerate(SAMPLES):
        account = force_account if which is None else district_account
        message_ingest(
            force=force,
            channel=_channel(account, network),
            account=account,
            network_id=f"demo-{force.slug}-{index}",
            text=text,
            author_handle=handle,
            author_name=name,
            kind=kind,
            received_at=now - timedelta(minutes=minutes),
        )
