package io.cordwatch.gpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The CUDA build against the host build on a real GPU, through device buffers and a stream (the
 * host build is checked against the Java references in the appliance; kernels/device-check.sh
 * checks the CUDA build against them directly). Skips, saying why, where there is no CUDA library
 * or device.
 */
@Tag("gpu")
class CudaKernelsTest {
  private static CudaRuntime rt;

  @BeforeAll
  static void device() {
    assumeTrue(
        KernelLibrary.class.getResource(KernelLibrary.resourceName(KernelLibrary.Flavour.CUDA))
            != null,
        "the CUDA library was not built (no nvcc when kernels/ was built)");
    assumeTrue(
        CudaRuntime.find().isPresent(),
        () -> "no CUDA device: " + CudaRuntime.unavailableReason().orElse("?"));
    rt = CudaRuntime.find().orElseThrow();
  }

  private static DeviceBuffer upload(Arena a, MemorySegment host) {
    DeviceBuffer d = rt.allocate(host.byteSize());
    rt.upload(host, d, host.byteSize());
    return d;
  }

  private static MemorySegment download(Arena a, DeviceBuffer d) {
    MemorySegment host = a.allocate(d.bytes());
    rt.download(d, host, d.bytes());
    return host;
  }

  @Test
  void preprocessAgreesWithTheHostBuild() {
    int n = 5;
    int w = 96;
    int h = 80;
    SampleEncoding enc = new SampleEncoding(12, true, 1.5, -100, true);
    InputSpec spec = new InputSpec(224, 3, 0.1, 0.1937, 0.142);
    SplittableRandom r = new SplittableRandom(11);
    short[] px = new short[n * w * h];
    for (int i = 0; i < px.length; i++) {
      px[i] = (short) r.nextInt(1 << 16);
    }
    double[] boxes = new double[4 * n];
    for (int s = 0; s < n; s++) {
      boxes[4 * s] = r.nextInt(w - 10) - 2;
      boxes[4 * s + 1] = r.nextInt(h - 10);
      boxes[4 * s + 2] = boxes[4 * s] + 3 + r.nextInt(20);
      boxes[4 * s + 3] = boxes[4 * s + 1] + 3 + r.nextInt(20);
    }
    long values = n * spec.itemValues();
    try (Arena a = Arena.ofConfined();
        CudaStream stream = rt.stream()) {
      MemorySegment hostIn = a.allocateFrom(JAVA_SHORT, px);
      MemorySegment want32 = a.allocate(JAVA_FLOAT, values);
      MemorySegment want16 = a.allocate(JAVA_SHORT, values);
      KernelLibrary.host()
          .preprocess(
              hostIn, n, w, h, enc, -3000, 2000.5, boxes, spec, want32, want16, MemorySegment.NULL);
      try (DeviceBuffer in = upload(a, hostIn);
          DeviceBuffer f32 = rt.allocate(4 * values);
          DeviceBuffer f16 = rt.allocate(2 * values)) {
        rt.fill(f32, 0xff, stream);
        rt.fill(f16, 0xff, stream);
        KernelLibrary.cuda()
            .preprocess(
                in.segment(),
                n,
                w,
                h,
                enc,
                -3000,
                2000.5,
                boxes,
                spec,
                f32.segment(),
                f16.segment(),
                stream.handle());
        stream.synchronize();
        float[] got = download(a, f32).toArray(JAVA_FLOAT);
        float[] want = want32.toArray(JAVA_FLOAT);
        for (int i = 0; i < want.length; i++) {
          assertEquals(want[i], got[i], 1e-6 / spec.std() + 1e-6 * Math.abs(want[i]), "value " + i);
        }
        short[] got16 = download(a, f16).toArray(JAVA_SHORT);
        for (int i = 0; i < got.length; i++) {
          assertEquals(Float.floatToFloat16(got[i]), got16[i], "fp16 value " + i);
        }
      }
    }
  }

