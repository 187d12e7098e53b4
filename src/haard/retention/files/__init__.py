"""What is destroyed together, and when it is due.

A *file* is every record that hangs together: a case with the reports linked to it, the
safety assessments of those reports and their hand-overs, the restraining orders and shelter
stays in the case, the police incidents those reports came from, and so on until nothing new
is reached (`components`). A file is destroyed whole or not at all, so that no record is left
pointing at a destroyed one. A file is *closed* when every record in it is closed, and *due*
when the retention period of its kind has passed since the last record closed
(`describe_files`). The retention period follows the file's kind: a file with a case or a report
is a Veilig Thuis file; otherwise a restraining order, a shelter stay or a police incident.

Two kinds of record stand alone: a meldcode record (the professional's own file; it keeps its
number of the report it led to only as long as that report exists) and a police import file.
People are destroyed when nothing that must be kept refers to them any more (`people_with_records`).

Every function reads in a fixed number of queries per step, whatever the number of records.
"""

from haard.retention.files.due import due_units, still_the_same, units_of_person
from haard.retention.files.graph import CHUNK, Node, chunks, components, node_key, parse_key
from haard.retention.files.people import (
    household_record_links,
    households_with_records,
    merge_groups,
    people_with_records,
    person_record_links,
    person_units,
    record_links,
    referred_to,
)
from haard.retention.files.units import (
    Unit,
    describe_files,
    files_of,
    import_units,
    meldcode_units,
    people_of_records,
)

__all__ = [
    "CHUNK",
    "Node",
    "Unit",
    "chunks",
    "components",
    "describe_files",
    "due_units",
    "files_of",
    "household_record_links",
    "households_with_records",
    "import_units",
    "meldcode_units",
    "merge_groups",
    "node_key",
    "parse_key",
    "people_of_records",
    "people_with_records",
    "person_record_links",
    "person_units",
    "record_links",
    "referred_to",
    "still_the_same",
    "units_of_person",
]
