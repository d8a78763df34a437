package io.cordwatch.phantom.real;

import io.cordwatch.grade.bilsky.Grade;
import io.cordwatch.phantom.BilskyGrader;
import io.cordwatch.phantom.TissueMasks;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Prepares the real-spine fixtures: each real volume as one axial DICOM series of normal anatomy
 * (grade 0, a canal box wherever the canal is found), and optionally lesion-inserted copies of the
 * slices where the cord is known, each copy a study of its own. Writes labels.csv, sources.csv and
 * SOURCES.md at the top of the output folder. Everything is a function of the fixtures and the
 * seed, so a run is byte-reproducible.
 */
public final class RealSpine {
  /** In-plane pixels coarser than this are upsampled by an integer factor. */
  static final double MAX_PIXEL_MM = 0.9;

  /** Share of lesion copies left untouched (grade 0, real normals in the lesion set). */
  static final double UNTOUCHED = 0.15;

  /** Stored pixel values span 0..this (12 bits stored). */
  static final double FULL_SCALE = 4000;

  private RealSpine() {}

  /**
   * What to prepare.
   *
   * @param fixtures the real-spine fixture folder
   * @param out output folder
   * @param lesions lesion-inserted copies per usable slice (0 for normals only)
   * @param seed seed of UIDs and lesions
   * @param sources the volumes to use (a training set and a held-out set can take disjoint ones);
   *     the UIDs, lesions and bytes of one source do not depend on which others are chosen
   */
  public record Options(
      Path fixtures, Path out, int lesions, long seed, Set<RealSource> sources, boolean masks) {
    public Options {
      if (sources.isEmpty()) {
        throw new IllegalArgumentException("no source chosen");
      }
      sources = Collections.unmodifiableSet(EnumSet.copyOf(sources));
    }

    /** The chosen sources, without tissue maps. */
    public Options(Path fixtures, Path out, int lesions, long seed, Set<RealSource> sources) {
      this(fixtures, out, lesions, seed, sources, false);
    }

    /** All sources, without tissue maps. */
    public Options(Path fixtures, Path out, int lesions, long seed) {
      this(fixtures, out, lesions, seed, EnumSet.allOf(RealSource.class));
    }
  }

  /**
   * Counts per source.
   *
   * @param series series written
   * @param slices slices written
   * @param labelled slices with a canal box in labels.csv
   * @param grades lesion-set labelled slices per grade (index = {@link Grade#ordinal()})
   */
  public record Counts(int series, int slices, int labelled, int[] grades) {}

  /** One prepared volume: its slices (pixels scaled) and canals (null where not found). */
  record Prepared(
      RealSource source,
      List<AxialSlice> slices,
      List<CanalFinder.Canal> canals,
      double thickness) {}

  /**
   * Runs the preparation over the chosen sources; returns counts per source, in {@link RealSource}
   * order (sources.csv and SOURCES.md list exactly these).
   */
  public static Map<RealSource, Counts> generate(Options o) throws IOException {
    if (o.lesions() < 0) {
      throw new IllegalArgumentException("--lesions must be 0 or more");
    }
    Files.createDirectories(o.out());
    Map<RealSource, Counts> counts = new EnumMap<>(RealSource.class);
    try (Writer csv =
        Files.newBufferedWriter(o.out().resolve("labels.csv"), StandardCharsets.US_ASCII)) {
      csv.write("study_instance_uid,sop_instance_uid,grade,x0,y0,x1,y1,boundary_distance\n");
      for (RealSource src : o.sources()) {
        Prepared p = prepare(o.fixtures(), src);
        int series = 1;
        int labelled = 0;
        int slices = p.slices().size();
        int[] grades = new int[Grade.values().length];
        RealSeriesWriter.Series normal =
            new RealSeriesWriter.Series(
                o.seed(), "normal-" + src.id(), src, src.description(), 1, p.thickness());
        Path normalDir = o.out().resolve("normal-" + src.id());
        List<String> sops = RealSeriesWriter.write(normal, p.slices(), normalDir);
        for (int i = 0; i < slices; i++) {
          CanalFinder.Canal c = p.canals().get(i);
          if (c != null) {
            row(csv, normal.studyUid(), sops.get(i), Grade.G0, c.box(), Double.NaN);
            labelled++;
            if (o.masks()) {
              AxialSlice a = p.slices().get(i);
              map(LesionInserter.tissues(a, c), a, RealSeriesWriter.file(normalDir, i));
            }
          }
        }
        if (o.lesions() > 0 && lesionable(src)) {
          List<Integer> usable = new ArrayList<>();
          for (int i = 0; i < slices; i++) {
            if (p.canals().get(i) != null) {
              usable.add(i);
            }
          }
          for (int j = 1; j <= o.lesions() && !usable.isEmpty(); j++) {
            String name = "lesion-" + src.id() + "-" + j;
            List<AxialSlice> out = new ArrayList<>();
            List<BilskyGrader.Findings> found = new ArrayList<>();
            List<byte[]> maps = new ArrayList<>();
            for (int i : usable) {
              LesionInserter.Result r =
                  LesionDraw.draw(p.slices().get(i), p.canals().get(i), random(o.seed(), src, i, j))
                      .result();
              out.add(p.slices().get(i).withPixels(r.pixels()));
              found.add(r.findings());
              maps.add(r.tissues());
            }
            RealSeriesWriter.Series s =
                new RealSeriesWriter.Series(
                    o.seed(),
                    name,
                    src,
                    src.description().replace("REAL NORMAL", "REAL + SYNTHETIC LESION"),
                    1,
                    p.thickness());
            Path dir = o.out().resolve(name);
            List<String> lsops = RealSeriesWriter.write(s, out, dir);
            for (int q = 0; q < out.size(); q++) {
              if (o.masks()) {
                map(maps.get(q), out.get(q), RealSeriesWriter.file(dir, q));
              }
              BilskyGrader.Findings f = found.get(q);
              int[] box = p.canals().get(usable.get(q)).box();
              row(csv, s.studyUid(), lsops.get(q), f.grade(), box, BilskyGrader.margin(f));
              grades[f.grade().ordinal()]++;
            }
            series++;
            slices += out.size();
            labelled += out.size();
          }
        }
        counts.put(src, new Counts(series, slices, labelled, grades));
      }
    }
    if (o.masks()) {
      TissueMasks.writeLegend(o.out());
    }
    Provenance.write(o.out(), counts);
    return counts;
  }

