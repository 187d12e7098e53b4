"""What intake tells the apps above it.

`report_recorded` is sent (with `report`) inside the transaction that records a report with
all its people: at once by `services.register_report`, or, for a report taken through the form
or the API with new people to link, by `services.take_in` once they are linked. Receivers that
need the people committed defer their work with `transaction.on_commit`. Reports written in
bulk (imports, the demo) send nothing.
"""

from __future__ import annotations

from django.dispatch import Signal

report_recorded = Signal()
