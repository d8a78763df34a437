package io.cordwatch.trainer.localizer;

import io.cordwatch.dicom.DicomFacts;
import io.cordwatch.dicom.DicomPixels;
import io.cordwatch.dicom.DicomReadException;
import io.cordwatch.dicom.InstanceFacts;
import io.cordwatch.dicom.PixelDecodeException;
import io.cordwatch.infer.LocalizerSpec;
import io.cordwatch.infer.Preprocessing;
import io.cordwatch.roi.BoxSource;
import io.cordwatch.roi.CanalBox;
import io.cordwatch.roi.CanalLocator;
import io.cordwatch.roi.SlicePixels;
import io.cordwatch.roi.SuppliedBoxes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Whole slices with their canal boxes, in the localizer's unit range: what the localizer trains and
 * is scored on.
 *
 * <p>A data folder holds DICOM files (searched recursively) and their labels: a labels.csv at its
 * top, or LabelImg VOC XML beside the files (the same two forms the appliance reads, through {@link
 * SuppliedBoxes}). Every frame with a box is a sample; frames without one are left out (an
 * unlabelled slice is not known to lack a canal). Each sample keeps its study, so that held-out
 * slices can be split by study, never by slice: slices of one study share a patient, a scanner and
 * a pose, and a split by slice would score the model on near-copies of its training slices.
 *
 * <p>A labels.csv's {@code grade} column, when present, is kept with each slice: training draws
 * diseased slices more often ({@link LocalizerTraining}), since a canal filled with tumour is the
 * hard case to box and such slices are rare.
 *
 * <p>Slices are held in unit range as 16-bit fixed point (about a quarter of a float's memory;
 * 1/65535 is far below anything the network can see), already windowed by {@link
 * CanalLocator#unit}, so training builds views without re-reading files.
 */
public final class LocalizerData {
  /**
   * One labelled slice.
   *
   * @param grade the slice's grade from labels.csv's {@code grade} column; null when the labels
   *     carry none (VOC files)
   * @param pixelSpacing the slice's Pixel Spacing in mm (between rows, between columns), null when
   *     the file has none: scoring applies the appliance's smallest canal box in mm with it
   * @param file the DICOM file the slice was read from (null for slices made in memory): what lies
   *     beside it, such as a phantom's tissue map, is found from it
   */
  public record Sample(
      String studyUid,
      String sopInstanceUid,
      int frame,
      int columns,
      int rows,
      char[] unit,
      CanalBox box,
      String grade,
      double[] pixelSpacing,
      Path file) {
    /** Whether the slice is known to show disease (a grade other than 0). */
    public boolean diseased() {
      return grade != null && !grade.equals("0");
    }

    /** The slice in unit range as floats. */
    public float[] unitFloats() {
      float[] out = new float[unit.length];
      for (int i = 0; i < unit.length; i++) {
        out[i] = unit[i] / 65535f;
      }
      return out;
    }
  }

  private final List<Sample> samples;
  private final String description;

  private LocalizerData(List<Sample> samples, String description) {
    this.samples = List.copyOf(samples);
    this.description = description;
  }

  public static LocalizerData of(List<Sample> samples, String description) {
    return new LocalizerData(samples, description);
  }

  /**
   * Every labelled frame under each of {@code dirs}, the folders one after the other as one set
   * (for training on phantoms and real slices together).
   *
   * @param labels as for {@link #load}, read for every folder; null for each folder's own
   * @throws IllegalArgumentException when a folder holds no labelled slice
   * @throws io.cordwatch.roi.BoxFileException when the labels cannot be used
   */
  public static LocalizerData load(
      List<Path> dirs, Path labels, LocalizerSpec spec, int perStudy, Consumer<String> log) {
    List<LocalizerData> parts = new ArrayList<>();
    for (Path d : dirs) {
      parts.add(load(d, labels, spec, perStudy, log));
    }
    return concat(parts);
  }

  /** The folders' names joined with " + ", to name a set drawn from them. */
  public static String names(List<Path> dirs) {
    return String.join(" + ", dirs.stream().map(p -> String.valueOf(p.getFileName())).toList());
  }

  /** The sets one after the other, as one set. */
  private static LocalizerData concat(List<LocalizerData> sets) {
    if (sets.size() == 1) {
      return sets.getFirst();
    }
    List<Sample> all = new ArrayList<>();
    List<String> parts = new ArrayList<>();
    for (LocalizerData d : sets) {
      all.addAll(d.samples);
      parts.add(d.description);
    }
    return new LocalizerData(all, String.join(" + ", parts));
  }

  /**
   * Loads every labelled frame under {@code dir}.
   *
   * @param labels labels.csv or a VOC folder; null for {@code dir}/labels.csv when it exists, else
   *     the VOC files under {@code dir}
   * @param perStudy at most this many slices per study, chosen evenly along the study (0: all)
   * @param log receives one line per few hundred files read
   * @throws IllegalArgumentException when the folder holds no labelled slice
   * @throws io.cordwatch.roi.BoxFileException when the labels cannot be used
   */
  public static LocalizerData load(
      Path dir, Path labels, LocalizerSpec spec, int perStudy, Consumer<String> log) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(dir + ": no such data folder");
    }
    Path labelPath =
        labels != null
            ? labels
            : Files.isRegularFile(dir.resolve("labels.csv")) ? dir.resolve("labels.csv") : dir;
    // Exact boxes where the labels have them: the grader trains on jittered boxes, the localizer
    // must learn where the canal really is.
    BoxSource boxes = SuppliedBoxes.loadExact(labelPath);
    Map<String, String> grades = Files.isRegularFile(labelPath) ? grades(labelPath) : Map.of();
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files =
          s.filter(Files::isRegularFile)
              .filter(p -> !p.getFileName().toString().matches("(?i).*\\.(xml|csv|txt|png|json)"))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    // First pass: headers only, to know each labelled file's study and order.
    Map<String, List<Path>> byStudy = new TreeMap<>();
    Map<Path, InstanceFacts> facts = new LinkedHashMap<>();
    for (Path f : files) {
      InstanceFacts x;
      try {
        x = DicomFacts.read(f);
      } catch (DicomReadException e) {
        continue;
      }
      boolean labelled = false;
      for (int frame = 1; frame <= Math.max(1, x.frames()) && !labelled; frame++) {
        labelled = boxes.box(x.sopInstanceUid(), frame).isPresent();
      }
      if (labelled) {
        String study = x.studyInstanceUid() == null ? "(no study uid)" : x.studyInstanceUid();
        byStudy.computeIfAbsent(study, k -> new ArrayList<>()).add(f);
        facts.put(f, x);
      }
    }
    List<Sample> out = new ArrayList<>();
    int read = 0;
    for (Map.Entry<String, List<Path>> e : byStudy.entrySet()) {
      List<Path> chosen = new ArrayList<>(e.getValue());
      chosen.sort(
          (a, b) -> {
            Integer na = facts.get(a).instanceNumber();
            Integer nb = facts.get(b).instanceNumber();
            return Integer.compare(na == null ? 0 : na, nb == null ? 0 : nb);
          });
      if (perStudy > 0 && chosen.size() > perStudy) {
        List<Path> even = new ArrayList<>();
        for (int i = 0; i < perStudy; i++) {
          even.add(chosen.get((int) ((i + 0.5) * chosen.size() / perStudy)));
        }
        chosen = even;
      }
      for (Path f : chosen) {
        List<DicomPixels.Frame> frames;
        try {
          frames = DicomPixels.read(f);
        } catch (PixelDecodeException | IllegalArgumentException ex) {
          log.accept(f.getFileName() + ": skipped, pixels unreadable: " + ex.getMessage());
          continue;
        }
        for (DicomPixels.Frame fr : frames) {
          Optional<CanalBox> box = boxes.box(fr.sopInstanceUid(), fr.frame());
          if (box.isEmpty() || box.get().x1() >= fr.columns() || box.get().y1() >= fr.rows()) {
            continue;
          }
          SlicePixels pixels =
              new SlicePixels(
                  Preprocessing.modalityValues(
                      fr.stored(),
                      new Preprocessing.PixelEncoding(
                          fr.bitsAllocated(),
                          fr.bitsStored(),
                          fr.signed(),
                          fr.slope(),
                          fr.intercept(),
                          false)),
                  fr.columns(),
                  fr.rows(),
                  fr.monochrome1());
          out.add(
              new Sample(
                  e.getKey(),
                  fr.sopInstanceUid(),
                  fr.frame(),
                  fr.columns(),
                  fr.rows(),
                  fixedPoint(CanalLocator.unit(pixels, spec)),
                  box.get(),
                  grades.get(fr.sopInstanceUid() + "/" + fr.frame()),
                  fr.pixelSpacing(),
                  f));
        }
        if (++read % 250 == 0) {
          log.accept(dir.getFileName() + ": " + read + " files read, " + out.size() + " slices");
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          dir + ": no DICOM slice with a canal box (labels from " + labelPath + ")");
    }
    return new LocalizerData(
        out, dir + " (" + out.size() + " slices, " + byStudy.size() + " studies)");
  }

  /**
   * The {@code grade} column of a labels.csv by "SOP Instance UID/frame", or nothing when there is
   * no such column. The file has already been read strictly by {@link SuppliedBoxes}, so this only
   * picks one more column out of it.
   */
  private static Map<String, String> grades(Path csv) {
    List<String> lines;
    try {
      lines = Files.readAllLines(csv);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + csv, e);
    }
    if (lines.isEmpty()) {
      return Map.of();
    }
    List<String> names =
        java.util.Arrays.stream(lines.getFirst().replace("\uFEFF", "").split(",", -1))
            .map(x -> x.strip().toLowerCase(java.util.Locale.ROOT))
            .toList();
    int sop = names.indexOf("sop_instance_uid");
    int grade = names.indexOf("grade");
    int frame = names.indexOf("frame");
    Map<String, String> out = new java.util.HashMap<>();
    if (sop < 0 || grade < 0) {
      return out;
    }
    for (String line : lines.subList(1, lines.size())) {
      String[] c = line.split(",", -1);
      if (c.length == names.size()) {
        String f = frame < 0 || c[frame].isBlank() ? "1" : c[frame].strip();
        out.put(c[sop].strip() + "/" + f, c[grade].strip());
      }
    }
    return out;
  }

  private static char[] fixedPoint(float[] unit) {
    char[] out = new char[unit.length];
    for (int i = 0; i < unit.length; i++) {
      out[i] = (char) Math.round(Math.min(1f, Math.max(0f, unit[i])) * 65535f);
    }
    return out;
  }

  public List<Sample> samples() {
    return samples;
  }

  public int size() {
    return samples.size();
  }

  public String description() {
    return description;
  }

  /** The studies, in a stable order. */
  public List<String> studies() {
    return samples.stream().map(Sample::studyUid).distinct().sorted().toList();
  }

  /**
   * Splits by study: a seeded shuffle of the studies, the last {@code fraction} of them (at least
   * one, and at least one left for training when there are two or more) held out.
   */
  public Split split(double fraction, long seed) {
    List<String> studies = new ArrayList<>(studies());
    Collections.shuffle(studies, new Random(seed));
    int held = (int) Math.round(studies.size() * fraction);
    held = Math.max(fraction > 0 ? 1 : 0, Math.min(held, studies.size() - 1));
    List<String> heldOut = studies.subList(studies.size() - held, studies.size());
    List<Sample> train = new ArrayList<>();
    List<Sample> test = new ArrayList<>();
    for (Sample s : samples) {
      (heldOut.contains(s.studyUid()) ? test : train).add(s);
    }
    return new Split(
        new LocalizerData(train, description + ", training part"),
        new LocalizerData(test, description + ", held-out part (" + held + " studies)"));
  }

  /** Training and held-out parts of one data set. */
  public record Split(LocalizerData train, LocalizerData heldOut) {}
}