  @Test
  void prototypeHeadAgreesWithTheHostBuildAndFlagsNaN() {
    int n = 64;
    int k = 6;
    int d = 2048;
    SplittableRandom r = new SplittableRandom(5);
    float[] e = new float[n * d];
    float[] p = new float[k * d];
    for (int i = 0; i < e.length; i++) {
      e[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) r.nextGaussian();
    }
    e[9 * d + 100] = Float.NaN;
    try (Arena a = Arena.ofConfined();
        CudaStream stream = rt.stream()) {
      MemorySegment he = a.allocateFrom(JAVA_FLOAT, e);
      MemorySegment hp = a.allocateFrom(JAVA_FLOAT, p);
      MemorySegment wantP = a.allocate(JAVA_FLOAT, n * k);
      MemorySegment wantD = a.allocate(JAVA_FLOAT, n * k);
      MemorySegment wantG = a.allocate(JAVA_INT, n);
      MemorySegment wantO = a.allocate(JAVA_FLOAT, n);
      MemorySegment wantB = a.allocate(JAVA_INT, n);
      KernelLibrary.host()
          .prototypeHead(
              he, n, hp, k, d, 40, 100, wantP, wantD, wantG, wantO, wantB, MemorySegment.NULL);
      try (DeviceBuffer de = upload(a, he);
          DeviceBuffer dp = upload(a, hp);
          DeviceBuffer prob = rt.allocate(4L * n * k);
          DeviceBuffer dist = rt.allocate(4L * n * k);
          DeviceBuffer grades = rt.allocate(4L * n);
          DeviceBuffer ood = rt.allocate(4L * n);
          DeviceBuffer bad = rt.allocate(4L * n)) {
        for (DeviceBuffer out : new DeviceBuffer[] {prob, dist, grades, ood, bad}) {
          rt.fill(out, 0xff, stream);
        }
        KernelLibrary.cuda()
            .prototypeHead(
                de.segment(),
                n,
                dp.segment(),
                k,
                d,
                40,
                100,
                prob.segment(),
                dist.segment(),
                grades.segment(),
                ood.segment(),
                bad.segment(),
                stream.handle());
        stream.synchronize();
        int[] flags = download(a, bad).toArray(JAVA_INT);
        assertArrayEquals(wantB.toArray(JAVA_INT), flags);
        assertEquals(100, flags[9]);
        assertThrows(KernelException.class, () -> KernelLibrary.checkRows(flags));
        float[] gd = download(a, dist).toArray(JAVA_FLOAT);
        float[] wd = wantD.toArray(JAVA_FLOAT);
        float[] gp = download(a, prob).toArray(JAVA_FLOAT);
        float[] wp = wantP.toArray(JAVA_FLOAT);
        for (int i = 0; i < n * k; i++) {
          if (i / k == 9) {
            assertTrue(Float.isNaN(gd[i]) && Float.isNaN(gp[i]));
            continue;
          }
          assertEquals(wd[i], gd[i], 1e-5 * wd[i], "distance " + i);
          assertEquals(wp[i], gp[i], 1e-4, "probability " + i);
        }
      }
    }
  }

  @Test
  void histogramCountsEqualTheHostBuild() {
    int count = 3 * 512 * 512;
    SplittableRandom r = new SplittableRandom(3);
    short[] px = new short[count];
    for (int i = 0; i < count; i++) {
      px[i] = (short) r.nextInt(1 << 16);
    }
    for (int bits : new int[] {12, 16}) {
      try (Arena a = Arena.ofConfined();
          CudaStream stream = rt.stream()) {
        MemorySegment hostIn = a.allocateFrom(JAVA_SHORT, px);
        MemorySegment want = a.allocate(JAVA_LONG, 1 << bits);
        KernelLibrary.host()
            .histogramAccumulate(hostIn, count, bits, true, want, MemorySegment.NULL);
        try (DeviceBuffer in = upload(a, hostIn);
            DeviceBuffer counts = rt.allocate(8L << bits)) {
          rt.fill(counts, 0xff, stream);
          KernelLibrary.cuda().histogramClear(counts.segment(), bits, stream.handle());
          KernelLibrary.cuda()
              .histogramAccumulate(
                  in.segment(), count, bits, true, counts.segment(), stream.handle());
          stream.synchronize();
          assertArrayEquals(want.toArray(JAVA_LONG), download(a, counts).toArray(JAVA_LONG));
        }
      }
    }
  }
}
