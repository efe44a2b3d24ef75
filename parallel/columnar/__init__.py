"""The columnar engine: a reconciliation of clean input, computed column-wise in Apache Arrow.

Most runs are of clean files, and for them the SQL path's costs (COPY of every record of
every resource into PostgreSQL, then a pass per check and per join) dominate. This engine
reads the same files with Arrow's C++ readers on every core, splits every record by a hash of
its student id into partitions on disk (:mod:`.partitions`), and reconciles one partition per
core at a time, so memory stays a partition's worth whatever the number of students. Only
the results (the differing records, the differing cells, the counts per LEA) are copied into
the run's staging tables, from where the SQL path's writer stores them.

It checks what the SQL path checks, and at the first problem it declines (:class:`Declined`):
the run then goes through the SQL path, which reports every problem with its file and line.
"""

from .engine import reconcile
from .inputs import Declined

__all__ = ["Declined", "reconcile"]
