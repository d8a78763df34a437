package io.cordwatch.gpu.tensorrt;

import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaFreeHost;
import static org.bytedeco.cuda.global.cudart.cudaGetDeviceCount;
import static org.bytedeco.cuda.global.cudart.cudaGetDeviceProperties;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;
import static org.bytedeco.cuda.global.cudart.cudaMallocHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyAsync;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;
import static org.bytedeco.cuda.global.cudart.cudaSetDevice;
import static org.bytedeco.cuda.global.cudart.cudaStreamCreateWithFlags;
import static org.bytedeco.cuda.global.cudart.cudaStreamDestroy;
import static org.bytedeco.cuda.global.cudart.cudaStreamNonBlocking;
import static org.bytedeco.cuda.global.cudart.cudaStreamSynchronize;
import static org.bytedeco.cuda.global.cudart.cudaSuccess;

import io.cordwatch.gpu.FusedPipeline;
import io.cordwatch.gpu.KernelLibrary;
import io.cordwatch.gpu.PipelineBackbone;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.global.nvonnxparser;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.IBuilder;
import org.bytedeco.tensorrt.nvinfer.IBuilderConfig;
import org.bytedeco.tensorrt.nvinfer.ICudaEngine;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;
import org.bytedeco.tensorrt.nvinfer.IHostMemory;
import org.bytedeco.tensorrt.nvinfer.IInt8EntropyCalibrator2;
import org.bytedeco.tensorrt.nvinfer.ILogger;
import org.bytedeco.tensorrt.nvinfer.INetworkDefinition;
import org.bytedeco.tensorrt.nvinfer.IOptimizationProfile;
import org.bytedeco.tensorrt.nvinfer.IRuntime;
import org.bytedeco.tensorrt.nvinfer.ITensor;
import org.bytedeco.tensorrt.nvinfer.ITimingCache;
import org.bytedeco.tensorrt.nvonnxparser.IParser;

/**
 * The backbone as a TensorRT engine on one CUDA stream.
 *
 * <p>Open: find the device; load the serialized engine cached for this GPU model, TensorRT version,
 * precision, DLA core, batch range, input size and graph checksum ({@link EngineCacheKey}), or
 * build it from the ONNX with the shared timing cache and save both. A build takes minutes on a
 * Jetson, which is why it happens once per bundle and device, at start-up, and why the cache files
 * are written atomically (a half-written engine would fail to deserialize and be rebuilt, but never
 * run).
 *
 * <p>Input type: an FP16 engine is built with a binary16 input tensor (linear NCHW), so the fused
 * path's preprocess kernel writes half the bytes and TensorRT does not convert the input; FP32 and
 * INT8 engines (the INT8 calibrator feeds float32) keep a float32 input. A cached engine is taken
 * with whichever of the two it has. The output is always float32, what the head kernel reads.
 *
 * <p>Two ways to run, on the engine's one non-blocking stream:
 *
 * <ul>
 *   <li>{@link #embed}: float32 tensors from Java (series the fused path does not take) are copied
 *       into pinned host memory (converted to binary16 for an FP16 input), host-to-device, {@code
 *       enqueueV3}, device-to-host, one synchronise.
 *   <li>{@link #fuse}: the {@link FusedPipeline} over this engine ({@link #enqueue}): the
 *       preprocess kernel writes the input tensor in device memory, TensorRT reads it there and
 *       writes the embeddings the head kernel reads, and only the head's results are copied back.
 *       Its memory ({@link PresetsMemory}) is on this engine's stream and CUDA runtime.
 * </ul>
 *
 * Tensor addresses are bound before every enqueue (the two ways use different buffers). Changing
 * the input shape while an earlier enqueue may still be running is avoided: the fused path waits
 * for the stream first, which happens at most once per series (its last, smaller chunk).
 *
 * <p>Release: our CUDA memory and the stream are freed on close. JavaCPP's TensorRT presets give
 * Java no handle on the C++ destructors of objects TensorRT returns, so the runtime, engine and
 * context of a closed engine are dropped, not deleted; the appliance closes an engine only after a
 * GPU fault (rare), and the device memory they hold is returned when the process or the device
 * context ends.
 *
 * <p>NOT VERIFIED ON HARDWARE: this build machine has no GPU. It compiles against the 1.5.11
 * presets (TensorRT 10.6, CUDA 12.6) and follows the TensorRT 10 C++ API.
 */
