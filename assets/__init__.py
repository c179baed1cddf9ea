"""Dagster assets, one module per layer. Each asset is a few lines over a stage in ``bilat.stages``;
asset keys are the warehouse tables they write (["core", "articles"] writes core.articles)."""
