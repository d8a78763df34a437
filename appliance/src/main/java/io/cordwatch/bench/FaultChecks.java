package io.cordwatch.bench;

import io.cordwatch.dicom.DicomPixels;
import io.cordwatch.dicom.Uids;
import io.cordwatch.store.Index;
import io.cordwatch.store.JobState;
import io.cordwatch.store.OutboxRecords;
import io.cordwatch.store.OutboxState;
import io.cordwatch.store.Records.InstanceRow;
import io.cordwatch.store.Records.JobRow;
import io.cordwatch.store.Records.StudyRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the fault bench checks once the last run of the appliance has stopped, read from its index,
 * its files and the peer's folder, never from what the appliance says about itself over HTTP.
 *
 * <ul>
 *   <li>Nothing acknowledged is lost: every instance storescu saw acknowledged has its index row,
 *       and the stored file holds the pixels that were sent.
 *   <li>Every study is graded exactly once: it is {@code graded}, each of its grading jobs is done,
 *       one job per series, and no delivery was superseded (which happens only when a series is
 *       graded a second time).
 *   <li>Every result is exported exactly once: each outbox row of the study is sent, the peer
 *       received each of those documents by one C-STORE (counted by {@link FaultPeer} from the
 *       peer's own log or files), and nothing else arrived for the study.
 * </ul>
 *
 * Failures name studies by {@link Uids#tag} only.
 */
final class FaultChecks {
  private FaultChecks() {}

  /** One check: whether it passed, its one-line summary, and what failed (at most a few lines). */
  record Check(String name, boolean passed, String summary, List<String> failures) {}

  /**
   * Runs the three checks.
   *
   * @param data the appliance's data directory (the appliance must be stopped)
   * @param acked the SOP Instance UID of every acknowledged instance and the file it was sent from
   * @param studies the Study Instance UIDs sent
   * @param peerDir the peer's folder ({@link FaultPeer#dir})
   */
  static List<Check> run(
      Path data, Map<String, Path> acked, Collection<String> studies, Path peerDir)
      throws IOException {
    Map<String, Map<String, Integer>> received = FaultPeer.receivedByStudy(peerDir);
    try (Index index = Index.open(data.resolve("index.db"))) {
      return List.of(
          acknowledged(index, data, acked),
          gradedOnce(index, studies),
          exportedOnce(index, studies, received, peerDir));
    }
  }

  private static Check acknowledged(Index index, Path data, Map<String, Path> acked) {
    List<String> failures = new ArrayList<>();
    int lost = 0;
    int damaged = 0;
    for (Map.Entry<String, Path> e : acked.entrySet()) {
      InstanceRow row = index.findInstance(e.getKey()).orElse(null);
      if (row == null) {
        lost++;
        note(failures, "lost: instance " + Uids.tag(e.getKey()) + " has no index row");
        continue;
      }
      Path stored = data.resolve(row.path());
      if (!Files.isRegularFile(stored) || !samePixels(e.getValue(), stored)) {
        damaged++;
        note(failures, "damaged: instance " + Uids.tag(e.getKey()) + " file missing or changed");
      }
    }
    return new Check(
        "acknowledged instances kept, files intact",
        lost == 0 && damaged == 0,
        "%d acknowledged, %d lost, %d damaged".formatted(acked.size(), lost, damaged),
        failures);
  }

  private static boolean samePixels(Path sent, Path stored) {
    try {
      List<DicomPixels.Frame> a = DicomPixels.read(sent);
      List<DicomPixels.Frame> b = DicomPixels.read(stored);
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!Arrays.equals(a.get(i).stored(), b.get(i).stored())) {
          return false;
        }
      }
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static Check gradedOnce(Index index, Collection<String> studies) {
    Map<String, List<JobRow>> jobs = new HashMap<>();
    for (JobState state : JobState.values()) {
      for (JobRow j : index.jobs(state)) {
        jobs.computeIfAbsent(j.studyUid(), k -> new ArrayList<>()).add(j);
      }
    }
    List<String> failures = new ArrayList<>();
    int once = 0;
    for (String study : studies) {
      String tag = Uids.tag(study);
      StudyRow row = index.study(study).orElse(null);
      List<JobRow> own = jobs.getOrDefault(study, List.of());
      Set<String> series = new HashSet<>();
      boolean twice = false;
      boolean open = false;
      for (JobRow j : own) {
        twice |= !series.add(j.seriesUid());
        open |= !j.state().equals(JobState.DONE.sql());
      }
      long superseded =
          index.outboxOfStudy(study).stream()
              .filter(r -> r.state().equals(OutboxState.SUPERSEDED.sql()))
              .count();
      if (row == null || !row.state().equals(Index.STUDY_GRADED)) {
        note(failures, "study " + tag + " is " + (row == null ? "unknown" : row.state()));
      } else if (own.isEmpty() || open) {
        note(failures, "study " + tag + ": " + own.size() + " jobs, not all done");
      } else if (twice || superseded > 0) {
        note(failures, "study " + tag + " graded more than once");
      } else {
        once++;
      }
    }
    return new Check(
        "studies graded exactly once",
        once == studies.size(),
        "%d of %d".formatted(once, studies.size()),
        failures);
  }

  private static Check exportedOnce(
      Index index,
      Collection<String> studies,
      Map<String, Map<String, Integer>> received,
      Path peerDir) {
    List<String> failures = new ArrayList<>();
    int documents = 0;
    int missing = 0;
    int duplicated = 0;
    int unexpected = 0;
    int unsent = 0;
    int confirmed = 0;
    Set<String> known = new HashSet<>(studies);
    for (String study : studies) {
      String tag = Uids.tag(study);
      Map<String, Integer> arrived = new HashMap<>(received.getOrDefault(study, Map.of()));
      List<OutboxRecords.Row> rows =
          index.outboxOfStudy(study).stream()
              .filter(r -> !r.state().equals(OutboxState.SUPERSEDED.sql()))
              .toList();
      if (rows.isEmpty()) {
        missing++;
        note(failures, "study " + tag + ": no results queued");
      }
      for (OutboxRecords.Row r : rows) {
        documents++;
        if (OutboxRecords.Via.C_FIND.sql().equals(r.sentVia())) {
          confirmed++;
        }
        if (!r.state().equals(OutboxState.SENT.sql())) {
          unsent++;
          note(failures, "study " + tag + ": a " + r.kind() + " is " + r.state());
        }
        Integer n = arrived.remove(r.objectUid());
        if (n == null) {
          missing++;
          note(failures, "study " + tag + ": its " + r.kind() + " never arrived");
        } else if (n > 1) {
          duplicated += n - 1;
          // What the outbox knew, so a failure says whether the resend followed a C-FIND.
          note(
              failures,
              "study "
                  + tag
                  + ": its "
                  + r.kind()
                  + " arrived "
                  + n
                  + " times (outbox: "
                  + r.attempts()
                  + " attempts, sent via "
                  + r.sentVia()
                  + ")");
          outboxLines(peerDir.getParent(), r.objectUid())
              .forEach(line -> note(failures, "        " + line));
        }
      }
      if (!arrived.isEmpty()) {
        unexpected += arrived.values().stream().mapToInt(Integer::intValue).sum();
        note(failures, "study " + tag + ": " + arrived.size() + " documents not in its outbox");
      }
    }
    if (duplicated > 0) {
      // Stores the peer logged as Success and then failed to answer are not counted; list any.
      failedResponses(peerDir).forEach(line -> note(failures, "peer: " + line));
    }
    for (String study : received.keySet()) {
      if (!known.contains(study)) {
        unexpected += received.get(study).values().stream().mapToInt(Integer::intValue).sum();
        note(failures, "documents of a study never sent: " + Uids.tag(study));
      }
    }
    return new Check(
        "results exported exactly once",
        missing == 0 && duplicated == 0 && unexpected == 0 && unsent == 0,
        ("%d documents for %d studies; %d missing, %d duplicated, %d unexpected, %d not sent;"
                + " %d confirmed by C-FIND instead of resent")
            .formatted(
                documents, studies.size(), missing, duplicated, unexpected, unsent, confirmed),
        failures);
  }

  /**
   * The appliance's outbox log lines that name a document, from its logs in {@code logDir} (beside
   * the peer's folder), so that a rare failure can be understood from its report alone.
   */
  private static List<String> outboxLines(Path logDir, String objectUid) {
    String tag = Uids.tag(objectUid);
    List<String> out = new ArrayList<>();
    try {
      for (Path log : FaultPeer.logFiles(logDir)) {
        for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
          if (line.contains("outbox: ") && line.contains(tag)) {
            out.add(log.getFileName() + ": " + line.substring(line.indexOf("outbox: ")));
          }
        }
      }
    } catch (IOException e) {
      out.add("appliance logs not readable: " + e.getMessage());
    }
    return out;
  }

  /** The stores the peer could not answer (never counted), for a report of duplicates. */
  private static List<String> failedResponses(Path peerDir) {
    try {
      return FaultPeer.failedResponses(peerDir);
    } catch (IOException e) {
      return List.of("logs not readable: " + e.getMessage());
    }
  }

  /** Keeps the first few failures; the counts in the summary say how many there were. */
  private static void note(List<String> failures, String line) {
    if (failures.size() < 16) {
      failures.add(line);
    }
  }
}
