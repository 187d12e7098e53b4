"""Merging two records of one person, undoing a merge, and deciding on possible matches.

A merge never deletes: the merged person is kept, marked `merged_into`, and hidden from every
list and search. Every row elsewhere that points at the merged person is found generically
(`Person._meta.related_objects`), so links that apps add later move too, and each moved row is
recorded (model label, primary key, field) in the `PersonMerge`. An unmerge moves exactly
those rows back. Each moved row is saved (not bulk-updated), so its own history records the
move. Keyword-only services, one transaction each; every one takes the acting user.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haard.accounts.access import has_capability
from haard.accounts.models import User
from haard.registry.models import MatchStatus, Person, PersonMerge, PossibleMatch

REVIEW_CAPABILITY = "search_people"

# Rows that point at a person but are not links of that person to move: the merge machinery
# itself and the person's own merge pointer. (The access log holds person ids, not foreign
# keys, and is never changed; history tables point with hidden relations and are skipped.)
NOT_MOVED = frozenset({"registry.Person", "registry.PossibleMatch", "registry.PersonMerge"})


def _is_history(model: type[models.Model]) -> bool:
    """A change-history table: its rows keep what was, so a merge leaves them."""
    return any(field.name == "history_id" for field in model._meta.concrete_fields)


def person_links() -> list[tuple[type[models.Model], str]]:
    """Every (model, foreign-key field name) through which a row points at a Person."""
    links: list[tuple[type[models.Model], str]] = []
    # Hidden relations too: a foreign key declared with related_name="+" points at a person
    # all the same and must move with the merge.
    relations = [
        field
        for field in Person._meta.get_fields(include_hidden=True)
        if isinstance(field, models.ForeignObjectRel)
    ]
    for relation in relations:
        model = relation.related_model
        if not isinstance(model, type) or model._meta.label in NOT_MOVED or _is_history(model):
            continue
        if relation.many_to_many:
            # An explicit through model has its own foreign key, listed separately; only an
            # auto-created one must be handled here.
            through: Any = getattr(relation, "through", None)
            if through is not None and through._meta.auto_created:
                links.extend(
                    (through, field.name)
                    for field in through._meta.get_fields()
                    if isinstance(field, models.ForeignKey) and field.related_model is Person
                )
            continue
        links.append((model, relation.field.name))
    return links


def _require_reviewer(actor: User) -> None:
    if not has_capability(actor, REVIEW_CAPABILITY):
        raise PermissionDenied


def _visible_pair(actor: User, first_pk: int, second_pk: int) -> tuple[Person, Person]:
    """Both people, locked for update; PermissionDenied unless the actor may see both."""
    visible = set(
        Person.objects.visible_to(actor).filter(pk__in=[first_pk, second_pk]).values_list("pk", flat=True)
    )
    if visible != {first_pk, second_pk}:
        raise PermissionDenied
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[first_pk, second_pk])}
    return locked[first_pk], locked[second_pk]


def _move(row: models.Model, field: str, to: Person, *, actor: User, reason: str) -> bool:
    """Point `row.field` at `to` in a savepoint; False when a unique constraint refuses."""
    setattr(row, field, to)
    row._change_reason = reason  # type: ignore[attr-defined]
    row._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            row.save(update_fields=[field])
    except IntegrityError:
        return False
    return True


@transaction.atomic
def merge_people(
    *, actor: User, keep: Person, merge: Person, reason: str, possible_match: PossibleMatch | None = None
) -> PersonMerge:
    """Merge `merge` into `keep`: every link moves to `keep`, `merge` is marked merged.

    Refuses (ValidationError) a merge of a person with itself, of someone already merged, into
    someone already merged, of two people with different BSNs, and without a reason. A link
    that `keep` already has the same of (a unique constraint) stays with `merge` and is listed
    in `kept_links`. A BSN only `merge` has moves to `keep`.
    """
    _require_reviewer(actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for this decision.")})
    if keep.pk == merge.pk:
        raise ValidationError(_("A person cannot be merged with itself."))
    keep, merge = _visible_pair(actor, keep.pk, merge.pk)
    if keep.merged_into_id is not None or merge.merged_into_id is not None:
        raise ValidationError(_("One of these people has been merged already."))
    if keep.bsn_hash and merge.bsn_hash and keep.bsn_hash != merge.bsn_hash:
        raise ValidationError(_("These people have different BSNs: they are not the same person."))
    change_reason = f"Merged person {merge.pk} into {keep.pk}"
    moved: list[dict[str, Any]] = []
    kept: list[dict[str, Any]] = []
    for model, field in person_links():
        for row in model._base_manager.filter(**{field: merge}).order_by("pk"):
            entry = {"model": model._meta.label, "pk": row.pk, "field": field}
            (moved if _move(row, field, keep, actor=actor, reason=change_reason) else kept).append(entry)
    bsn_moved = bool(merge.bsn_hash and not keep.bsn_hash)
    merge.merged_into = keep
    merge._change_reason = change_reason  # type: ignore[attr-defined]
    if bsn_moved:
        keep.bsn_encrypted, keep.bsn_hash = merge.bsn_encrypted, merge.bsn_hash
        merge.bsn_encrypted, merge.bsn_hash = "", ""
        merge.save(update_fields=["merged_into", "bsn_encrypted", "bsn_hash", "updated_at"])
        keep._change_reason = change_reason  # type: ignore[attr-defined]
        keep.save(update_fields=["bsn_encrypted", "bsn_hash", "updated_at"])
    else:
        merge.save(update_fields=["merged_into", "updated_at"])
    return PersonMerge.objects.create(
        merged=merge,
        into=keep,
        possible_match=possible_match,
        reason=reason.strip(),
        merged_by=actor,
        moved_links=moved,
        kept_links=kept,
        bsn_moved=bsn_moved,
    )


@transaction.atomic
def unmerge_people(*, actor: User, person_merge: PersonMerge, reason: str) -> PersonMerge:
    """Undo a merge: the recorded links move back to the merged person, who is shown again.

    Refuses (ValidationError) an undone merge, and one whose kept person has since been merged
    into a third (undo that merge first). A recorded row that was deleted since, or no longer
    points at the kept person, cannot move back: it is listed in `not_restored_links`. A BSN
    the merge moved goes back. A possible match the merge confirmed becomes rejected.
    """
    _require_reviewer(actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for this decision.")})
    locked = PersonMerge.objects.select_for_update().get(pk=person_merge.pk)
    if locked.unmerged_at is not None:
        raise ValidationError(_("This merge has been undone already."))
    keep, merged = _visible_pair(actor, locked.into_id, locked.merged_id)
    if keep.merged_into_id is not None:
        raise ValidationError(_("The kept person has been merged into someone else since: undo that first."))
    change_reason = f"Unmerged person {merged.pk} from {keep.pk}"
    not_restored: list[dict[str, Any]] = []
    for entry in locked.moved_links:
        model = apps.get_model(entry["model"])
        field = entry["field"]
        row = model._base_manager.filter(pk=entry["pk"], **{field: keep}).first()
        if row is None or not _move(row, field, merged, actor=actor, reason=change_reason):
            not_restored.append(entry)
    merged.merged_into = None
    merged._change_reason = change_reason  # type: ignore[attr-defined]
    if locked.bsn_moved and keep.bsn_hash and not merged.bsn_hash:
        merged.bsn_encrypted, merged.bsn_hash = keep.bsn_encrypted, keep.bsn_hash
        keep.bsn_encrypted, keep.bsn_hash = "", ""
        keep._change_reason = change_reason  # type: ignore[attr-defined]
        keep.save(update_fields=["bsn_encrypted", "bsn_hash", "updated_at"])
        merged.save(update_fields=["merged_into", "bsn_encrypted", "bsn_hash", "updated_at"])
    else:
        merged.save(update_fields=["merged_into", "updated_at"])
    now = timezone.now()
    locked.unmerged_by = actor
    locked.unmerged_at = now
    locked.unmerge_reason = reason.strip()
    locked.not_restored_links = not_restored
    locked.save()
    if locked.possible_match_id is not None:
        decided = PossibleMatch.objects.select_for_update().get(pk=locked.possible_match_id)
        decided.status = MatchStatus.REJECTED
        decided.decided_by = actor
        decided.decided_at = now
        decided.decision_reason = f"Merge undone: {reason.strip()}"
        decided.save()
    return locked


def _open_match(actor: User, possible_match: PossibleMatch) -> PossibleMatch:
    locked = PossibleMatch.objects.select_for_update().get(pk=possible_match.pk)
    if locked.status != MatchStatus.OPEN:
        raise ValidationError(_("This possible match has been decided already."))
    return locked


@transaction.atomic
def confirm_possible_match(
    *, actor: User, possible_match: PossibleMatch, keep: Person, reason: str
) -> PersonMerge:
    """The two are one person: merge the other into `keep` (one of the pair) and close the
    item as confirmed. The refusals of `merge_people` apply."""
    _require_reviewer(actor)
    locked = _open_match(actor, possible_match)
    pair = {locked.person_a_id, locked.person_b_id}
    if keep.pk not in pair:
        raise ValidationError({"keep": _("Choose one of the two people to keep.")})
    (other_pk,) = pair - {keep.pk}
    merge = Person.objects.get(pk=other_pk)
    person_merge = merge_people(actor=actor, keep=keep, merge=merge, reason=reason, possible_match=locked)
    locked.status = MatchStatus.CONFIRMED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_reason = reason.strip()
    locked.save()
    return person_merge


@transaction.atomic
def reject_possible_match(*, actor: User, possible_match: PossibleMatch, reason: str) -> PossibleMatch:
    """The two are different people: close the item as rejected, with the reason."""
    _require_reviewer(actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for this decision.")})
    locked = _open_match(actor, possible_match)
    _visible_pair(actor, locked.person_a_id, locked.person_b_id)
    locked.status = MatchStatus.REJECTED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_reason = reason.strip()
    locked.save()
    return locked
