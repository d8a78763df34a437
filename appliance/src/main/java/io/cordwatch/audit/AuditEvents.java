package io.cordwatch.audit;

import io.cordwatch.audit.AuditMessage.Code;
import io.cordwatch.audit.AuditMessage.Participant;
import io.cordwatch.store.AuditRow;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which DICOM audit event (PS3.15 A.5.3) each of our audit rows is, and who and what took part in
 * it, read back from the row's text.
 *
 * <p>The rows were written for people and carry a short event word and one line of text; the
 * message needs codes and participants. Rather than a second, structured copy of every row (which
 * every writer would have to keep in step), the few fields a message needs are read from the text
 * by the patterns the writers use: {@code user NAME}, {@code from ADDRESS}, {@code study UID},
 * {@code AE TITLE}. A field that is not there is left out, never guessed; the whole text always
 * goes along as the outcome description. Events DICOM has no code for go out as Security Alerts
 * with our own event word as the type (coding scheme {@code 99CORDWATCH}), so nothing in the trail
 * is kept from the collector.
 */
public final class AuditEvents {
  private AuditEvents() {}

  static final Code APPLICATION_ACTIVITY = Code.dcm("110100", "Application Activity");
  static final Code INSTANCES_ACCESSED = Code.dcm("110103", "DICOM Instances Accessed");
  static final Code INSTANCES_TRANSFERRED = Code.dcm("110104", "DICOM Instances Transferred");
  static final Code STUDY_DELETED = Code.dcm("110105", "DICOM Study Deleted");
  static final Code EXPORT = Code.dcm("110106", "Export");
  static final Code SECURITY_ALERT = Code.dcm("110113", "Security Alert");
  static final Code USER_AUTHENTICATION = Code.dcm("110114", "User Authentication");

  static final Code APPLICATION_START = Code.dcm("110120", "Application Start");
  static final Code APPLICATION_STOP = Code.dcm("110121", "Application Stop");
  static final Code LOGIN = Code.dcm("110122", "Login");
  static final Code LOGOUT = Code.dcm("110123", "Logout");
  static final Code NODE_AUTHENTICATION = Code.dcm("110126", "Node Authentication");
  static final Code SOFTWARE_CONFIGURATION = Code.dcm("110131", "Software Configuration");
  static final Code USER_SECURITY_ATTRIBUTES =
      Code.dcm("110137", "User Security Attributes Changed");

  static final Code ROLE_APPLICATION = Code.dcm("110150", "Application");
  static final Code ROLE_DESTINATION = Code.dcm("110152", "Destination Role ID");
  static final Code ROLE_SOURCE = Code.dcm("110153", "Source Role ID");

  /** The coding scheme of our own event words, where DICOM has no code. */
  static final String LOCAL_SCHEME = "99CORDWATCH";

  /**
   * Event id, event type and action of each event word we write. Events not listed go out as
   * Security Alerts typed with the word itself.
   */
  private record Kind(Code id, Code type, String action) {}

  private static final Map<String, Kind> KINDS =
      Map.ofEntries(
          Map.entry("application_started", new Kind(APPLICATION_ACTIVITY, APPLICATION_START, "E")),
          Map.entry("application_stopped", new Kind(APPLICATION_ACTIVITY, APPLICATION_STOP, "E")),
          Map.entry("instances_received", new Kind(INSTANCES_TRANSFERRED, null, "C")),
          Map.entry("instance_superseded", new Kind(INSTANCES_TRANSFERRED, null, "U")),
          Map.entry("results_sent", new Kind(INSTANCES_TRANSFERRED, null, "C")),
          Map.entry("outbox_failed", new Kind(INSTANCES_TRANSFERRED, null, "C")),
          Map.entry("study_viewed", new Kind(INSTANCES_ACCESSED, null, "R")),
          Map.entry("review_recorded", new Kind(INSTANCES_ACCESSED, null, "U")),
          Map.entry("boxes_replaced", new Kind(INSTANCES_ACCESSED, null, "U")),
          Map.entry("results_verified", new Kind(INSTANCES_ACCESSED, null, "U")),
          Map.entry("study_removed", new Kind(STUDY_DELETED, null, "D")),
          Map.entry("login", new Kind(USER_AUTHENTICATION, LOGIN, "E")),
          Map.entry("login_failed", new Kind(USER_AUTHENTICATION, LOGIN, "E")),
          Map.entry("logout", new Kind(USER_AUTHENTICATION, LOGOUT, "E")),
          Map.entry("session_expired", new Kind(USER_AUTHENTICATION, LOGOUT, "E")),
          Map.entry("association_rejected", new Kind(SECURITY_ALERT, NODE_AUTHENTICATION, "E")),
          Map.entry("bundle_installed", new Kind(SECURITY_ALERT, SOFTWARE_CONFIGURATION, "E")),
          Map.entry("bundle_activated", new Kind(SECURITY_ALERT, SOFTWARE_CONFIGURATION, "E")),
          Map.entry("bundle_switch_failed", new Kind(SECURITY_ALERT, SOFTWARE_CONFIGURATION, "E")));