final class TensorRtEngine implements GpuBackbone, PipelineBackbone {
  private static final Logger LOG = Logger.getLogger(TensorRtEngine.class.getName());

  /** Kept reachable for as long as TensorRT may call back into it (JavaCPP callbacks). */
  private static final TrtLogger TRT_LOGGER = new TrtLogger();

  private final String name;
  private final String inputName;
  private final String outputName;
  private final int channels;
  private final int size;
  private final int width;
  private final int maxBatch;
  private final boolean halfInput;
  private IRuntime runtime;
  private ICudaEngine engine;
  private IExecutionContext context;
  private final CUstream_st stream;
  private final Pointer deviceIn;
  private final Pointer deviceOut;
  private final Pointer hostIn;
  private final Pointer hostOut;
  private final ByteBuffer pinnedIn;
  private final FloatBuffer pinnedOut;
  private final Dims64 shape = new Dims64();
  private int shapeBatch = -1;
  private FusedPipeline fused;
  private boolean closed;

  private TensorRtEngine(
      String name,
      IRuntime runtime,
      ICudaEngine engine,
      IExecutionContext context,
      String inputName,
      String outputName,
      int channels,
      int size,
      int width,
      int maxBatch,
      boolean halfInput) {
    this.name = name;
    this.runtime = runtime;
    this.engine = engine;
    this.context = context;
    this.inputName = inputName;
    this.outputName = outputName;
    this.channels = channels;
    this.size = size;
    this.width = width;
    this.maxBatch = maxBatch;
    this.halfInput = halfInput;
    long inBytes = (long) maxBatch * channels * size * size * (halfInput ? 2 : 4);
    long outFloats = (long) maxBatch * width;
    this.stream = new CUstream_st();
    check("cudaStreamCreateWithFlags", cudaStreamCreateWithFlags(stream, cudaStreamNonBlocking));
    this.deviceIn = new Pointer();
    this.deviceOut = new Pointer();
    this.hostIn = new Pointer();
    this.hostOut = new Pointer();
    check("cudaMalloc(input)", cudaMalloc(deviceIn, inBytes));
    check("cudaMalloc(output)", cudaMalloc(deviceOut, outFloats * Float.BYTES));
    check("cudaMallocHost(input)", cudaMallocHost(hostIn, inBytes));
    check("cudaMallocHost(output)", cudaMallocHost(hostOut, outFloats * Float.BYTES));
    this.pinnedIn =
        new BytePointer(hostIn).capacity(inBytes).asBuffer().order(ByteOrder.nativeOrder());
    this.pinnedOut = new FloatPointer(hostOut).capacity(outFloats).asBuffer();
    shape.nbDims(4);
    shape.d(1, channels);
    shape.d(2, size);
    shape.d(3, size);
  }

