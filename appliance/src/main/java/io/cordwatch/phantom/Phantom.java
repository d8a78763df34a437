package io.cordwatch.phantom;

import io.cordwatch.grade.bilsky.Grade;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Generates a run of phantom studies: one folder per study, {@code labels.csv} at the top and,
 * optionally, a montage of examples per grade. This is the API the CLI, the tests, the demo and the
 * trainer call.
 */
public final class Phantom {
  private Phantom() {}

  /**
   * What to generate.
   *
   * @param out the output folder
   * @param studies number of studies
   * @param seed the run's seed: the same seed gives the same bytes
   * @param style internal or external test-set style
   * @param slices axial T2 slices per study
   * @param montage also write {@code montage.png}
   * @param enhanced write Enhanced MR multi-frame files (labels.csv then gains a frame column)
   * @param masks also write each axial T2 slice's tissue map ({@link TissueMasks})
   */
  public record Options(
      Path out,
      int studies,
      long seed,
      StudyPlan.Style style,
      int slices,
      boolean montage,
      boolean enhanced,
      boolean masks) {

    /** Without tissue maps. */
    public Options(
        Path out,
        int studies,
        long seed,
        StudyPlan.Style style,
        int slices,
        boolean montage,
        boolean enhanced) {
      this(out, studies, seed, style, slices, montage, enhanced, false);
    }
  }

  /** What was written. */
  public record Result(List<PhantomWriter.Written> slices, int[] gradeCounts, Path labels) {}

  /** Writes the run described by {@code o}, with training draws. */
  public static Result generate(Options o) throws IOException {
    return generate(o, null);
  }

  /**
   * Writes the run described by {@code o}.
   *
   * @param holdOut for the randomized style, the factor family drawn from its hold-out ranges; null
   *     for training draws
   */
  public static Result generate(Options o, FactorRange.Factor holdOut) throws IOException {
    if (o.studies() < 1) {
      throw new IllegalArgumentException("--studies must be at least 1");
    }
    Files.createDirectories(o.out());
    List<PhantomWriter.Written> all = new ArrayList<>();
    int[] counts = new int[Grade.values().length];
    Montage montage = o.montage() ? new Montage(6) : null;
    Path labels = o.out().resolve("labels.csv");
    try (Writer csv = Files.newBufferedWriter(labels, StandardCharsets.US_ASCII)) {
      boolean randomized = o.style() == StudyPlan.Style.RANDOMIZED;
      csv.write(
          "study_instance_uid,sop_instance_uid,grade,x0,y0,x1,y1"
              + (o.enhanced() ? ",frame" : "")
              + (randomized ? RandomizedLabels.EXTRA_HEADER : "")
              + "\n");
      int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), 8));
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        // Studies are independent (each has its own random streams), so they render in parallel
        // and are written to labels.csv in order: the bytes do not depend on the thread count.
        Deque<Future<Study>> pending = new ArrayDeque<>();
        int next = 0;
        for (int done = 0; done < o.studies(); done++) {
          while (next < o.studies() && pending.size() <= threads) {
            int i = next++;
            pending.add(pool.submit(() -> study(o, holdOut, i, randomized)));
          }
          Study st = join(pending.poll());
          for (int k = 0; k < st.written().size(); k++) {
            PhantomWriter.Written w = st.written().get(k);
            if (o.masks()) {
              TissueMasks.write(w, o.enhanced());
            }
            String row = st.rows().get(k);
            if (row == null) {
              continue;
            }
            counts[w.findings().grade().ordinal()]++;
            csv.write(row);
            if (montage != null && montage.wants(w.findings().grade())) {
              montage.add(
                  w,
                  st.plan().protocol().spacing(),
                  st.plan().scanner().model() + " " + st.plan().scanner().fieldStrength() + "T");
            }
          }
          // Keep only what the caller needs: pixels of a whole run would not fit in memory.
          for (PhantomWriter.Written w : st.written()) {
            all.add(
                new PhantomWriter.Written(
                    w.file(),
                    w.frame(),
                    w.studyUid(),
                    w.sopUid(),
                    w.findings(),
                    boxOnly(w.image()),
                    w.level()));
          }
        }
      } finally {
        pool.shutdownNow();
      }
    }
    if (montage != null) {
      montage.write(o.out().resolve("montage.png"));
    }
    if (o.masks()) {
      TissueMasks.writeLegend(o.out());
    }
    return new Result(all, counts, labels);
  }

  /** One generated study: its plan, its graded slices and their labels.csv rows (null: no box). */
  private record Study(StudyPlan plan, List<PhantomWriter.Written> written, List<String> rows) {}

  private static Study study(Options o, FactorRange.Factor holdOut, int i, boolean randomized)
      throws IOException {
    StudyPlan plan = StudyPlan.plan(o.seed(), i, o.style(), o.slices(), holdOut);
    Path dir = o.out().resolve(String.format("study-%04d", i + 1));
    List<PhantomWriter.Written> written = PhantomWriter.write(plan, dir, o.enhanced());
    RandomizedLabels extra = randomized ? new RandomizedLabels(plan) : null;
    List<String> rows = new ArrayList<>(written.size());
    for (int si = 0; si < written.size(); si++) {
      PhantomWriter.Written w = written.get(si);
      Acquisition.Image img = w.image();
      if (img.x0() < 0) {
        rows.add(null);
        continue;
      }
      int[] box =
          extra == null ? new int[] {img.x0(), img.y0(), img.x1(), img.y1()} : extra.jitter(img);
      rows.add(
          w.studyUid()
              + ","
              + w.sopUid()
              + ","
              + w.findings().grade().label()
              + ","
              + box[0]
              + ","
              + box[1]
              + ","
              + box[2]
              + ","
              + box[3]
              + (o.enhanced() ? "," + w.frame() : "")
              + (extra == null ? "" : extra.columns(si, w))
              + "\n");
    }
    return new Study(plan, written, rows);
  }

  private static Study join(Future<Study> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while generating phantoms", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(e.getCause());
    }
  }

  private static Acquisition.Image boxOnly(Acquisition.Image i) {
    return new Acquisition.Image(
        i.size(), new short[0], new byte[0], i.x0(), i.y0(), i.x1(), i.y1(), i.maxValue());
  }
}
