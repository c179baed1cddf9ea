"""bilat: news articles in, a queryable record of bilateral relations out.

The package is the pure core (sources, raw store, parsing, extraction, warehouse loading) and imports nothing
from Dagster; the Dagster layer lives in ``bilat.assets`` (assets/) and ``bilat.pipelines`` (pipelines/).
"""

__version__ = "0.1.0"
