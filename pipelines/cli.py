"""`hfmon`: run the pipeline and make synthetic deliveries (shared/spec/interface.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipelines.settings import Settings, prepare_offline_environment, quiet_libraries


class UserError(Exception):
    """An expected problem: printed as a message that says what to do, never as a traceback."""


def run(args: argparse.Namespace) -> int:
    settings = Settings.resolve(args.data, args.home)
    if not settings.data_dir.is_dir():
        raise UserError(f"landing folder not found: {settings.data_dir}\n"
                        "Give one with --data DIR (or HFMON_DATA_DIR), or make one with `hfmon generate --out DIR`.")
    if not (settings.data_dir / "reference").is_dir():
        raise UserError(f"{settings.data_dir} has no reference/ folder (municipalities.csv, population.csv, "
                        "shelters.csv); is it a landing folder? See shared/spec/data-contract.md.")
    settings.export_to_environment()
    try:
        prepare_offline_environment(settings)
        settings.max_volume_drop    # a bad setting is refused before anything runs
    except ValueError as problem:
        raise UserError(str(problem)) from None

    import dagster as dg  # imported late: `hfmon --help` stays fast

    from pipelines import writer_lock
    from pipelines.definitions import build_definitions

    # The warehouse's one writer: refused here, before a run is recorded or a table touched.
    try:
        writer_lock.acquire(settings.home_dir)
    except writer_lock.WarehouseBusy as busy:
        raise UserError(str(busy)) from None
    print(f"hfmon run: landing folder {settings.data_dir}\n           home {settings.home_dir}", file=sys.stderr)
    try:
        with dg.DagsterInstance.get() as instance:
            # Resolved inside the instance's context: definitions loading reads its state storage.
            job = build_definitions(settings).resolve_job_def("hfmon_job")
            result = job.execute_in_process(instance=instance, raise_on_error=False,
                                            run_config={"loggers": {"step_progress": {}}})
        print_summary(settings, result)
    except Exception as error:     # only resource problems are expected here; anything else is a bug
        if (problem := resource_problem(settings, error)) is None:
            raise
        print(f"hfmon: {problem}", file=sys.stderr)
        return 1
    finally:
        writer_lock.release(settings.home_dir)
    return 0 if result.success else 1


def resource_problem(settings: Settings, error: BaseException | str) -> str | None:
    """One line for a full disk or exhausted memory, naming the setting to change; None otherwise."""
    text = error if isinstance(error, str) else " ".join(
        f"{type(e).__name__}: {e}" for e in _chain(error))
    if "OutOfMemory" in text or "Out of Memory" in text or "MemoryError" in text:
        return (f"DuckDB ran out of memory at its limit (HFMON_DUCKDB_MEMORY={settings.duckdb_memory_limit}). "
                "Raise it, e.g. HFMON_DUCKDB_MEMORY=4GB, or free memory on the machine, then run again; "
                "the last good tables and reports are unchanged.")
    if any(sign in text for sign in ("No space left on device", "disk I/O error", "database or disk is full",
                                     "Errno 28")):
        return (f"the disk holding {settings.home_dir} is full. Free space there (or give --home on a larger "
                "disk) and run again; the last good tables and reports are unchanged.")
    if "Could not set lock on file" in text:
        return (f"{settings.warehouse} is open in another program (a DuckDB shell, a notebook?); close it and "
                "run again; the last good tables and reports are unchanged.")
    return None


def _chain(error: BaseException):
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def failure_reason(failure) -> str:
    """What went wrong, in the step's own words: a dg.Failure's description, else the root error."""
    if failure.user_failure_data:
        return failure.user_failure_data.description
    error = failure.error
    while error.cause is not None:
        error = error.cause
    return f"{error.cls_name}: {error.message.strip()}" if error.cls_name and "Memory" in error.cls_name \
        else error.message.strip()


def print_summary(settings: Settings, result) -> None:
    """Files, rows, refusals and checks, read back from the warehouse the run wrote: only when this
    run wrote `deliveries` (else the counts would be another run's); then where the run stopped."""
    import dagster as dg
    import duckdb

    failed = [e for e in result.get_asset_check_evaluations() if not e.passed]
    blocking = [e for e in failed if e.severity == dg.AssetCheckSeverity.ERROR]
    warnings = [e for e in failed if e.severity != dg.AssetCheckSeverity.ERROR]
    failures = [e.step_failure_data for e in result.get_step_failure_events()]
    written = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    if result.success and "delivery_files" not in written:
        print("\nNothing new since the last completed run: no delivery, reference file or code changed, so "
              "nothing was recomputed; the tables and reports are as they were.")
    elif "deliveries" not in written:
        print("\nThis run stopped before it had read the deliveries: no files or rows to count.")
    elif settings.warehouse.exists():
        with duckdb.connect(str(settings.warehouse), read_only=True) as conn:
            tables = {row[0] for row in conn.execute("select table_name from information_schema.tables").fetchall()}
            if "deliveries" in tables:
                files, read, valid, quarantined, refused, superseded, unchanged, extra = conn.execute("""
                    select count(*) filter (where status <> 'superseded' or rows_read > 0),
                           coalesce(sum(rows_read), 0), coalesce(sum(rows_valid), 0),
                           coalesce(sum(rows_quarantined), 0), count(*) filter (where status = 'refused'),
                           count(*) filter (where status = 'superseded'), count(*) filter (where status = 'unchanged'),
                           count(*) filter (where has_extra_columns)
                    from deliveries""").fetchall()[0]
                print(f"\nfiles read: {files:,}   refused: {refused:,}   superseded: {superseded:,}   "
                      f"unchanged copies: {unchanged:,}   with extra columns (kept, not used): {extra:,}\n"
                      f"rows read: {read:,}   valid: {valid:,}   quarantined: {quarantined:,}")
        said = {e.asset_key.to_user_string(): e.materialization.metadata
                for e in result.get_asset_materialization_events()}
        if "quarantine" in said:
            judged = said["quarantine"]["judged"].value
            print(f"validated: {judged}" + ("" if judged == "every row" else
                                            " (the other files' problems and rows are kept from the last run)"))
        if "person_numbers" in said:
            modelled = said["person_numbers"]["computed_for"].value
            print(f"model computed for: {modelled}" + ("" if modelled.startswith("every") else
                                                       " (the other persons' tables are kept from the last run)"))
        if "indicators" in said:
            print(f"indicators computed for: {said['indicators']['computed_for'].value}")
    print(f"checks failed: {len(blocking)}"
          + "".join(f"\n  - {e.check_name} on {e.asset_key.to_user_string()}{check_message(e)}" for e in blocking))
    if warnings:
        print(f"warnings: {len(warnings)}"
              + "".join(f"\n  - {e.check_name} on {e.asset_key.to_user_string()}" for e in warnings))
    for failure in failures:
        reason = failure_reason(failure)
        print(f"\nhfmon: a step failed: {resource_problem(settings, reason) or reason}", file=sys.stderr)
    if result.success:
        print(f"reports: {settings.published_dir / 'index.html'}\n"
              f"figures: {settings.published_dir / 'indicators.csv'}\nwarehouse: {settings.warehouse}")
    else:
        stopped = sorted({e.step_key for e in result.get_step_failure_events()})
        print(f"\nhfmon: this run stopped at {', '.join(stopped) or 'a check'} after writing {len(written)} "
              "table(s) or file(s).", file=sys.stderr)
        print("\nhfmon: the run did not complete; the last good tables and reports are unchanged where a step "
              "did not run. Fix the problem above and run again.", file=sys.stderr)


def check_message(evaluation) -> str:
    """A failed check's own explanation (its `message` metadata), on the next line."""
    message = (evaluation.metadata or {}).get("message")
    return f"\n      {message.value}" if message is not None else ""


def report(args: argparse.Namespace) -> int:
    """Re-render every page from the warehouse, without recomputing anything."""
    import duckdb

    from reports.site import build_site

    settings = Settings.resolve(None, args.home)
    if not settings.warehouse.exists():
        raise UserError(f"no warehouse at {settings.warehouse}; run `hfmon run` first (or give --home).")

    def progress(done: int, total: int, page: str) -> None:
        print(f"\r  {done:>3}/{total} pages  {page:<28}", end="" if done < total else "\n", file=sys.stderr,
              flush=True)

    try:
        with duckdb.connect(str(settings.warehouse), read_only=True) as conn:
            pages = build_site(conn, settings.published_dir, progress)
    except duckdb.IOException:
        raise UserError(f"{settings.warehouse} is in use by another process (a running pipeline?); "
                        "try again when it has finished.") from None
    except duckdb.CatalogException:
        raise UserError(f"{settings.warehouse} has no published figures yet; run `hfmon run` first.") from None
    print(f"{len(pages)} pages in {settings.published_dir}")
    return 0


def validate(args: argparse.Namespace) -> int:
    from pipelines.validate_files import validate_files

    import duckdb

    quiet_libraries()
    try:
        report = validate_files([Path(p) for p in args.files], args.dataset)
    except duckdb.Error as error:   # the per-file fallback should catch this; never show a traceback
        raise UserError(f"the files could not be checked (DuckDB: {type(error).__name__}); check each file "
                        "alone to find the one that cannot be read") from None
    for problem in report.problems:
        print(problem)
    rejected, warnings = len(report.rejected), len(report.problems) - len(report.rejected)
    read, valid, quarantined = (sum(a[i] for a in report.accounts.values()) for i in range(3))
    print(f"{len(args.files)} file(s) checked: {read:,} rows read, {valid:,} valid, {quarantined:,} would be "
          f"quarantined; {rejected} problem(s)" + (f", {warnings} warning(s)" if warnings else "")
          + ("" if rejected else "; ready to deliver"), file=sys.stderr)
    return 1 if rejected else 0


def generate(args: argparse.Namespace) -> int:
    from pipelines.synthetic import generate as make_landing_folder

    out = Path(args.out)
    existing = [name for name in ("reference", "shelter_stays", "interventions", "homeless_count") if (out / name).exists()]
    if existing:
        raise UserError(f"{out} already holds {', '.join(existing)}/; give an empty or new folder to --out.")
    print(f"hfmon generate: {args.persons:,} persons a year, {args.start}-{args.end}, seed {args.seed} ...",
          file=sys.stderr)
    try:
        summary = make_landing_folder(out, persons=args.persons, seed=args.seed, start=args.start, end=args.end,
                                      cutoff=args.cutoff, faults=args.faults)
    except ValueError as problem:
        raise UserError(str(problem)) from None
    print(f"wrote {out}: {summary.shelters} shelters, {summary.stay_rows:,} stay rows, "
          f"{summary.case_rows:,} case rows, data to {summary.cutoff}")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="hfmon", description="Housing First monitor: Danish shelter and Housing "
                                                            "First indicators from anonymised deliveries.")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = commands.add_parser("run", help="run the whole pipeline: ingest, validate, indicators, reports")
    p.add_argument("--data", help="landing folder (default: $HFMON_DATA_DIR, else the repository's sample_data/)")
    p.add_argument("--home", help="output folder (default: $HFMON_HOME, else ./hfmon-home)")
    p.set_defaults(handler=run)
    r = commands.add_parser("report", help="re-render the reports from the warehouse without recomputing")
    r.add_argument("--home", help="output folder (default: $HFMON_HOME, else ./hfmon-home)")
    r.set_defaults(handler=report)
    v = commands.add_parser("validate", help="check delivery files against the data contract (nothing is loaded)")
    v.add_argument("files", nargs="+", metavar="FILE", help="delivery or reference files (.csv or .csv.gz)")
    v.add_argument("--dataset", choices=["shelter_stays", "interventions", "homeless_count", "municipalities",
                                         "population", "shelters", "shelter_rates", "hf_unit_costs", "targets"],
                   help="the dataset (default: from the folder name or the file name)")
    v.set_defaults(handler=validate)
    g = commands.add_parser("generate", help="write a synthetic landing folder in the data contract's format")
    g.add_argument("--out", required=True, help="folder to write (must be empty or new)")
    g.add_argument("--persons", type=int, default=7000, help="persons in shelter a year (default 7000, Denmark)")
    g.add_argument("--seed", type=int, default=2026, help="random seed: the same seed gives the same files")
    g.add_argument("--start", type=int, default=2021, help="first year of deliveries (default 2021)")
    g.add_argument("--end", type=int, default=2026, help="last year of deliveries (default 2026)")
    g.add_argument("--cutoff", help="last day of data, YYYY-MM-DD (rounded down to a quarter end; "
                                    "default: the end of --end)")
    g.add_argument("--faults", action="store_true",
                   help="add realistic faulty deliveries (an Excel export, bad rows, a resubmission, a .gz)")
    g.set_defaults(handler=generate)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.handler(args)
    except UserError as problem:
        print(f"hfmon: {problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("hfmon: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
