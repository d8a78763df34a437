package io.cordwatch.store;

/**
 * One row of the audit trail as it was written: what happened ({@code event}, a short fixed word
 * such as {@code login} or {@code study_removed}), when, and the text that says how (UIDs, user
 * names, AE titles and addresses; never a patient's name, ID or birth date).
 *
 * @param id the row's id: rows are only appended, so ids grow with time
 * @param atMs when it happened, epoch milliseconds
 * @param event the kind of event
 * @param detail what the row says about it, may be empty
 */
public record AuditRow(long id, long atMs, String event, String detail) {}
