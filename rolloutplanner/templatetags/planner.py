from django import template

register = template.Library()


@register.filter
def attr(obj, name: str):
    """``{{ obj|attr:"get_status_display" }}``: an attribute, called if callable; "" if None."""
    if name == "__str__":
        return str(obj)
    value = obj
    for part in name.split("."):
        value = getattr(value, part, None)
        if callable(value):
            value = value()
        if value is None:
            return ""
    return value
