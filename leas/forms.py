from django import forms

from leas.models import LEA


class LEAForm(forms.ModelForm):
    class Meta:
        model = LEA
        fields = [
            "name",
            "state_lea_id",
            "nces_id",
            "enrollment",
            "capacity",
            "urbanicity",
            "region",
            "poverty_level",
            "sis_vendor",
        ]
