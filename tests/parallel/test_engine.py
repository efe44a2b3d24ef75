"""The engine's own settings: what bounds a worker's memory while a run or a check works."""

from parallel.engine.workdir import RunFolder, engine


def test_the_engine_holds_at_most_the_setting_spills_to_the_run_folder_and_hands_memory_back(
    settings, tmp_path
):
    settings.PARALLEL_SPILL_DIR = tmp_path
    settings.PARALLEL_MEMORY_LIMIT = "300MB"
    folder = RunFolder.of_run(7).create()

    with engine(folder) as con:
        limit, spill, kept, kept_after_bulk = con.execute(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory'), "
            "current_setting('allocator_flush_threshold'), "
            "current_setting('allocator_bulk_deallocation_flush_threshold')"
        ).fetchone()

    # DuckDB prints sizes in MiB: 300 MB is 286.1 MiB.
    assert limit == "286.1 MiB"
    assert spill == str(tmp_path / "run-7" / "tmp")
    # Freed memory goes back to the system beyond 16 MB (not 128 MB per thread and 512 MB
    # after a large operator, DuckDB's defaults), so the worker's peak does not grow with the
    # files' size.
    assert kept == kept_after_bulk == "15.2 MiB"
