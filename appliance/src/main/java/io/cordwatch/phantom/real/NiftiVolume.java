package io.cordwatch.phantom.real;

/**
 * One NIfTI-1 volume in memory: voxel values after scaling, the grid, and the voxel-to-patient
 * affine in NIfTI's RAS+ millimetres.
 *
 * @param nx voxels along the first axis (fastest in {@link #values})
 * @param ny voxels along the second axis
 * @param nz voxels along the third axis
 * @param spacing voxel size in mm along each axis (pixdim[1..3])
 * @param affine the 3x4 voxel-index-to-RAS matrix, row major (sform when set, else qform, else
 *     pixdim alone)
 * @param values voxel values, index {@code i + nx * (j + ny * k)}, after scl_slope/scl_inter
 */
public record NiftiVolume(
    int nx, int ny, int nz, double[] spacing, double[] affine, float[] values) {

  /** The value at voxel (i, j, k). */
  public float at(int i, int j, int k) {
    return values[i + nx * (j + ny * k)];
  }

  /** The extent of axis {@code a} (0, 1 or 2). */
  public int dim(int a) {
    return switch (a) {
      case 0 -> nx;
      case 1 -> ny;
      default -> nz;
    };
  }

  /** RAS+ position (mm) of the continuous voxel index (i, j, k). */
  public double[] ras(double i, double j, double k) {
    double[] p = new double[3];
    for (int r = 0; r < 3; r++) {
      p[r] = affine[4 * r] * i + affine[4 * r + 1] * j + affine[4 * r + 2] * k + affine[4 * r + 3];
    }
    return p;
  }
}
