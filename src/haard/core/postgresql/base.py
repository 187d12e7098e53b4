"""Django's PostgreSQL backend, with bulk writes split to fit PostgreSQL's protocol.

Values bound by the server (settings: `server_side_binding`, for prepared statements) travel
as parameters, and a statement may carry at most 65,535 of them. Django splits a bulk insert
or update into batches for SQLite's limit but not for PostgreSQL's, where it writes the
values into the SQL by default; this backend splits them here as well, so that a bulk write
of any size keeps working.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import base, features, operations

MAX_PARAMETERS = 65_535


class DatabaseFeatures(features.DatabaseFeatures):
    max_query_params = MAX_PARAMETERS


class DatabaseOperations(operations.DatabaseOperations):
    def bulk_batch_size(self, fields: Any, objs: Any) -> int:
        if fields:
            return max(1, min(len(objs), MAX_PARAMETERS // len(fields)))
        return int(super().bulk_batch_size(fields, objs))


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
    ops_class = DatabaseOperations
