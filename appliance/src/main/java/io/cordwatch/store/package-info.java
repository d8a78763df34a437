/**
 * The index: one SQLite database (WAL, {@code synchronous=FULL}) with instances, series, studies,
 * jobs (with the time a failed one may be tried again), verdicts and slice results (with P(high)
 * and the decision rule's call), canal boxes supplied through the API, clinicians' reviews
 * (append-only: confirm or correct a study's or a slice's grade, {@link
 * io.cordwatch.store.Records.ReviewRow}), local users, API tokens and browser sessions ({@link
 * io.cordwatch.store.Accounts}: only hashes of secrets), the results outbox (one row per document
 * and destination, {@link io.cordwatch.store.OutboxState}), which installed model bundle is active
 * ({@link io.cordwatch.store.BundleActivations}: one never-changed row per activation, the latest
 * active), shadow mode ({@link io.cordwatch.store.BundleShadows}: which installed bundle runs in
 * shadow, one row per choice; {@link io.cordwatch.store.ShadowResults}: what it found per series,
 * apart from the verdicts and never published), and an audit table with its export cursor per
 * syslog collector ({@code audit_export}). Every pipeline step that must survive kill -9 is a
 * committed row here. The schema carries its version (now 12) and is upgraded in place at open
 * ({@link io.cordwatch.store.Schema}). One connection writes; reads share a small pool of
 * query-only connections ({@code ReadPool}, {@code index-read-connections}).
 *
 * <p>{@link io.cordwatch.store.Index} is the one public entry point; it composes each write from
 * the package-private classes that own the SQL of one concern (schema, ingest, series completion,
 * job queue, results, boxes, reviews, study state, audit, read model) inside one all-or-nothing
 * transaction of {@link io.cordwatch.store.Database}; a received instance's row commits through its
 * grouped transaction, which lets the rows of parallel associations share one WAL sync, each in a
 * savepoint of its own. States are the enums {@link io.cordwatch.store.StudyState}, {@link
 * io.cordwatch.store.SeriesState}, {@link io.cordwatch.store.JobState} and {@link
 * io.cordwatch.store.SeriesDecision}; SQL binds them, never spells them.
 *
 * <p>{@link io.cordwatch.store.IndexSnapshot} reads an index from another process (the CLI while
 * the appliance runs or after it stopped): read-only, never migrated, one read transaction, nothing
 * created beside a stopped box's index. Reports taken from a box go through it: the reviewed slices
 * of {@code cordwatch validate} and {@code adapt}, and the shadow findings of {@code cordwatch
 * bundle shadow-report} and of the validation report's shadow section.
 *
 * <p>Owns: the schema and every SQL statement. Other stages call its methods; none of them writes
 * SQL. It keeps the data, not the pipeline's decisions: what to grade again when supplied canal
 * boxes change is the grading stage's {@link io.cordwatch.store.BoxChangePolicy}, which the store
 * runs inside the transaction that replaces the boxes, through the writes it offers. Likewise
 * retention decides which studies go; the store only lists the settled ones and removes one with
 * its audit row in a transaction ({@link io.cordwatch.store.Index#removeStudy}) that asks a {@link
 * io.cordwatch.store.RetentionHold} (where undelivered results will keep a study). {@link
 * io.cordwatch.store.Backup} backs up and restores a data directory (an online snapshot of the
 * index, then the files it names, the quarantine, the outbox and the installed model bundle
 * versions, which it copies and hashes as files without reading them: what a version must satisfy
 * is its caller's {@link io.cordwatch.store.Backup.VersionCheck}). It holds no patient identifiers:
 * only UIDs, technical attributes and relative file paths.
 *
 * <p>May not touch: any other CordWatch package ({@code io.cordwatch.study}, {@code
 * io.cordwatch.grade}, {@code io.cordwatch.retention}, {@code io.cordwatch.app} and the rest):
 * their decisions come in as interfaces they implement; the DICOM library ({@code com.pixelmed});
 * or patient identifiers.
 */
package io.cordwatch.store;