  private static final Pattern USER = Pattern.compile("(?:^|[\\s(])user ([^\\s,;:()]+)");
  private static final Pattern BY_PRINCIPAL = Pattern.compile("\\bby (user|token) ([^\\s,;:()]+)");
  private static final Pattern BY = Pattern.compile("\\bby ([^\\s,;:()]+)");
  private static final Pattern FROM =
      Pattern.compile(
          "\\bfrom ([0-9]{1,3}(?:\\.[0-9]{1,3}){3}|\\[?[0-9A-Fa-f]*:[0-9A-Fa-f:.%]+\\]?)");
  private static final Pattern STUDY = Pattern.compile("\\bstudy ([0-9]+(?:\\.[0-9]+)+)");
  private static final Pattern AE = Pattern.compile("\\bAE ([^\\s,;:()]+)");
  private static final Pattern TO = Pattern.compile("\\bto ([^\\s,;]+)");

  /**
   * The audit message of one row.
   *
   * @param source our application: its participant comes first in every message
   */
  public static AuditMessage of(AuditRow row, AuditSource source) {
    String event = row.event();
    String text = row.detail();
    Kind kind = KINDS.get(event);
    if (kind == null) {
      Code type =
          event.startsWith("user_") || event.startsWith("token_")
              ? USER_SECURITY_ATTRIBUTES
              : new Code(event, LOCAL_SCHEME, event.replace('_', ' '));
      kind = new Kind(SECURITY_ALERT, type, "E");
    }
    List<Participant> who = new ArrayList<>();
    Participant us =
        new Participant(
            source.aeTitle(), source.processId(), false, source.hostname(), 1, ROLE_APPLICATION);
    String address = first(FROM, text);
    switch (event) {
      case "instances_received" -> {
        who.add(new Participant(first(AE, text), null, true, address, 2, ROLE_SOURCE));
        who.add(withRole(us, ROLE_DESTINATION));
      }
      case "results_sent", "outbox_failed" -> {
        who.add(withRole(us, ROLE_SOURCE));
        String to = first(TO, text);
        if (to != null) {
          who.add(new Participant(to, null, false, null, 0, ROLE_DESTINATION));
        }
      }
      case "association_rejected" -> {
        who.add(us);
        who.add(new Participant(first(AE, text), null, true, address, 2, null));
      }
      default -> {
        who.add(us);
        String user = actor(event, text);
        if (user != null) {
          who.add(new Participant(user, null, true, address, 2, null));
        }
      }
    }
    if (event.equals("results_sent") && text.startsWith("alert ")) {
      kind = new Kind(EXPORT, null, "R");
    }
    return new AuditMessage(
        kind.id(),
        kind.type(),
        kind.action(),
        outcome(event),
        row.atMs(),
        text,
        who,
        all(STUDY, text));
  }

  /**
   * Who acted: the user or token named after {@code by}; else, for the events about a session, the
   * user the row names; else whatever follows {@code by} (an administrator on the command line).
   */
  private static String actor(String event, String text) {
    if (event.equals("login_failed")) {
      return failedLogin(text);
    }
    Matcher by = BY_PRINCIPAL.matcher(text);
    if (by.find()) {
      return by.group(1).equals("user") ? by.group(2) : "token " + by.group(2);
    }
    if (!event.startsWith("user_") && !event.startsWith("token_")) {
      String user = first(USER, text);
      if (user != null) {
        return user;
      }
    }
    return first(BY, text);
  }

  /** 0 success; 4 minor failure (a refused login or peer); 8 serious (a delivery given up). */
  static int outcome(String event) {
    return switch (event) {
      case "outbox_failed" -> 8;
      case "login_failed", "association_rejected", "bundle_switch_failed" -> 4;
      default -> 0;
    };
  }

  /** A refused login's row is the name as typed, then {@code from ADDRESS}. */
  private static String failedLogin(String text) {
    int from = text.lastIndexOf(" from ");
    String name = (from < 0 ? text : text.substring(0, from)).strip();
    return name.isEmpty() ? null : name;
  }

  private static Participant withRole(Participant p, Code role) {
    return new Participant(
        p.userId(),
        p.alternativeUserId(),
        p.requestor(),
        p.accessPoint(),
        p.accessPointType(),
        role);
  }

  private static String first(Pattern p, String text) {
    Matcher m = p.matcher(text);
    return m.find() ? m.group(1) : null;
  }

  private static List<String> all(Pattern p, String text) {
    Set<String> out = new LinkedHashSet<>();
    Matcher m = p.matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return List.copyOf(out);
  }
}
