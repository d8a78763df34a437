/**
 * Strict reading of JSON and YAML documents into records, shared by the readers of bundle.json
 * ({@code infer}) and of device profiles ({@code device}): one Jackson set-up that refuses what a
 * lenient mapper accepts, and one description of what went wrong ({@link
 * io.cordwatch.json.StrictJson.Problem}) that each reader words in its own error type.
 *
 * <p>Owns: the mapper features and coercion rules, the refusal of explicit nulls, and the
 * translation of Jackson's exceptions into a kind of problem with its key path.
 *
 * <p>May not touch: any other {@code io.cordwatch} package (it imports none, so every stage may use
 * it without closing a cycle; {@code io.cordwatch.infer} and {@code io.cordwatch.device} do),
 * files, or the wording of messages, which belongs to the reader whose user sees them.
 */
package io.cordwatch.json;
