package io.cordwatch.phantom.real;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads single-file NIfTI-1 volumes ({@code .nii} or {@code .nii.gz}): the 348-byte header, then
 * the voxels from {@code vox_offset} (at least 352, which is where a file with no extensions puts
 * them even when the field says 0). Either byte order is accepted (told by sizeof_hdr). Data types:
 * uint8, int8, int16, uint16, int32, uint32, float32, float64. Values are scaled by scl_slope and
 * scl_inter when scl_slope is a finite non-zero number (the standard's rule). The affine is the
 * sform when sform_code is set, else the qform (quaternion) when qform_code is set, else the bare
 * pixdim diagonal; only the first three dimensions are read (a 4th of extent 1 is allowed).
 */
public final class NiftiReader {
  private static final int HEADER = 348;

  private NiftiReader() {}

  /** Reads {@code file}; gzip is detected from its first two bytes, not its name. */
  public static NiftiVolume read(Path file) throws IOException {
    byte[] raw;
    try (InputStream in = Files.newInputStream(file)) {
      raw = in.readAllBytes();
    }
    if (raw.length > 2 && (raw[0] & 0xFF) == 0x1F && (raw[1] & 0xFF) == 0x8B) {
      try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
        raw = in.readAllBytes();
      }
    }
    return parse(raw, file.getFileName().toString());
  }

  static NiftiVolume parse(byte[] raw, String name) throws IOException {
    if (raw.length < HEADER) {
      throw new IOException(name + ": shorter than a NIfTI-1 header");
    }
    ByteBuffer h = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    if (h.getInt(0) != HEADER) {
      h.order(ByteOrder.BIG_ENDIAN);
      if (h.getInt(0) != HEADER) {
        throw new IOException(name + ": not NIfTI-1 (sizeof_hdr is not 348)");
      }
    }
    String magic = new String(raw, 344, 3, java.nio.charset.StandardCharsets.US_ASCII);
    if (!magic.equals("n+1")) {
      throw new IOException(name + ": not a single-file NIfTI-1 (magic " + magic + ")");
    }
    int rank = h.getShort(40);
    int[] dim = new int[3];
    for (int a = 0; a < 3; a++) {
      dim[a] = a < rank ? h.getShort(42 + 2 * a) : 1;
      if (dim[a] < 1) {
        throw new IOException(name + ": dimension " + (a + 1) + " is " + dim[a]);
      }
    }
    for (int a = 3; a < rank; a++) {
      if (h.getShort(42 + 2 * a) > 1) {
        throw new IOException(name + ": only 3D volumes are read");
      }
    }
    int datatype = h.getShort(70);
    double[] pixdim = new double[4];
    for (int a = 0; a < 4; a++) {
      pixdim[a] = h.getFloat(76 + 4 * a);
    }
    int offset = Math.max(352, (int) h.getFloat(108));
    float slope = h.getFloat(112);
    float inter = h.getFloat(116);
    boolean scaled = Float.isFinite(slope) && slope != 0;
    int n = dim[0] * dim[1] * dim[2];
    float[] v = new float[n];
    ByteBuffer d = ByteBuffer.wrap(raw).order(h.order());
    int size = bytesPer(datatype, name);
    if ((long) offset + (long) n * size > raw.length) {
      throw new IOException(name + ": voxel data is truncated");
    }
    for (int q = 0; q < n; q++) {
      int at = offset + q * size;
      double x =
          switch (datatype) {
            case 2 -> d.get(at) & 0xFF;
            case 256 -> d.get(at);
            case 4 -> d.getShort(at);
            case 512 -> d.getShort(at) & 0xFFFF;
            case 8 -> d.getInt(at);
            case 768 -> d.getInt(at) & 0xFFFFFFFFL;
            case 16 -> d.getFloat(at);
            default -> d.getDouble(at);
          };
      v[q] = (float) (scaled ? x * slope + inter : x);
    }
    double[] spacing = {Math.abs(pixdim[1]), Math.abs(pixdim[2]), Math.abs(pixdim[3])};
    return new NiftiVolume(dim[0], dim[1], dim[2], spacing, affine(h, pixdim), v);
  }

  private static int bytesPer(int datatype, String name) throws IOException {
    return switch (datatype) {
      case 2, 256 -> 1;
      case 4, 512 -> 2;
      case 8, 768, 16 -> 4;
      case 64 -> 8;
      default -> throw new IOException(name + ": NIfTI datatype " + datatype + " is not read");
    };
  }

  private static double[] affine(ByteBuffer h, double[] pixdim) {
    int qform = h.getShort(252);
    int sform = h.getShort(254);
    if (sform > 0) {
      double[] a = new double[12];
      for (int q = 0; q < 12; q++) {
        a[q] = h.getFloat(280 + 4 * q);
      }
      return a;
    }
    if (qform > 0) {
      return quaternion(h, pixdim);
    }
    return new double[] {pixdim[1], 0, 0, 0, 0, pixdim[2], 0, 0, 0, 0, pixdim[3], 0};
  }

  /** The qform: rotation from quatern_b/c/d, qfac from pixdim[0], offsets qoffset_x/y/z. */
  static double[] quaternion(ByteBuffer h, double[] pixdim) {
    double b = h.getFloat(256);
    double c = h.getFloat(260);
    double d = h.getFloat(264);
    double a = Math.sqrt(Math.max(0, 1 - (b * b + c * c + d * d)));
    double qfac = pixdim[0] < 0 ? -1 : 1;
    double[][] r = {
      {a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)},
      {2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)},
      {2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b}
    };
    double[] s = {pixdim[1], pixdim[2], pixdim[3] * qfac};
    double[] out = new double[12];
    for (int row = 0; row < 3; row++) {
      for (int col = 0; col < 3; col++) {
        out[4 * row + col] = r[row][col] * s[col];
      }
      out[4 * row + 3] = h.getFloat(268 + 4 * row);
    }
    return out;
  }
}
