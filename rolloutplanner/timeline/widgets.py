"""A select widget that renders its options in Python rather than one template per option.

The LEA and vendor filters list every LEA (1,200) and vendor (300) a user may see; rendered
option by option through templates they would cost more than the rest of the page.
"""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = {str(v) for v in (value if isinstance(value, list | tuple) else [value])}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option_value, mark_safe(" selected") if str(option_value) in chosen else "", label)
                for option_value, label in self._plain_choices()
            ),
        )
        attributes = format_html_join("", ' {}="{}"', sorted(final.items()))
        return format_html("<select{}>{}</select>", attributes, options)

    def _plain_choices(self):
        for option_value, label in self.choices:
            value = getattr(option_value, "value", option_value)
            yield ("" if value is None else value), label


class FastSelectMultiple(FastSelect):
    """``FastSelect`` choosing several values (a list box, e.g. a milestone's predecessors)."""

    allow_multiple_selected = True

    def __init__(self, attrs=None, choices=()):
        super().__init__({"multiple": "multiple", "size": "10", **(attrs or {})}, choices)

    value_from_datadict = forms.SelectMultiple.value_from_datadict
    value_omitted_from_data = forms.SelectMultiple.value_omitted_from_data
