"""The bases every app's forms build on: the date widget and the model form that uses it."""

from __future__ import annotations

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker (keyboard-usable and labelled by the field's label).

    The value is always written as ISO 8601: ``<input type="date">`` accepts no other format,
    whatever the user's locale, and would show an empty field for ``06/30/2027``.
    """

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 - Django's own argument name
        super().__init__(attrs=attrs, format=format)


def use_date_inputs(form: forms.BaseForm) -> None:
    """Give every date field of ``form`` that still has Django's text box the date picker."""
    for field in form.fields.values():
        # Exactly forms.DateInput: a field given another widget (hidden, a custom one) keeps it.
        if isinstance(field, forms.DateField) and type(field.widget) is forms.DateInput:
            widget = DateInput(attrs=field.widget.attrs)
            widget.is_required = field.widget.is_required
            field.widget = widget


class ModelForm(forms.ModelForm):
    """The base of every model form: date fields use :class:`DateInput`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_date_inputs(self)
