/**
 * The index: one SQLite database (WAL, {@code synchronous=FULL}) with instances, series, studies,
 * jobs (with the time a failed one may be tried again), verdicts and slice results, canal boxes
 * supplied through the API, and an audit table. Every pipeline step that must survive kill -9 is a
 * committed row here. The schema carries its version and is upgraded in place at open (version 3
 * adds {@code jobs.next_attempt_ms} and {@code boxes}).
 *
 * <p>Owns: the schema and every SQL statement. Other stages call its methods; none of them writes
 * SQL. It holds no patient identifiers: only UIDs, technical attributes and relative file paths.
 */
package io.cordwatch.store;