  static TensorRtEngine open(TensorRtOptions o) {
    int[] count = {0};
    int rc = cudaGetDeviceCount(count);
    if (rc != cudaSuccess || count[0] == 0) {
      throw new TensorRtUnavailableException(
          "no CUDA device (" + (rc == cudaSuccess ? "none found" : PresetsMemory.error(rc)) + ")");
    }
    if (o.device() >= count[0]) {
      throw new TensorRtUnavailableException(
          "CUDA device " + o.device() + " asked for, " + count[0] + " present");
    }
    checkOpen("cudaSetDevice", cudaSetDevice(o.device()));
    cudaDeviceProp props = new cudaDeviceProp();
    checkOpen("cudaGetDeviceProperties", cudaGetDeviceProperties(props, o.device()));
    String gpu = props.name().getString().strip();
    String trtVersion =
        nvinfer.getInferLibMajorVersion()
            + "."
            + nvinfer.getInferLibMinorVersion()
            + "."
            + nvinfer.getInferLibPatchVersion();
    if (nvinfer.getInferLibMajorVersion() != nvinfer.NV_TENSORRT_MAJOR) {
      throw new TensorRtUnavailableException(
          "the TensorRT library is "
              + trtVersion
              + " but the presets were built for TensorRT "
              + nvinfer.NV_TENSORRT_MAJOR
              + ".x");
    }
    EngineCacheKey key =
        new EngineCacheKey(
            gpu,
            props.major(),
            props.minor(),
            trtVersion,
            o.precision(),
            o.dlaCore(),
            o.maxBatch(),
            o.inputSize(),
            o.bundleChecksum(),
            o.calibration()
                .filter(c -> o.precision() == Precision.INT8)
                .map(CalibrationSource::checksum)
                .orElse(""));
    try {
      Files.createDirectories(o.cacheDir());
    } catch (IOException e) {
      throw new TensorRtUnavailableException("cannot create the engine cache " + o.cacheDir(), e);
    }
    Path planFile = o.cacheDir().resolve(key.engineFile());
    IRuntime runtime = nvinfer.createInferRuntime(TRT_LOGGER);
    if (runtime == null || runtime.isNull()) {
      throw new TensorRtUnavailableException("createInferRuntime failed");
    }
    if (o.dlaCore() >= 0) {
      runtime.setDLACore(o.dlaCore());
    }
    ICudaEngine engine = null;
    if (Files.isRegularFile(planFile)) {
      byte[] plan = read(planFile);
      engine = runtime.deserializeCudaEngine(new BytePointer(plan), plan.length);
      if (engine == null || engine.isNull()) {
        LOG.warning(
            planFile.getFileName() + ": cached engine does not deserialize; building it again");
        engine = null;
      } else {
        LOG.info("TensorRT engine loaded from the cache: " + planFile.getFileName());
      }
    }
    if (engine == null) {
      byte[] plan = build(o, key);
      write(planFile, plan);
      engine = runtime.deserializeCudaEngine(new BytePointer(plan), plan.length);
      if (engine == null || engine.isNull()) {
        throw new TensorRtUnavailableException("the engine just built does not deserialize");
      }
    }
    String in = null;
    String out = null;
    for (int i = 0; i < engine.getNbIOTensors(); i++) {
      String t = engine.getIOTensorName(i);
      if (engine.getTensorIOMode(t) == nvinfer.TensorIOMode.kINPUT) {
        in = t;
      } else if (engine.getTensorIOMode(t) == nvinfer.TensorIOMode.kOUTPUT) {
        out = t;
      }
    }
    if (in == null || out == null || engine.getNbIOTensors() != 2) {
      throw new TensorRtUnavailableException(
          "the engine must have one input and one output, it has " + engine.getNbIOTensors());
    }
    Dims64 inDims = engine.getTensorShape(in);
    Dims64 outDims = engine.getTensorShape(out);
    if (inDims.nbDims() != 4 || outDims.nbDims() != 2 || outDims.d(1) < 1) {
      throw new TensorRtUnavailableException("the engine's shapes are not [N,C,S,S] -> [N,D]");
    }
    nvinfer.DataType inType = engine.getTensorDataType(in);
    if ((inType != nvinfer.DataType.kFLOAT && inType != nvinfer.DataType.kHALF)
        || engine.getTensorDataType(out) != nvinfer.DataType.kFLOAT) {
      throw new TensorRtUnavailableException(
          "the engine's input must be float32 or float16 and its output float32");
    }
    int channels = (int) inDims.d(1);
    int maxBatch = (int) engine.getProfileShape(in, 0, nvinfer.OptProfileSelector.kMAX).d(0);
    IExecutionContext context = engine.createExecutionContext();
    if (context == null || context.isNull()) {
      throw new TensorRtUnavailableException("createExecutionContext failed (out of GPU memory?)");
    }
    String name =
        "tensorrt-"
            + o.precision().key()
            + (o.dlaCore() >= 0 ? "-dla" + o.dlaCore() : "")
            + " ("
            + gpu
            + ", TensorRT "
            + trtVersion
            + ")";
    return new TensorRtEngine(
        name,
        runtime,
        engine,
        context,
        in,
        out,
        channels,
        o.inputSize(),
        (int) outDims.d(1),
        Math.min(maxBatch, o.maxBatch()),
        inType == nvinfer.DataType.kHALF);
  }

