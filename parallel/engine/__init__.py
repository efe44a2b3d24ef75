"""The parallel-year engine: DuckDB inside the worker reads the uploaded files where they lie,
derives each report's Ed-Fi records, compares them with the legacy records and aggregates, all in
SQL compiled from the report definition's data; the results go to PostgreSQL in one transaction.

- ``sql``: identifier quoting (values are always bound parameters).
- ``workdir``: the run's spill folder (DuckDB's database file and temporary files).
- ``legacy``: the legacy CSV(s), read with explicit columns and validated.
- ``edfi``: the Ed-Fi extracts, read line by line and checked against the Ed-Fi contract.
- ``vocabulary``: what a compared field's Ed-Fi source may be, compiled to SQL.
- ``compare``: records, explained differences, cells, data-quality warnings.
- ``store``: the results into PostgreSQL with COPY, in one transaction.
"""
