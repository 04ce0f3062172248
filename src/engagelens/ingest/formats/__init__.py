"""File formats, one module each, with the same small surface: ``sniff(path) -> bool`` says
whether the bytes look like that format, ``read(...)`` yields (Arrow chunk, rejected records)
for ``store.bulk.stage_chunks``. The format table in :mod:`.table` maps extensions to them."""
