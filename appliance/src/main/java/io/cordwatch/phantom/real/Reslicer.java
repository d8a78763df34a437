package io.cordwatch.phantom.real;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a volume into axial slices on its own grid: the voxel axis closest to the patient's
 * superior-inferior axis (by the affine) becomes the slice axis, the other two become columns
 * (towards patient left) and rows (towards posterior), flipped as needed, and slices are ordered
 * head to feet. No volume here is oblique by more than a few degrees, so this is a permutation of
 * the voxels, not an interpolation; the small remaining tilt is kept honestly in the written
 * orientation vectors.
 *
 * <p>In-plane, each slice can then be upsampled by an integer factor (bilinear for images, nearest
 * for masks, both sampling at the same pixel centres) so that 1 mm sources land at a clinical 0.5
 * mm pixel; the position moves with the new first pixel centre so geometry stays exact.
 */
public final class Reslicer {
  private final NiftiVolume volume;
  private final int sliceAxis;
  private final int colAxis;
  private final int rowAxis;
  private final boolean flipCol;
  private final boolean flipRow;
  private final boolean flipSlice;
  private final int factor;

  /** A reslicer for {@code volume}, upsampling in-plane by {@code factor} (1 for none). */
  public Reslicer(NiftiVolume volume, int factor) {
    if (factor < 1) {
      throw new IllegalArgumentException("factor must be at least 1");
    }
    this.volume = volume;
    this.factor = factor;
    double[][] dir = new double[3][];
    for (int a = 0; a < 3; a++) {
      dir[a] = lpsAxis(volume, a);
    }
    int s = 0;
    for (int a = 1; a < 3; a++) {
      if (Math.abs(dir[a][2]) > Math.abs(dir[s][2])) {
        s = a;
      }
    }
    int p = (s + 1) % 3;
    int q = (s + 2) % 3;
    int c = Math.abs(dir[p][0]) >= Math.abs(dir[q][0]) ? p : q;
    this.sliceAxis = s;
    this.colAxis = c;
    this.rowAxis = c == p ? q : p;
    this.flipCol = dir[colAxis][0] < 0;
    this.flipRow = dir[rowAxis][1] < 0;
    this.flipSlice = dir[sliceAxis][2] > 0;
  }

  /** Number of axial slices. */
  public int count() {
    return volume.dim(sliceAxis);
  }

  /** Slice thickness (mm): the voxel size along the slice axis. */
  public double thickness() {
    return norm(column(volume, sliceAxis));
  }

  /** Every slice, head to feet. */
  public List<AxialSlice> slices() {
    List<AxialSlice> out = new ArrayList<>();
    for (int n = 0; n < count(); n++) {
      out.add(slice(n, volume, false));
    }
    return out;
  }

  /**
   * Slice {@code n} (0 = most superior) of {@code data}, which must share the volume's grid; masks
   * are sampled nearest, images bilinear.
   */
  public AxialSlice slice(int n, NiftiVolume data, boolean mask) {
    int k = flipSlice ? count() - 1 - n : n;
    int w0 = volume.dim(colAxis);
    int h0 = volume.dim(rowAxis);
    float[] plane = new float[w0 * h0];
    int[] idx = new int[3];
    idx[sliceAxis] = k;
    for (int y = 0; y < h0; y++) {
      idx[rowAxis] = flipRow ? h0 - 1 - y : y;
      for (int x = 0; x < w0; x++) {
        idx[colAxis] = flipCol ? w0 - 1 - x : x;
        plane[x + w0 * y] = data.at(idx[0], idx[1], idx[2]);
      }
    }
    int w = w0 * factor;
    int h = h0 * factor;
    float[] px = factor == 1 ? plane : upsample(plane, w0, h0, mask);
    double first = 0.5 / factor - 0.5;
    double[] v = new double[3];
    v[sliceAxis] = k;
    v[colAxis] = flipCol ? w0 - 1 - first : first;
    v[rowAxis] = flipRow ? h0 - 1 - first : first;
    double[] ras = volume.ras(v[0], v[1], v[2]);
    double[] pos = {-ras[0], -ras[1], ras[2]};
    double[] rowDir = unit(lpsAxis(volume, colAxis), flipCol);
    double[] colDir = unit(lpsAxis(volume, rowAxis), flipRow);
    double sx = norm(column(volume, colAxis)) / factor;
    double sy = norm(column(volume, rowAxis)) / factor;
    return new AxialSlice(w, h, px, sx, sy, pos, rowDir, colDir, k);
  }

  private float[] upsample(float[] p, int w0, int h0, boolean mask) {
    int w = w0 * factor;
    int h = h0 * factor;
    float[] out = new float[w * h];
    for (int y = 0; y < h; y++) {
      double sy = Math.clamp((y + 0.5) / factor - 0.5, 0, h0 - 1);
      for (int x = 0; x < w; x++) {
        double sx = Math.clamp((x + 0.5) / factor - 0.5, 0, w0 - 1);
        if (mask) {
          out[x + w * y] = p[(int) Math.round(sx) + w0 * (int) Math.round(sy)];
          continue;
        }
        out[x + w * y] = AxialSlice.bilinear(p, w0, h0, sx, sy);
      }
    }
    return out;
  }

  private static double[] column(NiftiVolume v, int a) {
    double[] m = v.affine();
    return new double[] {m[a], m[4 + a], m[8 + a]};
  }

  /** The LPS direction of voxel axis {@code a} (NIfTI is RAS: x and y change sign). */
  private static double[] lpsAxis(NiftiVolume v, int a) {
    double[] c = column(v, a);
    return new double[] {-c[0], -c[1], c[2]};
  }

  private static double[] unit(double[] v, boolean flip) {
    double n = norm(v) * (flip ? -1 : 1);
    return new double[] {round(v[0] / n), round(v[1] / n), round(v[2] / n)};
  }

  private static double round(double v) {
    double r = Math.round(v * 1e6) / 1e6;
    return r == 0 ? 0 : r;
  }

  private static double norm(double[] v) {
    return Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  }
}
