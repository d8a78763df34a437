package io.cordwatch.phantom.real;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cordwatch.dicom.Fixtures;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The NIfTI reader against facts of the fixtures checked with nibabel 5.0. */
class RealSpineNiftiTest {
  static Path dir() {
    return Fixtures.root().resolve("real-spine");
  }

  private static double sum(NiftiVolume v) {
    double s = 0;
    for (float x : v.values()) {
      s += x;
    }
    return s;
  }

  @Test
  void readsShapesVoxelSizesAndValuesAsNibabelDoes() throws IOException {
    NiftiVolume crop = NiftiReader.read(dir().resolve("cervical-3d-t2-crop.nii.gz"));
    assertArrayEquals(new int[] {60, 55, 52}, new int[] {crop.nx(), crop.ny(), crop.nz()});
    assertArrayEquals(new double[] {1, 1, 1}, crop.spacing(), 1e-6);
    assertEquals(382, crop.at(30, 27, 26));
    assertEquals(120, crop.at(20, 13, 51));
    assertEquals(22473922.0, sum(crop), 0.5);

    NiftiVolume t2s = NiftiReader.read(dir().resolve("cervical-axial-t2star.nii.gz"));
    assertArrayEquals(new int[] {320, 320, 11}, new int[] {t2s.nx(), t2s.ny(), t2s.nz()});
    assertArrayEquals(new double[] {0.5, 0.5, 7.5}, t2s.spacing(), 1e-5);
    assertEquals(146, t2s.at(160, 160, 5));
    assertEquals(39846411.0, sum(t2s), 0.5);

    NiftiVolume lumbar = NiftiReader.read(dir().resolve("lumbar-3d-t2.nii.gz"));
    assertArrayEquals(new int[] {38, 257, 201}, new int[] {lumbar.nx(), lumbar.ny(), lumbar.nz()});
    assertEquals(70, lumbar.at(19, 128, 100));
    assertEquals(72599485.0, sum(lumbar), 0.5);

    NiftiVolume pam = NiftiReader.read(dir().resolve("pam50-template-t2.nii.gz"));
    assertArrayEquals(new int[] {70, 70, 275}, new int[] {pam.nx(), pam.ny(), pam.nz()});
    assertArrayEquals(new double[] {1, 1, 2}, pam.spacing(), 1e-6);
    assertEquals(810, pam.at(35, 35, 137));
    assertEquals(553930311.0, sum(pam), 0.5);

    NiftiVolume levels =
        NiftiReader.read(dir().resolve("cervical-3d-t2-crop_cord-seg-levels.nii.gz"));
    assertEquals(12208.0, sum(levels), 1e-3); // float64 data
  }

  @Test
  void affineIsTheSformAndMatchesTheQform() throws IOException {
    NiftiVolume crop = NiftiReader.read(dir().resolve("cervical-3d-t2-crop.nii.gz"));
    // nibabel: [[0,0,1,-32.219],[-1,0,0,31.787],[0,1,0,-19.322]] (P S R)
    assertArrayEquals(
        new double[] {0, 0, 1, -32.219, -1, 0, 0, 31.787, 0, 1, 0, -19.322}, crop.affine(), 1e-3);
    NiftiVolume pam = NiftiReader.read(dir().resolve("pam50-template-t2.nii.gz"));
    assertArrayEquals(
        new double[] {-1, 0, 0, 35, 0, 1, 0, -35, 0, 0, 2, -274.5}, pam.affine(), 1e-4);
  }

  @Test
  void reslicesEachVolumeToAxialSlicesHeadToFeet() throws IOException {
    NiftiVolume crop = NiftiReader.read(dir().resolve("cervical-3d-t2-crop.nii.gz"));
    Reslicer r = new Reslicer(crop, 2);
    assertEquals(55, r.count());
    assertEquals(1.0, r.thickness(), 1e-9);
    AxialSlice first = r.slice(0, crop, false);
    AxialSlice second = r.slice(1, crop, false);
    assertEquals(104, first.width()); // 52 mm left-right at 0.5 mm
    assertEquals(120, first.height()); // 60 mm anterior-posterior
    assertArrayEquals(new double[] {1, 0, 0}, first.rowDir(), 1e-9);
    assertArrayEquals(new double[] {0, 1, 0}, first.colDir(), 1e-9);
    assertEquals(-1.0, second.location() - first.location(), 1e-9);
  }
}
