"""Demo posts: a dozen realistic posts by different officers, written through the services and
sent through the outbox, so the demo hub has content and the desk shows delivery status."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

from beatdesk.forces.models import Account, Force, Place
from beatdesk.people.models import Officer
from beatdesk.publishing import outbox
from beatdesk.publishing.services import ImageInput, PartInput, post_approve, post_create

# (username, account slug, parts, tags, place names)
NORTH_YORKSHIRE = [
    (
        "pc.york",
        "york",
        [
            "Bike marking at Haxby library this Saturday, 10am to 1pm. Bring your bike and proof of ownership; it is free."
        ],
        "bike theft, crime prevention",
        ["Haxby"],
    ),
    (
        "lead.york",
        "york",
        [
            "Thank you to everyone who came to the Clifton ward meeting last night. Your top priorities: speeding on Water End and anti-social behaviour near the shops.",
            "We will run speed checks on Water End over the next fortnight and patrol the shops on Friday and Saturday evenings. We will report back here.",
        ],
        "road safety, anti-social behaviour",
        [],
    ),
    (
        "pc.york",
        "york",
        [
            "Two sheds broken into overnight on Wigginton Road. Power tools taken. If you saw anyone with tools or a van between 1am and 4am, call 101 quoting 12240198765."
        ],
        "burglary",
        ["Wigginton"],
    ),
    (
        "pc.harrogate",
        "harrogate",
        [
            "Catalytic converter thefts in Knaresborough this week. Park in a garage or close to a wall where you can, and consider a marking kit: ask us at the station."
        ],
        "vehicle crime",
        ["Knaresborough"],
    ),
    (
        "lead.harrogate",
        "harrogate",
        [
            "Ripon market day went off without trouble. Thank you to the market traders for working with us on the new stall layout."
        ],
        "community",
        ["Ripon"],
    ),
    (
        "pc.scarborough",
        "scarborough",
        [
            "Whitby Goth Weekend starts Friday. Expect road closures on the West Cliff and extra officers around the Abbey steps. Have a great time and look after each other."
        ],
        "events",
        ["Whitby"],
    ),
    (
        "pcso.scarborough",
        "scarborough",
        [
            "Filey beach patrol today: please keep dogs on leads between the slipway and the Coble Landing during the summer months."
        ],
        "beach safety",
        ["Filey"],
    ),
    (
        "pc.craven",
        "craven",
        [
            "Sheep worrying reported near Grassington again. Keep dogs on a lead near livestock: a farmer may lawfully shoot a dog worrying sheep."
        ],
        "rural crime",
        ["Grassington"],
    ),
    (
        "lead.hambleton",
        "hambleton",
        [
            "Thirsk: we have arrested two people after the break-ins on Kirkgate. Thank you to the resident whose doorbell camera footage helped."
        ],
        "burglary",
        ["Thirsk"],
    ),
    (
        "pc.richmondshire",
        "richmondshire",
        [
            "Roadside checks on the A6108 near Leyburn today with the DVSA. Most drivers were fine; three vehicles were taken off the road for defects."
        ],
        "road safety",
        ["Leyburn"],
    ),
    (
        "pc.selby",
        "selby",
        [
            "Scam warning: a caller claiming to be from your bank asks you to move money to a 'safe account'. Your bank will never do this. Hang up and call 159."
        ],
        "fraud",
        ["Tadcaster"],
    ),
    (
        "comms",
        "nyp",
        [
            "We are recruiting police community support officers across North Yorkshire. Applications close at the end of the month."
        ],
        "recruitment",
        [],
    ),
]
RIVERFORD = [
    (
        "rf.pc",
        "riverford-town",
        [
            "Riverford Town: the footbridge by the mill is closed for repairs until Friday. Please use the high street crossing."
        ],
        "roads",
        [],
    ),
    (
        "rf.lead",
        "riverford-town",
        [
            "Well done to the Riverford Youth FC volunteers who ran the safety evening at the clubhouse."
        ],
        "community",
        [],
    ),
]


def _poster() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 450), (0, 48, 135))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 760, 410), outline=(255, 255, 255), width=6)
    draw.text((80, 200), "BIKE MARKING - HAXBY LIBRARY - SATURDAY 10:00", fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def seed_demo(force: Force) -> None:
    posts = {"north-yorkshire": NORTH_YORKSHIRE, "riverford": RIVERFORD}.get(force.slug)
    if not posts:
        return
    places = dict(Place.objects.filter(force=force).values_list("name", "pk"))
    for number, (username, slug, texts, tags, place_names) in enumerate(posts):
        officer = Officer.objects.get(force=force, user__username=username)
        account = Account.objects.get(force=force, slug=slug)
        parts = [PartInput(text=text) for text in texts]
        if number == 0:
            parts[0] = PartInput(
                text=texts[0],
                images=[
                    ImageInput(
                        upload=_poster(),
                        alt_text="Poster: bike marking at Haxby library, Saturday from 10am",
                    )
                ],
            )
        post_create(
            actor=officer,
            account=account,
            parts=parts,
            client_token=uuid.uuid4().hex,
            tags=tags,
            district_ids=[account.district_id] if account.district_id else [],
            place_ids=[places[name] for name in place_names if name in places],
        )
    if force.slug == "north-yorkshire":
        _approval_examples(force)
    for _ in range(20):
        if not outbox.run_outbox():
            break


def _approval_examples(force: Force) -> None:
    pcso = Officer.objects.get(force=force, user__username="pcso.york")
    lead = Officer.objects.get(force=force, user__username="lead.york")
    york = Account.objects.get(force=force, slug="york")
    approved = post_create(
        actor=pcso,
        account=york,
        parts=[
            PartInput(
                text="Hello York! I'm Tom, your new PCSO for York Central. You'll see "
                "me around Micklegate and the station most days: say hello."
            )
        ],
        client_token=uuid.uuid4().hex,
        tags="community",
    )
    post_approve(actor=lead, post=approved)
    post_create(
        actor=pcso,
        account=york,
        parts=[PartInput(text="Coffee with a cop at Bishopthorpe village hall next Tuesday.")],
        client_token=uuid.uuid4().hex,
        tags="community",
    )  # waits for the lead's approval: shows the approval queue
    post_create(
        actor=Officer.objects.get(force=force, user__username="pc.york"),
        account=york,
        parts=[PartInput(text="Reminder: the Dunnington drop-in surgery is tomorrow at 6pm.")],
        client_token=uuid.uuid4().hex,
        scheduled_for=outbox.clock() + timedelta(days=1),
        tags="community",
    )
