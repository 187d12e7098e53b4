"""The subject access export (AVG art. 15): everything haard holds about one person, as JSON
and as a readable PDF, for the privacy officer to hand over.

What it holds: the person's registry data (with everyone merged into them), households,
reports, police incidents, safety assessments, cases with their plan, restraining orders,
meldcode records, shelter stays, case conferences, the requests the person made, and the access
log of who (organisation and role) saw their data, when and why.

What it leaves out, so that it says nothing about others (AVG art. 15(4)): other people are
never named; a record says how many others it is also about. Free text (a narrative, notes,
minutes) is the person's data too, but the names of the other people known to be in the same
records, and of reporters, are replaced by "[…]" in it. Reporters' identities are left out
(Veilig Thuis protects them). Employees in the access log are named by organisation and role,
not by name (CJEU C-579/21, Pankki S). The privacy officer reads the export before handing it
over: free text may still name someone haard does not know of.

The reads take a fixed number of queries, however much the person is in.
"""

from haard.retention.export.gather import Redactor, gather
from haard.retention.export.readable import readable

__all__ = ["Redactor", "gather", "readable"]
