"""Reading the compose and edit forms. A thread has a variable number of parts, each with up to
four images and their alt text, so the form is read by hand rather than with a Django Form."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

from beatdesk.forces.models import Force
from beatdesk.publishing.services import MAX_IMAGES_PER_PART, MAX_PARTS, ImageInput, PartInput


@dataclass
class PartDraft:
    index: int
    text: str = ""
    alts: list[str] = field(default_factory=lambda: [""] * MAX_IMAGES_PER_PART)

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def image_slots(self) -> list[tuple[int, str]]:
        return list(enumerate(self.alts))


@dataclass
class ComposeDraft:
    client_token: str
    parts: list[PartDraft]
    tags: str = ""
    district_ids: list[int] = field(default_factory=list)
    place_ids: list[int] = field(default_factory=list)
    when: str = "now"
    scheduled_local: str = ""


def new_draft() -> ComposeDraft:
    return ComposeDraft(client_token=uuid.uuid4().hex, parts=[PartDraft(0)])


def _ints(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


def read_draft(data: QueryDict) -> ComposeDraft:
    try:
        count = int(data.get("part_count", "1"))
    except ValueError:
        count = 1
    count = max(1, min(MAX_PARTS, count))
    parts = [
        PartDraft(
            index=i,
            text=data.get(f"part-{i}-text", ""),
            alts=[data.get(f"part-{i}-alt-{j}", "") for j in range(MAX_IMAGES_PER_PART)],
        )
        for i in range(count)
    ]
    return ComposeDraft(
        client_token=data.get("client_token", "") or uuid.uuid4().hex,
        parts=parts,
        tags=data.get("tags", ""),
        district_ids=_ints(data.getlist("districts")),
        place_ids=_ints(data.getlist("places")),
        when=data.get("when", "now"),
        scheduled_local=data.get("scheduled_for", ""),
    )


def part_inputs(draft: ComposeDraft, files: MultiValueDict) -> tuple[list[PartInput], list[str]]:
    """The parts with their uploads; alt text without an image is an error worth saying."""
    errors: list[str] = []
    parts: list[PartInput] = []
    for part in draft.parts:
        images = []
        for j, alt in enumerate(part.alts):
            upload = files.get(f"part-{part.index}-image-{j}")
            if upload is not None:
                images.append(ImageInput(upload=upload, alt_text=alt))
            elif alt.strip():
                errors.append(
                    f"Part {part.number}: you wrote alt text for image {j + 1} but chose no image "
                    "(images must be chosen again after adding or removing a part)."
                )
        parts.append(PartInput(text=part.text, images=images))
    return parts, errors


def scheduled_time(draft: ComposeDraft, force: Force) -> tuple[datetime | None, list[str]]:
    """The officer types a time in the force's own time zone."""
    if draft.when != "later":
        return None, []
    if not draft.scheduled_local.strip():
        return None, ["Choose the date and time to post, or choose to post now."]
    try:
        naive = datetime.fromisoformat(draft.scheduled_local.strip())
    except ValueError:
        return None, ["The scheduled time is not a date and time."]
    return naive.replace(tzinfo=force.policy.zone), []
