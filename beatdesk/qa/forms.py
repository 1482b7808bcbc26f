"""Forms parse input only; the services validate and decide."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils import timezone

from beatdesk.forces.models import Account
from beatdesk.forces.selectors import accounts_of_force
from beatdesk.people.models import Officer
from beatdesk.people.selectors import officers_of_force

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(forms.DateTimeField):
    """A datetime-local input read in the force's time zone (not the server's)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT)
    input_formats = [LOCAL_FORMAT, "%Y-%m-%d %H:%M"]

    def __init__(self, *args, zone=None, **kwargs):
        self.zone = zone
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            parsed = value
        else:
            parsed = None
            for fmt in self.input_formats:
                try:
                    parsed = datetime.strptime(str(value).strip(), fmt)
                    break
                except ValueError:
                    continue
            if parsed is None:
                raise forms.ValidationError("Enter a date and time, such as 2026-12-02 14:00.")
        if timezone.is_naive(parsed):
            parsed = parsed.replace(tzinfo=self.zone)
        return parsed


class OfficerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Officer) -> str:
        collar = f" ({obj.collar_number})" if obj.collar_number else ""
        return f"{obj.public_name}{collar}"


class AccountChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Account) -> str:
        return f"{obj.name} ({obj.get_kind_display().lower()})"


class SessionForm(forms.Form):
    title = forms.CharField(max_length=120)
    description = forms.CharField(
        widget=forms.Textarea, required=False, help_text="What the session is about, for the hub."
    )
    accounts = AccountChoiceField(
        queryset=Account.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Questions to these accounts during the session come into it.",
    )
    starts_at = LocalDateTimeField(label="Starts")
    ends_at = LocalDateTimeField(label="Ends")
    hashtag = forms.CharField(max_length=61, help_text="Without the #, such as AskYorkPolice.")
    panel = OfficerChoiceField(
        queryset=Officer.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="The officers who answer.",
    )
    opens_early = forms.BooleanField(
        required=False,
        label="Take questions from now, before the session starts",
    )

    def __init__(self, *args, officer: Officer, **kwargs):
        super().__init__(*args, **kwargs)
        zone = officer.force.policy.zone
        self.fields["starts_at"].zone = zone
        self.fields["ends_at"].zone = zone
        self.fields["starts_at"].help_text = f"In {officer.force.policy.time_zone} time."
        self.fields["ends_at"].help_text = f"In {officer.force.policy.time_zone} time."
        self.fields["accounts"].queryset = accounts_of_force(force=officer.force).exclude(
            kind=Account.Kind.INDIVIDUAL
        )
        self.fields["panel"].queryset = officers_of_force(force_id=officer.force_id).order_by(
            "surname", "first_name"
        )


class SessionEditForm(SessionForm):
    """The session's details after it is announced: its accounts stay as they were."""

    def __init__(self, *args, officer: Officer, session, **kwargs):
        zone = officer.force.policy.zone
        kwargs.setdefault(
            "initial",
            {
                "title": session.title,
                "description": session.description,
                "starts_at": timezone.localtime(session.starts_at, zone).replace(tzinfo=None),
                "ends_at": timezone.localtime(session.ends_at, zone).replace(tzinfo=None),
                "hashtag": session.hashtag,
                "panel": list(session.panel.all()),
                "opens_early": session.opens_early,
            },
        )
        super().__init__(*args, officer=officer, **kwargs)
        del self.fields["accounts"]


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=300, label="Why is it cancelled?")


class AnswerForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea, label="Your answer")


class HideForm(forms.Form):
    reason = forms.CharField(max_length=300, label="Reason for hiding")


class AskForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 500}),
        max_length=500,
        label="Your question",
    )
    asker_name = forms.CharField(
        max_length=80,
        required=False,
        label="Your name (optional)",
        help_text="Shown with your question. Leave it empty to ask anonymously.",
    )
    # Left empty by people; filled by bots that fill every field.
    website = forms.CharField(required=False, label="Leave this empty")
