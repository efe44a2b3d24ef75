from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ my_ratings|get_item:item.pk }}``: a dict value in a template, None when absent."""
    return mapping.get(key) if hasattr(mapping, "get") else None
