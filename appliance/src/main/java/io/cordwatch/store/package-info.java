/**
 * The index: one SQLite database (WAL, {@code synchronous=FULL}) with instances, series, studies,
 * jobs and an audit table. Every pipeline step that must survive kill -9 is a committed row here.
 *
 * <p>Owns: the schema and every SQL statement. Other stages call its methods; none of them writes
 * SQL. It holds no patient identifiers: only UIDs, technical attributes and relative file paths.
 */
package io.cordwatch.store;
