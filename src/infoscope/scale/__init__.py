"""Running ingest, analysis and linking on a Dask cluster (``--engine dask``).

The workers run the same functions as the local engine (readers, ``analyze.pipeline.run``,
``link.resolve.resolve``); the client reads and writes the store, so a cluster needs no database
access of its own and the stored results equal the local engine's.
"""