  /** Writes a slice's tissue map beside its file ({@link TissueMasks}). */
  private static void map(byte[] tissues, AxialSlice a, Path file) throws IOException {
    TissueMasks.write(tissues, a.width(), a.height(), TissueMasks.path(file, 1, false));
  }

  /** Lesions go only where the cord is known and the series is T2-weighted. */
  static boolean lesionable(RealSource s) {
    return s.t2Weighted() && s.cord() != RealSource.Cord.NONE;
  }

  /** Reads, reslices, scales and finds the canal of every slice of {@code src}. */
  static Prepared prepare(Path fixtures, RealSource src) throws IOException {
    NiftiVolume v = NiftiReader.read(fixtures.resolve(src.image()));
    NiftiVolume mask = src.mask() == null ? null : NiftiReader.read(fixtures.resolve(src.mask()));
    int factor = 1;
    Reslicer probe = new Reslicer(v, 1);
    AxialSlice first = probe.slice(0, v, false);
    double coarse = Math.max(first.spacingX(), first.spacingY());
    while (coarse / factor > MAX_PIXEL_MM) {
      factor++;
    }
    Reslicer re = new Reslicer(v, factor);
    float max = 1;
    for (float x : v.values()) {
      max = Math.max(max, x);
    }
    double scale = FULL_SCALE / max;
    List<AxialSlice> slices = new ArrayList<>();
    List<CanalFinder.Canal> canals = new ArrayList<>();
    List<AxialSlice> masks = new ArrayList<>();
    for (int n = 0; n < re.count(); n++) {
      AxialSlice s = re.slice(n, v, false);
      float[] px = s.pixels().clone();
      for (int k = 0; k < px.length; k++) {
        px[k] = (float) Math.rint(Math.max(0, px[k]) * scale);
      }
      s = s.withPixels(px);
      slices.add(s);
      masks.add(mask == null ? null : re.slice(n, mask, true));
    }
    if (src.cord() == RealSource.Cord.NONE) {
      // No cord to start from (lumbar: below the conus): the sac is found as a bright tube.
      canals.addAll(LumbarCanalFinder.find(slices));
    } else {
      for (int n = 0; n < slices.size(); n++) {
        AxialSlice s = slices.get(n);
        canals.add(CanalFinder.find(s, CordMasks.cord(src.cord(), s, masks.get(n))));
      }
    }
    return new Prepared(src, slices, canals, re.thickness());
  }

  /** The random stream of one lesion copy of one slice. */
  static SplittableRandom random(long seed, RealSource src, int slice, int copy) {
    long h = seed * 0x9E3779B97F4A7C15L + src.ordinal() * 0xBF58476D1CE4E5B9L;
    h ^= slice * 0x94D049BB133111EBL + copy * 0x2545F4914F6CDD1DL;
    return new SplittableRandom(h);
  }

  private static void row(Writer csv, String study, String sop, Grade g, int[] b, double margin)
      throws IOException {
    csv.write(
        study
            + ","
            + sop
            + ","
            + g.label()
            + ","
            + b[0]
            + ","
            + b[1]
            + ","
            + b[2]
            + ","
            + b[3]
            + ","
            + (Double.isNaN(margin)
                ? ""
                : Double.isInfinite(margin) ? "inf" : String.format(Locale.ROOT, "%.4f", margin))
            + "\n");
  }
}