  /**
   * Builds a serialized engine from the ONNX, using and updating the shared timing cache.
   *
   * <p>INT8 uses TensorRT's calibrator (implicit quantization), deprecated since TensorRT 10.1 in
   * favour of Q/DQ nodes in the graph; our graphs carry none, and TensorRT 10.x still honours the
   * calibrator. TensorRT 11 drops it, which is one reason the presets stay on 10.x.
   */
  @SuppressWarnings("deprecation")
  private static byte[] build(TensorRtOptions o, EngineCacheKey key) {
    long t0 = System.nanoTime();
    LOG.info(
        "building the TensorRT engine "
            + key.engineFile()
            + " from "
            + o.onnx().getFileName()
            + " (minutes on a Jetson; cached afterwards)");
    IBuilder builder = nvinfer.createInferBuilder(TRT_LOGGER);
    INetworkDefinition network = builder.createNetworkV2(0);
    IParser parser = nvonnxparser.createParser(network, TRT_LOGGER);
    if (!parser.parseFromFile(o.onnx().toString(), ILogger.Severity.kWARNING.value)) {
      List<String> errors = new ArrayList<>();
      for (int i = 0; i < parser.getNbErrors(); i++) {
        errors.add(parser.getError(i).desc());
      }
      throw new TensorRtUnavailableException(
          "TensorRT cannot parse " + o.onnx().getFileName() + ": " + String.join("; ", errors));
    }
    if (network.getNbInputs() != 1 || network.getNbOutputs() != 1) {
      throw new TensorRtUnavailableException(
          "the backbone must have one input and one output for TensorRT");
    }
    ITensor input = network.getInput(0);
    String in = input.getName();
    Dims64 dims = input.getDimensions();
    int channels = (int) dims.d(1);
    if (dims.nbDims() != 4 || (channels != 1 && channels != 3)) {
      throw new TensorRtUnavailableException("the backbone input is not NCHW with 1 or 3 channels");
    }
    int maxBatch = dims.d(0) > 0 ? (int) Math.min(dims.d(0), o.maxBatch()) : o.maxBatch();
    int minBatch = dims.d(0) > 0 ? maxBatch : 1;
    int optBatch = Math.max(minBatch, Math.min(o.optBatch(), maxBatch));

    if (o.precision() == Precision.FP16) {
      // The fused path's preprocess kernel writes binary16 directly (half the bytes); an FP16
      // engine converts its input to half anyway. INT8 keeps float32: its calibrator feeds floats.
      input.setType(nvinfer.DataType.kHALF);
      input.setAllowedFormats(1 << nvinfer.TensorFormat.kLINEAR.value);
    }
    IBuilderConfig config = builder.createBuilderConfig();
    config.setMemoryPoolLimit(nvinfer.MemoryPoolType.kWORKSPACE, o.workspaceBytes());
    if (o.precision() != Precision.FP32) {
      config.setFlag(nvinfer.BuilderFlag.kFP16);
    }
    IOptimizationProfile profile = builder.createOptimizationProfile();
    profile.setDimensions(
        in, nvinfer.OptProfileSelector.kMIN, dims4(minBatch, channels, o.inputSize()));
    profile.setDimensions(
        in, nvinfer.OptProfileSelector.kOPT, dims4(optBatch, channels, o.inputSize()));
    profile.setDimensions(
        in, nvinfer.OptProfileSelector.kMAX, dims4(maxBatch, channels, o.inputSize()));
    config.addOptimizationProfile(profile);
    Calibrator calibrator = null;
    try {
      if (o.precision() == Precision.INT8) {
        CalibrationSource source = o.calibration().orElseThrow();
        calibrator = new Calibrator(source, in, channels, o.inputSize());
        config.setFlag(nvinfer.BuilderFlag.kINT8);
        config.setInt8Calibrator(calibrator);
        IOptimizationProfile calib = builder.createOptimizationProfile();
        Dims64 c = dims4(source.batchSize(), channels, o.inputSize());
        calib.setDimensions(in, nvinfer.OptProfileSelector.kMIN, c);
        calib.setDimensions(in, nvinfer.OptProfileSelector.kOPT, c);
        calib.setDimensions(in, nvinfer.OptProfileSelector.kMAX, c);
        config.setCalibrationProfile(calib);
      }
      if (o.dlaCore() >= 0) {
        if (builder.getNbDLACores() <= o.dlaCore()) {
          throw new TensorRtUnavailableException(
              "the profile asks for DLA core "
                  + o.dlaCore()
                  + ", the device has "
                  + builder.getNbDLACores());
        }
        config.setDefaultDeviceType(nvinfer.DeviceType.kDLA);
        config.setDLACore(o.dlaCore());
        config.setFlag(nvinfer.BuilderFlag.kGPU_FALLBACK);
      }
      Path timingFile = o.cacheDir().resolve(key.timingCacheFile());
      ITimingCache timing;
      if (Files.isRegularFile(timingFile)) {
        byte[] bytes = read(timingFile);
        timing = config.createTimingCache(new BytePointer(bytes), bytes.length);
      } else {
        timing = config.createTimingCache(null, 0);
      }
      config.setTimingCache(timing, false);

      IHostMemory plan = builder.buildSerializedNetwork(network, config);
      if (calibrator != null && calibrator.failure() != null) {
        throw new TensorRtUnavailableException(
            "INT8 calibration could not read its slices: " + calibrator.failure().getMessage(),
            calibrator.failure());
      }
      if (plan == null || plan.isNull() || plan.size() == 0) {
        throw new TensorRtUnavailableException(
            "TensorRT could not build the engine (its messages are in the log above)");
      }
      write(timingFile, bytes(config.getTimingCache().serialize()));
      byte[] out = bytes(plan);
      LOG.info(
          "TensorRT engine built in "
              + (System.nanoTime() - t0) / 1_000_000_000
              + " s: "
              + key.engineFile()
              + " ("
              + out.length / (1 << 20)
              + " MiB)");
      return out;
    } finally {
      // Also when the build fails: the calibration buffers are device and pinned memory.
      if (calibrator != null) {
        calibrator.release();
      }
    }
  }

