"""The platform's form bases: every date field is the browser's date picker, in ISO format."""

import datetime

from django import forms

from rolloutplanner.forms import DateInput, ModelForm
from vendors.forms import DeploymentTimelineForm, FollowUpEditForm
from vendors.models import Touchpoint


class _TouchpointForm(ModelForm):
    hidden_on = forms.DateField(widget=forms.HiddenInput, required=False)
    logged_at = forms.DateTimeField(required=False)

    class Meta:
        model = Touchpoint
        fields = ["held_on", "attendees"]


def test_a_date_is_rendered_as_an_iso_date_picker_whatever_the_locale():
    html = DateInput().render("held_on", datetime.date(2027, 6, 30))
    assert 'type="date"' in html and 'value="2027-06-30"' in html


def test_model_form_date_fields_use_the_date_picker_and_stay_required():
    form = _TouchpointForm(initial={"held_on": datetime.date(2027, 6, 30)})
    widget = form.fields["held_on"].widget
    assert isinstance(widget, DateInput) and widget.is_required
    html = str(form["held_on"])
    assert 'type="date"' in html and 'value="2027-06-30"' in html and "required" in html


def test_other_widgets_and_date_times_are_left_alone():
    form = _TouchpointForm()
    assert isinstance(form.fields["hidden_on"].widget, forms.HiddenInput)
    assert not isinstance(form.fields["logged_at"].widget, DateInput)


def test_app_forms_built_on_the_base_get_the_picker_and_keep_their_labels():
    for form in (DeploymentTimelineForm(), FollowUpEditForm()):
        dates = [f for f in form.fields.values() if isinstance(f, forms.DateField)]
        assert dates and all(isinstance(f.widget, DateInput) for f in dates)
    assert "<label" in str(FollowUpEditForm()["due_on"].label_tag())


def test_a_posted_iso_date_is_read_back():
    form = _TouchpointForm(data={"held_on": "2027-06-30", "attendees": "SEA, vendor"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["held_on"] == datetime.date(2027, 6, 30)
