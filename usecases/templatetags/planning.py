from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ my_ratings|get_item:item.pk }}``: a dict value in a template, None when absent."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.inclusion_tag("usecases/_overdue_communications.html", takes_context=True)
def overdue_communications(context):
    """The overdue lines of the communication plan the signed-in user may see (home page)."""
    from usecases.models import CommunicationItem

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"overdue": []}
    return {"overdue": list(CommunicationItem.objects.restrict(user).overdue()[:20])}
