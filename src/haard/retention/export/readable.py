"""The export in words, for the PDF: sections in print order, fields by their names in the
interface language, nested records as lines of "label: value"."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

# Section titles and field labels of the readable (PDF) form, in the interface language.
SECTIONS: list[tuple[tuple[str, ...], Any]] = [
    (("person",), _("Personal data")),
    (("households",), _("Households")),
    (("reports",), _("Reports to Veilig Thuis")),
    (("police_incidents",), _("Police incidents")),
    (("safety_assessments",), _("Safety assessments")),
    (("cases",), _("Cases")),
    (("restraining_orders",), _("Restraining orders")),
    (("meldcode_records",), _("Meldcode records")),
    (("shelter", "stays"), _("Shelter stays")),
    (("shelter", "waiting_list"), _("Shelter waiting list")),
    (("case_conferences",), _("Case conferences")),
    (("requests",), _("Your requests")),
    (("access_log",), _("Who saw your data")),
]
FIELD_LABELS: dict[str, Any] = {
    "number": _("number"),
    "first_names": _("first names"),
    "surname_prefix": _("tussenvoegsel"),
    "surname": _("surname"),
    "date_of_birth": _("date of birth"),
    "gender": _("gender"),
    "bsn": _("BSN"),
    "phone": _("phone"),
    "email": _("email"),
    "secret_address": _("secret address"),
    "do_not_contact": _("do not contact"),
    "registered_at": _("registered at"),
    "merged_into": _("merged into"),
    "household": _("household"),
    "role": _("role"),
    "address": _("address"),
    "reference": _("reference"),
    "kind": _("kind"),
    "source": _("source"),
    "received_at": _("received at"),
    "received_on": _("received on"),
    "municipality": _("municipality"),
    "incident_address": _("incident address"),
    "violence": _("violence"),
    "initial_severity": _("initial severity"),
    "repeat": _("repeat"),
    "status": _("status"),
    "your_roles": _("your roles"),
    "other_people": _("other people in it (not shown)"),
    "narrative": _("what happened"),
    "registration_number": _("police registration number"),
    "occurred_at": _("occurred at"),
    "incident_code": _("incident code"),
    "severity": _("severity"),
    "first_report_received_on": _("first report received on"),
    "outcome": _("outcome"),
    "assessed_at": _("assessed at"),
    "route": _("route"),
    "route_reason": _("reason for the route"),
    "notes": _("notes"),
    "hand_overs": _("hand-overs"),
    "to": _("to"),
    "organisation": _("organisation"),
    "opened_on": _("opened on"),
    "closed_on": _("closed on"),
    "lead_organisation": _("lead organisation"),
    "status_changes": _("status changes"),
    "from": _("from"),
    "at": _("at"),
    "reason": _("reason"),
    "goals": _("goals"),
    "life_domain": _("life domain"),
    "goal": _("goal"),
    "due_on": _("due on"),
    "written_at": _("written at"),
    "note": _("note"),
    "safety_plan": _("safety plan"),
    "version": _("version"),
    "measures": _("measures"),
    "term": _("term"),
    "measure": _("measure"),
    "deadline": _("deadline"),
    "your_agreements": _("your agreements to the plan"),
    "agreed_on": _("agreed on"),
    "follow_up": _("follow-up checks"),
    "months_after_closure": _("months after closure"),
    "family_safe": _("the family is safe"),
    "imposed_at": _("imposed at"),
    "ends_at": _("ends at"),
    "facts": _("facts"),
    "whereabouts_address": _("whereabouts address"),
    "help": _("help"),
    "for": _("for"),
    "first_contact_due": _("first contact due"),
    "breaches": _("breaches"),
    "appeals": _("appeals"),
    "filed_on": _("filed on"),
    "started_at": _("started at"),
    "concluded_at": _("concluded at"),
    "found_by": _("found through"),
    "concern": _("concern"),
    "signs": _("signs"),
    "consultation": _("consultation"),
    "conversation": _("conversation"),
    "weighing": _("weighing"),
    "risk": _("risk"),
    "feedback": _("feedback"),
    "stage": _("stage"),
    "given_at": _("given at"),
    "facility": _("facility"),
    "facility_type": _("type of facility"),
    "place_type": _("place type"),
    "arrived_on": _("arrived on"),
    "planned_departure_on": _("planned departure"),
    "departed_on": _("departed on"),
    "destination": _("destination"),
    "destination_note": _("destination, details"),
    "priority": _("priority"),
    "referred_to": _("referred to"),
    "case": _("case"),
    "conference": _("conference"),
    "date": _("date"),
    "why_on_the_agenda": _("why on the agenda"),
    "minutes": _("minutes"),
    "decisions": _("decisions"),
    "actions": _("actions"),
    "action": _("action"),
    "record_type": _("kind of record"),
    "record": _("record"),
    "emergency_access": _("emergency access"),
}


def _label(key: str) -> str:
    return str(FIELD_LABELS.get(key, key.replace("_", " ")))


def _text(value: Any) -> str:
    """A value as one readable text: nested records become lines of "label: value"."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, dict):
        return "; ".join(f"{_label(k)}: {_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        if not value:
            return "–"
        return "\n".join(_text(item) for item in value)
    return str(value)


def readable(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The export's sections in print order, each a list of records of (label, text) rows."""
    sections = []
    for path, title in SECTIONS:
        records: Any = data
        for key in path:
            records = records[key]
        sections.append(
            {
                "title": title,
                "records": [
                    [(_label(key), _text(value)) for key, value in record.items()] for record in records
                ],
            }
        )
    return sections
