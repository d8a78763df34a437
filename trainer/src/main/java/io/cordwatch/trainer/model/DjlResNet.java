package io.cordwatch.trainer.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link LayerSpec} realised as Deep Java Library blocks on the PyTorch engine: the form the
 * trainer differentiates and updates, next to {@link ReferenceForward} (the judge) and {@link
 * OnnxWriter} (what the appliance runs).
 *
 * <p>Every DJL parameter is addressed by its torchvision name ({@code layer2.0.bn3.running_var}),
 * the same names {@link Weights} uses, so {@link #load} and {@link #store} move one parameter set
 * between the three realisations without a mapping table that could drift.
 *
 * <p>Batch norm stays a separate block (not folded): training needs gamma, beta and the running
 * statistics as they are. {@link #embed} runs in inference mode, where batch norm normalises with
 * the running statistics, as the exported graph does.
 *
 * <p>The instance owns the native memory of its parameters; close it when done.
 */
public final class DjlResNet implements AutoCloseable {
  /** DJL's name for the PyTorch engine. */
  public static final String ENGINE = "PyTorch";

  /**
   * The spatial size the parameters are shaped for at initialisation. Parameter shapes do not
   * depend on it; it only has to be large enough for every stride-2 step to leave at least one
   * pixel.
   */
  private static final int INIT_SIZE = 224;

  private final LayerSpec spec;
  private final NDManager manager;
  private final SequentialBlock block;
  private final Map<String, Parameter> parameters;

  private DjlResNet(
      LayerSpec spec, NDManager manager, SequentialBlock block, Map<String, Parameter> parameters) {
    this.spec = spec;
    this.manager = manager;
    this.block = block;
    this.parameters = parameters;
  }

  /**
   * The PyTorch engine, offline. DJL otherwise downloads libtorch when it finds none; CordWatch's
   * trainer runs on machines without a network, with libtorch and the JNI library as Maven jars on
   * the class path, so a missing jar must fail loudly instead of fetching something else. A value
   * set explicitly (-Dai.djl.offline=...) is left alone.
   */
  public static Engine engine() {
    if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    return Engine.getEngine(ENGINE);
  }

  /** Builds the network for {@code weights}' spec and loads {@code weights} into it. */
  public static DjlResNet of(Weights weights) {
    Objects.requireNonNull(weights, "weights");
    LayerSpec spec = weights.spec();
    float eps = (float) weights.eps();
    Map<String, Parameter> parameters = new LinkedHashMap<>();
    List<Block> convBns = new ArrayList<>();

    SequentialBlock net = new SequentialBlock();
    net.add(convBn(spec.stem(), eps, convBns))
        .add(Activation.reluBlock())
        .add(
            Pool.maxPool2dBlock(
                square(LayerSpec.POOL_KERNEL),
                square(LayerSpec.POOL_STRIDE),
                square(LayerSpec.POOL_PADDING)));
    for (LayerSpec.Block b : spec.blocks()) {
      SequentialBlock main =
          new SequentialBlock()
              .add(convBn(b.reduce(), eps, convBns))
              .add(Activation.reluBlock())
              .add(convBn(b.spatial(), eps, convBns))
              .add(Activation.reluBlock())
              .add(convBn(b.expand(), eps, convBns));
      Block shortcut =
          b.downsample() != null ? convBn(b.downsample(), eps, convBns) : Blocks.identityBlock();
      // The residual sum: both branches see the block's input, their outputs are added.
      net.add(
              new ParallelBlock(
                  branches ->
                      new NDList(
                          branches
                              .get(0)
                              .singletonOrThrow()
                              .add(branches.get(1).singletonOrThrow())),
                  List.of(main, shortcut)))
          .add(Activation.reluBlock());
    }
    net.add(Pool.globalAvgPool2dBlock());

    NDManager manager = engine().newBaseManager();
    try {
      // Every value is overwritten by load() below; zeros only give the arrays their shapes.
      net.setInitializer(Initializer.ZEROS, p -> true);
      net.initialize(
          manager, DataType.FLOAT32, new Shape(1, spec.inputChannels(), INIT_SIZE, INIT_SIZE));
      List<LayerSpec.Conv> convs = spec.convs();
      for (int i = 0; i < convs.size(); i++) {
        LayerSpec.Conv c = convs.get(i);
        SequentialBlock pair = (SequentialBlock) convBns.get(i);
        Block conv = pair.getChildren().get(0).getValue();
        Block bn = pair.getChildren().get(1).getValue();
        parameters.put(c.weightName(), conv.getParameters().get("weight"));
        parameters.put(c.gammaName(), bn.getParameters().get("gamma"));
        parameters.put(c.betaName(), bn.getParameters().get("beta"));
        parameters.put(c.meanName(), bn.getParameters().get("runningMean"));
        parameters.put(c.varianceName(), bn.getParameters().get("runningVar"));
      }
      DjlResNet resnet = new DjlResNet(spec, manager, net, parameters);
      resnet.load(weights);
      return resnet;
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** A bias-free convolution and its batch norm, recorded in forward order for naming. */
  private static Block convBn(LayerSpec.Conv c, float eps, List<Block> convBns) {
    SequentialBlock pair =
        new SequentialBlock()
            .add(
                Conv2d.builder()
                    .setKernelShape(square(c.kernel()))
                    .optStride(square(c.stride()))
                    .optPadding(square(c.padding()))
                    .setFilters(c.outChannels())
                    .optBias(false)
                    .build())
            // DJL's momentum weighs the old running value (0.9 = PyTorch's momentum 0.1).
            .add(BatchNorm.builder().optEpsilon(eps).optMomentum(0.9f).build());
    convBns.add(pair);
    return pair;
  }

  private static Shape square(int n) {
    return new Shape(n, n);
  }

  public LayerSpec spec() {
    return spec;
  }

  /** The network as one DJL block, for a DJL {@code Model} / {@code Trainer}. */
  public Block block() {
    return block;
  }

  /** The manager that owns the parameters. */
  public NDManager manager() {
    return manager;
  }

  /** The DJL parameter behind a torchvision tensor name. */
  public Parameter parameter(String name) {
    Parameter p = parameters.get(name);
    if (p == null) {
      throw new IllegalArgumentException("no tensor '" + name + "' in this spec");
    }
    return p;
  }

  /** Copies every tensor of {@code weights} into the DJL parameters. */
  public void load(Weights weights) {
    requireSameSpec(weights);
    for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
      e.getValue().getArray().set(weights.get(e.getKey()));
    }
  }

  /** Copies the DJL parameters (e.g. after training steps) back into {@code weights}' arrays. */
  public void store(Weights weights) {
    requireSameSpec(weights);
    for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
      float[] values = e.getValue().getArray().toFloatArray();
      System.arraycopy(values, 0, weights.get(e.getKey()), 0, values.length);
    }
  }

  private void requireSameSpec(Weights weights) {
    if (!spec.equals(weights.spec())) {
      throw new IllegalArgumentException(
          "weights are for " + weights.spec() + ", this network is " + spec);
    }
  }

  /**
   * Embeddings of a batch in inference mode (batch norm on running statistics), the contract of
   * {@link ReferenceForward#embed}.
   */
  public float[][] embed(float[] nchw, int batch, int size) {
    spec.requireBatch(nchw, batch, size);
    try (NDManager scope = manager.newSubManager()) {
      NDArray x = scope.create(nchw, new Shape(batch, spec.inputChannels(), size, size));
      NDArray y =
          block.forward(new ParameterStore(scope, false), new NDList(x), false).singletonOrThrow();
      float[] flat = y.reshape(batch, -1).toFloatArray();
      int d = flat.length / batch;
      float[][] out = new float[batch][d];
      for (int n = 0; n < batch; n++) {
        System.arraycopy(flat, n * d, out[n], 0, d);
      }
      return out;
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