  private static Dims64 dims4(long n, long c, long s) {
    Dims64 d = new Dims64();
    d.nbDims(4);
    d.d(0, n);
    d.d(1, c);
    d.d(2, s);
    d.d(3, s);
    return d;
  }

  private static byte[] bytes(IHostMemory m) {
    byte[] out = new byte[(int) m.size()];
    new BytePointer(m.data()).capacity(m.size()).get(out);
    return out;
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
  }

  /** Writes next to the target and moves into place, so a reader never sees half a file. */
  private static void write(Path target, byte[] data) {
    try {
      Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
      Files.write(tmp, data);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.log(
          Level.WARNING, "cannot write the cache file " + target + "; it is rebuilt next time", e);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int channels() {
    return channels;
  }

  @Override
  public int inputSize() {
    return size;
  }

  @Override
  public int embeddingWidth() {
    return width;
  }

  @Override
  public int maxBatch() {
    return maxBatch;
  }

  @Override
  public PipelineBackbone.Shape shape() {
    return new PipelineBackbone.Shape(channels, size, width, maxBatch, halfInput);
  }

  @Override
  public synchronized FusedPipeline fuse(KernelLibrary kernels, FusedPipeline.Config config) {
    if (closed) {
      throw new IllegalStateException(name + " is closed");
    }
    if (fused != null) {
      throw new IllegalStateException(name + " already has a fused pipeline");
    }
    fused = FusedPipeline.open(kernels, new PresetsMemory(stream), this, config);
    return fused;
  }

  /** Binds the input and output tensors to these device addresses for the next enqueue. */
  private void bind(Pointer in, Pointer out) {
    if (!context.setTensorAddress(inputName, in) || !context.setTensorAddress(outputName, out)) {
      throw new TensorRtRunException("TensorRT refused the device buffers' addresses");
    }
  }

  /** Sets the batch of the next enqueue, first waiting for the stream when the batch changes. */
  private void batch(int n) {
    if (n != shapeBatch) {
      run("cudaStreamSynchronize", cudaStreamSynchronize(stream));
      shape.d(0, n);
      if (!context.setInputShape(inputName, shape)) {
        shapeBatch = -1;
        throw new TensorRtRunException("setInputShape refused batch " + n);
      }
      shapeBatch = n;
    }
  }

  @Override
  public synchronized void enqueue(
      MemorySegment input, MemorySegment output, int n, MemorySegment onStream) {
    if (closed) {
      throw new IllegalStateException(name + " is closed");
    }
    if (onStream.address() != stream.address()) {
      throw new IllegalArgumentException("the fused pipeline must run on the engine's stream");
    }
    if (n < 1 || n > maxBatch) {
      throw new IllegalArgumentException("batch of " + n + ", the engine takes 1.." + maxBatch);
    }
    bind(PresetsMemory.pointer(input), PresetsMemory.pointer(output));
    batch(n);
    if (!context.enqueueV3(stream)) {
      throw new TensorRtRunException("enqueueV3 failed (see the TensorRT messages in the log)");
    }
  }

  @Override
  public synchronized float[][] embed(FloatBuffer nchw, int batch) {
    if (closed) {
      throw new IllegalStateException(name + " is closed");
    }
    int item = channels * size * size;
    if (batch < 1 || nchw.remaining() < (long) batch * item) {
      throw new IllegalArgumentException(
          "batch of "
              + batch
              + " needs "
              + (long) batch * item
              + " floats, the buffer has "
              + nchw.remaining());
    }
    float[][] out = new float[batch][width];
    int done = 0;
    int start = nchw.position();
    bind(deviceIn, deviceOut);
    while (done < batch) {
      int n = Math.min(maxBatch, batch - done);
      FloatBuffer items = nchw.slice(start + done * item, n * item);
      pinnedIn.clear();
      if (halfInput) {
        ShortBuffer halves = pinnedIn.asShortBuffer();
        while (items.hasRemaining()) {
          halves.put(Float.floatToFloat16(items.get()));
        }
      } else {
        pinnedIn.asFloatBuffer().put(items);
      }
      long inBytes = (long) n * item * (halfInput ? 2 : 4);
      long outBytes = (long) n * width * Float.BYTES;
      run(
          "cudaMemcpyAsync(H2D)",
          cudaMemcpyAsync(deviceIn, hostIn, inBytes, cudaMemcpyHostToDevice, stream));
      batch(n);
      if (!context.enqueueV3(stream)) {
        throw new TensorRtRunException("enqueueV3 failed (see the TensorRT messages in the log)");
      }
      run(
          "cudaMemcpyAsync(D2H)",
          cudaMemcpyAsync(hostOut, deviceOut, outBytes, cudaMemcpyDeviceToHost, stream));
      run("cudaStreamSynchronize", cudaStreamSynchronize(stream));
      pinnedOut.clear();
      for (int i = 0; i < n; i++) {
        pinnedOut.get(out[done + i]);
      }
      done += n;
    }
    return out;
  }

  private static void run(String call, int rc) {
    if (rc != cudaSuccess) {
      throw new TensorRtRunException(call + ": " + PresetsMemory.error(rc));
    }
  }

  private static void check(String call, int rc) {
    if (rc != cudaSuccess) {
      throw new TensorRtUnavailableException(call + ": " + PresetsMemory.error(rc));
    }
  }

  private static void checkOpen(String call, int rc) {
    check(call, rc);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (fused != null) {
      fused.close();
      fused = null;
    }
    cudaStreamSynchronize(stream);
    cudaFree(deviceIn);
    cudaFree(deviceOut);
    cudaFreeHost(hostIn);
    cudaFreeHost(hostOut);
    cudaStreamDestroy(stream);
    context = null;
    engine = null;
    runtime = null;
  }

  /** Forwards TensorRT's messages (warnings and worse) to java.util.logging. */
  private static final class TrtLogger extends ILogger {
    @Override
    public void log(ILogger.Severity severity, String msg) {
      Level level =
          switch (severity) {
            case kINTERNAL_ERROR, kERROR -> Level.SEVERE;
            case kWARNING -> Level.WARNING;
            case kINFO -> Level.FINE;
            default -> Level.FINEST;
          };
      LOG.log(level, () -> "TensorRT: " + msg);
    }
  }

  /**
   * Feeds calibration batches to TensorRT's entropy calibrator: TensorRT calls {@code getBatch}
   * with device pointers to fill; we copy the next preprocessed batch into a device buffer of our
   * own and hand its address back. The calibration cache is not kept: the serialized INT8 engine
   * is, which is what matters.
   */
  @SuppressWarnings("deprecation")
  private static final class Calibrator extends IInt8EntropyCalibrator2 {
    private final CalibrationSource source;
    private final int item;
    private final Pointer device = new Pointer();
    private final Pointer host = new Pointer();
    private final FloatBuffer pinned;
    private volatile RuntimeException failure;

    Calibrator(CalibrationSource source, String input, int channels, int size) {
      // First, before any memory is taken: the source reads (and checks) its slices here.
      source.rewind();
      this.source = source;
      this.item = channels * size * size;
      long floats = (long) source.batchSize() * item;
      check("cudaMalloc(calibration)", cudaMalloc(device, floats * Float.BYTES));
      int rc = cudaMallocHost(host, floats * Float.BYTES);
      if (rc != cudaSuccess) {
        cudaFree(device);
        check("cudaMallocHost(calibration)", rc);
      }
      this.pinned = new FloatPointer(host).capacity(floats).asBuffer();
    }

    @Override
    public int getBatchSize() {
      return source.batchSize();
    }

    @Override
    @SuppressWarnings("rawtypes") // the presets declare the raw type; an override must match
    public boolean getBatch(PointerPointer bindings, PointerPointer names, int nbBindings) {
      pinned.clear();
      int n;
      try {
        n = source.next(pinned);
      } catch (RuntimeException e) {
        // Called from TensorRT's native code: an exception must not cross back into it. The
        // build is refused afterwards with this cause (see failure()).
        failure = e;
        return false;
      }
      if (n <= 0) {
        return false;
      }
      long bytes = (long) source.batchSize() * item * Float.BYTES;
      if (cudaMemcpyAsync(device, host, bytes, cudaMemcpyHostToDevice, null) != cudaSuccess
          || cudaStreamSynchronize(null) != cudaSuccess) {
        return false;
      }
      bindings.put(0, device);
      return true;
    }

    @Override
    public Pointer readCalibrationCache(LongPointer length) {
      length.put(0L);
      return null;
    }

    @Override
    public void writeCalibrationCache(Pointer cache, long length) {}

    /** What went wrong reading a calibration batch, or null. */
    RuntimeException failure() {
      return failure;
    }

    void release() {
      cudaFree(device);
      cudaFreeHost(host);
    }
  }
}
