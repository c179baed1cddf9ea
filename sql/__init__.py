"""The dbt project of bilat's SQL models (dbt_project.yml here), installed as package data of ``bilat.sql``.
Dagster loads it in bilat/assets/models.py."""
