package io.cordwatch.infer;

import io.cordwatch.infer.BundleException.Code;
import io.cordwatch.infer.BundleManifest.FileRef;
import io.cordwatch.infer.BundleManifest.ProvenanceEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A new bundle made from another with new prototypes and OOD scale (prototype re-enrolment, {@code
 * cordwatch adapt}): the parent's backbone, localizer and calibration slices are copied unchanged,
 * its decision thresholds kept, and the new bundle's provenance names the parent by its name and
 * the SHA-256 of its bundle.json, which names every file the parent had by checksum. The parent is
 * never changed.
 */
final class BundleDerivation {
  private BundleDerivation() {}

  static Bundles.Verified derive(
      Path parentDir, Path out, String name, float[][] prototypes, double oodScale, Provenance p) {
    if (!Files.isDirectory(parentDir)) {
      throw new BundleException(
          Code.MISSING_FILE,
          parentDir + ": a bundle is derived from a bundle folder (unpack a .zip first)");
    }
    byte[] manifestBytes;
    try {
      manifestBytes = Files.readAllBytes(parentDir.resolve(Bundles.MANIFEST));
    } catch (NoSuchFileException e) {
      throw new BundleException(
          Code.MISSING_FILE, parentDir + ": " + Bundles.MANIFEST + " is missing", e);
    } catch (IOException e) {
      throw new BundleException(
          Code.MISSING_FILE, parentDir + ": cannot read " + Bundles.MANIFEST + ": " + e, e);
    }
    BundleManifest parent =
        BundleManifestReader.read(manifestBytes, parentDir + ": " + Bundles.MANIFEST);
    Provenance.Parent parentRef =
        new Provenance.Parent(
            parent.name() == null ? parentDir.getFileName().toString() : parent.name(),
            BundleChecks.sha256(manifestBytes));
    Provenance withParent =
        new Provenance(
            p.trainingData(), p.date(), p.metrics(), p.clinicalUse(), p.notes(), parentRef);

    boolean existed = BundleWriter.requireNewFolder(out);
    List<Path> written = new ArrayList<>();
    try {
      Files.createDirectories(out);
      for (String file : copiedFiles(parent)) {
        Path target = out.resolve(file);
        Files.copy(parentDir.resolve(file), target);
        written.add(target);
      }
      Path protoFile = out.resolve(BundleWriter.PROTOTYPES_FILE);
      Files.write(protoFile, littleEndian(prototypes));
      written.add(protoFile);
      BundleManifest m =
          parent
              .withHead(
                  parent
                      .head()
                      .withPrototypes(
                          new FileRef(BundleWriter.PROTOTYPES_FILE, BundleChecks.sha256(protoFile)),
                          oodScale))
              .withNameAndProvenance(name, ProvenanceEntry.of(withParent));
      Path manifest = out.resolve(Bundles.MANIFEST);
      written.add(manifest);
      BundleWriter.write(manifest, m);
      return Bundles.verify(out);
    } catch (IOException | RuntimeException e) {
      for (Path f : written) {
        try {
          Files.deleteIfExists(f);
        } catch (IOException ignored) {
          // best effort: the original failure is what the caller needs to see
        }
      }
      if (!existed) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // a folder that is not empty is left as it is
        }
      }
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new BundleException(Code.MISSING_FILE, out + ": cannot write: " + e, e);
    }
  }

  /** The files of the parent that the child shares: everything but the prototypes. */
  private static List<String> copiedFiles(BundleManifest m) {
    List<String> files = new ArrayList<>();
    files.add(m.backbone().file());
    if (m.localizer() != null) {
      files.add(m.localizer().path(FileRef.FILE).asText());
    }
    if (m.segmenter() != null) {
      files.add(m.segmenter().path(FileRef.FILE).asText());
    }
    if (m.calibration() != null) {
      files.add(m.calibration().file());
    }
    return files;
  }

  private static byte[] littleEndian(float[][] prototypes) {
    int d = prototypes[0].length;
    ByteBuffer b =
        ByteBuffer.allocate(prototypes.length * d * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float[] row : prototypes) {
      if (row.length != d) {
        throw new IllegalArgumentException("prototypes of different widths");
      }
      b.asFloatBuffer().put(row);
      b.position(b.position() + d * Float.BYTES);
    }
    return b.array();
  }
}
