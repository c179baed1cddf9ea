"""The Dagster layer's wiring: partitions, resources, jobs, schedules and the Definitions object.

Load it with ``dagster dev`` from the repository root ([tool.dagster] in pyproject.toml points here).
"""
