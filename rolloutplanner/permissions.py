"""Object-level permissions, enforced in one place for pages and the REST API.

Every model that users reach declares an :class:`ObjectPolicy` and uses
:class:`RestrictedQuerySet`. Views and API views never filter by user themselves: they call
``Model.objects.restrict(user, action)``. An object outside a user's ``view`` scope is
"not found" (404); one they may view but not change is "forbidden" (403).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q

from rolloutplanner.roles import (
    ADD,
    CHANGE,
    DELETE,
    READ_ONLY_ROLES,
    UNRESTRICTED_ROLES,
    VIEW,
    Role,
    role_of,
)


@dataclass(frozen=True)
class ObjectPolicy:
    """Who owns a row and what scoped roles may do with it.

    ``lea_path`` / ``vendor_path``: the ORM lookup from the model to the owning LEA / vendor
    ("pk" when the model *is* the LEA or vendor; several paths are OR-ed, e.g. a credential
    owned by an LEA or a vendor). ``shared``: rows everybody signed in may read (the statewide
    plan, the mapping, the timeline). ``lea_actions`` / ``vendor_actions``: which of "add",
    "change", "delete" scoped roles may do to the rows they own (they always view them).
    ``lea_fields`` / ``vendor_fields``: when set, the only fields those roles may change on a
    row they may change (e.g. a vendor contact updates its product's status, never its name).
    """

    lea_path: str | tuple[str, ...] | None = None
    vendor_path: str | tuple[str, ...] | None = None
    shared: bool = False
    lea_actions: frozenset[str] = frozenset()
    vendor_actions: frozenset[str] = frozenset()
    lea_fields: frozenset[str] | None = None
    vendor_fields: frozenset[str] | None = None
    leadership_can_view: bool = True

    def _paths(self, value) -> tuple[str, ...]:
        if value is None:
            return ()
        return (value,) if isinstance(value, str) else tuple(value)

    @property
    def lea_paths(self) -> tuple[str, ...]:
        return self._paths(self.lea_path)

    @property
    def vendor_paths(self) -> tuple[str, ...]:
        return self._paths(self.vendor_path)


def _owned_by(paths: tuple[str, ...], ids) -> Q | None:
    if not paths:
        return None
    return reduce(or_, (Q(**{f"{path}__in": ids}) for path in paths))


def _scoped_q(user, policy: ObjectPolicy, action: str) -> Q | None:
    """The filter for an LEA coordinator or vendor contact, or None when nothing is allowed."""
    role = role_of(user)
    profile = user.profile
    if role == Role.LEA_COORDINATOR:
        paths, ids, actions = policy.lea_paths, profile.lea_ids(), policy.lea_actions
    elif role == Role.VENDOR_CONTACT:
        paths, ids, actions = policy.vendor_paths, profile.vendor_ids(), policy.vendor_actions
    else:
        return None
    owned = _owned_by(paths, ids)
    if action == VIEW:
        if policy.shared:
            return Q()
        return owned
    return owned if action in actions else None


def restriction_for(user, model: type[models.Model], action: str) -> Q | None:
    """The Q a queryset of ``model`` is filtered by for ``user`` doing ``action``.

    ``Q()`` means everything; ``None`` means nothing.
    """
    policy: ObjectPolicy = model.permission_policy
    role = role_of(user)
    if role is None or not user.is_active:
        return None
    if role in UNRESTRICTED_ROLES:
        return Q()
    if role == Role.LEADERSHIP:
        return Q() if action == VIEW and policy.leadership_can_view else None
    return _scoped_q(user, policy, action)


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW) -> RestrictedQuerySet:
        """Only the rows ``user`` may ``action`` ("view", "change", "delete")."""
        q = restriction_for(user, self.model, action)
        if q is None:
            return self.none()
        if not q:
            return self
        if _crosses_many(self.model, q):
            # A subquery rather than DISTINCT, so callers can still annotate and aggregate.
            return self.filter(pk__in=self.model._default_manager.filter(q).values("pk"))
        return self.filter(q)


def _crosses_many(model, q: Q) -> bool:
    """True when a lookup follows a many-valued relation, which can repeat rows."""
    for child in q.children:
        if isinstance(child, Q):
            if _crosses_many(model, child):
                return True
            continue
        current = model
        for part in child[0].split("__")[:-1]:
            if part == "pk":
                break
            field = current._meta.get_field(part)
            if field.many_to_many or field.one_to_many:
                return True
            current = field.related_model
    return False


def visible_queryset(model, user, *, select_related=(), prefetch_related=()):
    """What ``user`` may view of ``model``, with the relations a page or API list needs."""
    queryset = model.objects.restrict(user, VIEW)
    if select_related:
        queryset = queryset.select_related(*select_related)
    if prefetch_related:
        queryset = queryset.prefetch_related(*prefetch_related)
    return queryset


def user_can(user, obj: models.Model, action: str) -> bool:
    """Whether ``user`` may ``action`` this saved object (uses the same queryset rule)."""
    return type(obj)._default_manager.restrict(user, action).filter(pk=obj.pk).exists()


def user_may_write(user) -> bool:
    """Whether ``user``'s role may change anything at all, whatever the object.

    Leadership reads everything and changes nothing: a POST action open to "anyone who can
    see the object" (reporting a credential's leak) is still closed to it. The object rules
    (``user_can``) apply on top of this one.
    """
    role = role_of(user)
    return role is not None and user.is_active and role not in READ_ONLY_ROLES


@contextmanager
def enforce_owner(user, action: str, *, refusal: str | None = None):
    """Keep the writes of the block only when what they saved is the user's to ``action``.

    The block saves as usual and passes each saved object to the yielded ``check``; at the end
    of the block every checked object must be in ``Model.objects.restrict(user, action)`` (ADD
    for a new row, CHANGE for an edit), otherwise the block's writes are rolled back and
    ``PermissionDenied`` is raised. This is the read rule applied to the row as written, so an
    owner reached through a many-to-many (the LEAs of a credential) counts once the block has
    set it: save the many-to-many inside the block.
    """
    written: list[models.Model] = []
    with transaction.atomic():
        yield written.append
        for obj in written:
            q = restriction_for(user, type(obj), action)
            if q is not None and not q:
                continue  # everything is the user's: no query needed
            if q is None or not user_can(user, obj, action):
                meta = obj._meta
                raise PermissionDenied(
                    refusal or f"You may not save this {meta.verbose_name} for that organisation."
                )


def save_restricted(user, action: str, write, *, refusal: str | None = None):
    """Save ``write`` (an instance, or a callable that saves and returns one, e.g. ``form.save``)
    and keep it only when it is the user's to ``action``; see :func:`enforce_owner`."""
    with enforce_owner(user, action, refusal=refusal) as check:
        if isinstance(write, models.Model):
            write.save()
            saved = write
        else:
            saved = write()
        check(saved)
    return saved


def changeable_fields(user, model: type[models.Model]) -> frozenset[str] | None:
    """The fields ``user`` may change on the rows of ``model`` they may change; None: all."""
    policy: ObjectPolicy = model.permission_policy
    role = role_of(user)
    if role == Role.LEA_COORDINATOR:
        return policy.lea_fields
    if role == Role.VENDOR_CONTACT:
        return policy.vendor_fields
    return None


def refused_field_changes(user, instance: models.Model, values: dict) -> list[str]:
    """The names among ``values`` that would change a field of ``instance`` ``user`` may not."""
    allowed = changeable_fields(user, type(instance))
    if allowed is None:
        return []
    fields = {f.name: f for f in type(instance)._meta.get_fields()}
    refused = []
    for name, value in values.items():
        field = fields.get(name)
        if name in allowed or field is None:
            continue
        if field.many_to_many:
            current = set(getattr(instance, name).all())
            changed = current != set(value)
        else:
            changed = getattr(instance, name) != value
        if changed:
            refused.append(name)
    return refused


def user_can_add_model(user, model: type[models.Model]) -> bool:
    """Whether ``user`` may create rows of ``model`` at all (used to show "Add" buttons)."""
    policy: ObjectPolicy = model.permission_policy
    role = role_of(user)
    if role in UNRESTRICTED_ROLES:
        return True
    if role == Role.LEA_COORDINATOR:
        return ADD in policy.lea_actions
    if role == Role.VENDOR_CONTACT:
        return ADD in policy.vendor_actions
    return False


OWNER_EDITS = frozenset({ADD, CHANGE, DELETE})
OWNER_UPDATES = frozenset({CHANGE})

__all__ = [
    "ADD",
    "CHANGE",
    "DELETE",
    "OWNER_EDITS",
    "OWNER_UPDATES",
    "VIEW",
    "ObjectPolicy",
    "changeable_fields",
    "refused_field_changes",
    "RestrictedQuerySet",
    "restriction_for",
    "user_can",
    "visible_queryset",
    "user_can_add_model",
    "enforce_owner",
    "save_restricted",
    "user_may_write",
]
