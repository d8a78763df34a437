package io.cordwatch.trainer.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bottleneck ResNet described as data, so that the ONNX export, the Java reference forward pass
 * and (later) the training graph are all built from one description and cannot drift apart.
 *
 * <p>The layout is torchvision's ResNet v1.5: a stem (7x7/2 convolution, batch norm, ReLU, 3x3/2
 * max pool), then stages of bottleneck blocks (1x1 reduce, 3x3, 1x1 expand by {@code expansion},
 * each followed by batch norm, ReLU after the first two and after the residual sum) where the
 * stage's stride sits on the 3x3 convolution of its first block, and a projection shortcut (1x1
 * convolution + batch norm) wherever the first block changes resolution or width. A global average
 * pool then gives the embedding of width {@code last stage width * expansion}.
 *
 * <p>Convolutions and batch norms carry torchvision's module names ({@code conv1}, {@code bn1},
 * {@code layer2.0.conv3}, {@code layer2.0.downsample.0}, ...), so parameters are named as in a
 * torchvision {@code state_dict} and ImageNet weights can later be loaded by name.
 *
 * @param inputChannels 1 (grey) or 3 (grey replicated, as ImageNet-pretrained weights expect)
 * @param stemWidth output channels of the stem convolution
 * @param stages the bottleneck stages in order, at least one
 * @param expansion the factor by which a bottleneck's last convolution widens its middle width
 */
public record LayerSpec(int inputChannels, int stemWidth, List<Stage> stages, int expansion) {

  private static final int STEM_KERNEL = 7;

  /** The max pool after the stem is 3x3, stride 2, padding 1, as in torchvision. */
  public static final int POOL_KERNEL = 3;

  public static final int POOL_STRIDE = 2;
  public static final int POOL_PADDING = 1;

  /**
   * One stage of bottleneck blocks.
   *
   * @param width the middle (3x3) width; the stage outputs {@code width * expansion} channels
   * @param blocks number of bottleneck blocks, at least one
   * @param stride 1 or 2, applied by the first block
   */
  public record Stage(int width, int blocks, int stride) {}

  /**
   * A convolution followed by its batch norm, the unit the ONNX export folds into one Conv node.
   *
   * @param name the convolution's module name; its kernel is {@code name + ".weight"} (OIHW)
   * @param batchNorm the batch norm's module name; its parameters are {@code .weight} (gamma),
   *     {@code .bias} (beta), {@code .running_mean} and {@code .running_var}
   */
  public record Conv(
      String name,
      String batchNorm,
      int inChannels,
      int outChannels,
      int kernel,
      int stride,
      int padding) {

    public String weightName() {
      return name + ".weight";
    }

    public String gammaName() {
      return batchNorm + ".weight";
    }

    public String betaName() {
      return batchNorm + ".bias";
    }

    public String meanName() {
      return batchNorm + ".running_mean";
    }

    public String varianceName() {
      return batchNorm + ".running_var";
    }

    public int weightCount() {
      return outChannels * inChannels * kernel * kernel;
    }

    /** Output height (or width) for an input of this height (or width). */
    public int outputSize(int inputSize) {
      return (inputSize + 2 * padding - kernel) / stride + 1;
    }
  }

  /**
   * One bottleneck block.
   *
   * @param name the block's module path, e.g. {@code layer3.2}
   * @param downsample the projection shortcut, or null where the shortcut is the identity
   */
  public record Block(String name, Conv reduce, Conv spatial, Conv expand, Conv downsample) {}

  /** Validates the description; every message names the offending field. */
  public LayerSpec {
    if (inputChannels != 1 && inputChannels != 3) {
      throw new IllegalArgumentException(
          "inputChannels must be 1 or 3 (the bundle's NCHW contract), got " + inputChannels);
    }
    if (stemWidth < 1) {
      throw new IllegalArgumentException("stemWidth must be at least 1, got " + stemWidth);
    }
    if (expansion < 1) {
      throw new IllegalArgumentException("expansion must be at least 1, got " + expansion);
    }
    if (stages == null || stages.isEmpty()) {
      throw new IllegalArgumentException("a ResNet needs at least one stage, got " + stages);
    }
    stages = List.copyOf(stages);
    for (int i = 0; i < stages.size(); i++) {
      Stage s = stages.get(i);
      String where = "stage " + (i + 1) + " (layer" + (i + 1) + ") " + s + ": ";
      if (s.width() < 1) {
        throw new IllegalArgumentException(where + "width must be at least 1");
      }
      if (s.blocks() < 1) {
        throw new IllegalArgumentException(where + "blocks must be at least 1");
      }
      if (s.stride() != 1 && s.stride() != 2) {
        throw new IllegalArgumentException(where + "stride must be 1 or 2");
      }
    }
  }

  /** ResNet50: stages [3, 4, 6, 3], widths 64/128/256/512, expansion 4, embedding width 2048. */
  public static LayerSpec resnet50(int inputChannels) {
    return bottleneck(inputChannels, 1, 3, 4, 6, 3);
  }

  /**
   * A ResNet50-shaped network with every width divided by {@code widthDivisor} and the given number
   * of blocks per stage; {@code bottleneck(c, 1, 3, 4, 6, 3)} is ResNet50, {@code bottleneck(3, 16,
   * 1, 1, 1, 1)} a variant small enough for a unit test.
   */
  public static LayerSpec bottleneck(int inputChannels, int widthDivisor, int... blocksPerStage) {
    if (widthDivisor < 1 || 64 % widthDivisor != 0) {
      throw new IllegalArgumentException(
          "widthDivisor must divide 64 (the narrowest width), got " + widthDivisor);
    }
    if (blocksPerStage.length < 1 || blocksPerStage.length > 4) {
      throw new IllegalArgumentException(
          "ResNet50 has 4 stages; give 1 to 4 block counts, got " + blocksPerStage.length);
    }
    int[] widths = {64, 128, 256, 512};
    int[] strides = {1, 2, 2, 2};
    List<Stage> stages = new ArrayList<>();
    for (int i = 0; i < blocksPerStage.length; i++) {
      stages.add(new Stage(widths[i] / widthDivisor, blocksPerStage[i], strides[i]));
    }
    return new LayerSpec(inputChannels, 64 / widthDivisor, stages, 4);
  }

  /** D, the width of the embedding the global average pool produces. */
  public int embeddingWidth() {
    return stages.getLast().width() * expansion;
  }

  public Conv stem() {
    return new Conv("conv1", "bn1", inputChannels, stemWidth, STEM_KERNEL, 2, STEM_KERNEL / 2);
  }

  /** The bottleneck blocks in forward order. */
  public List<Block> blocks() {
    List<Block> blocks = new ArrayList<>();
    int in = stemWidth;
    for (int s = 0; s < stages.size(); s++) {
      Stage stage = stages.get(s);
      int out = stage.width() * expansion;
      for (int b = 0; b < stage.blocks(); b++) {
        String name = "layer" + (s + 1) + "." + b;
        int stride = b == 0 ? stage.stride() : 1;
        Conv reduce = new Conv(name + ".conv1", name + ".bn1", in, stage.width(), 1, 1, 0);
        Conv spatial =
            new Conv(name + ".conv2", name + ".bn2", stage.width(), stage.width(), 3, stride, 1);
        Conv expand = new Conv(name + ".conv3", name + ".bn3", stage.width(), out, 1, 1, 0);
        Conv downsample =
            stride != 1 || in != out
                ? new Conv(name + ".downsample.0", name + ".downsample.1", in, out, 1, stride, 0)
                : null;
        blocks.add(new Block(name, reduce, spatial, expand, downsample));
        in = out;
      }
    }
    return blocks;
  }

  /** Every convolution (each with its batch norm) in forward order. */
  public List<Conv> convs() {
    List<Conv> convs = new ArrayList<>();
    convs.add(stem());
    for (Block b : blocks()) {
      convs.add(b.reduce());
      convs.add(b.spatial());
      convs.add(b.expand());
      if (b.downsample() != null) {
        convs.add(b.downsample());
      }
    }
    return convs;
  }

  /** Every parameter tensor's name and element count, in forward order. */
  public Map<String, Integer> parameterSizes() {
    Map<String, Integer> sizes = new LinkedHashMap<>();
    for (Conv c : convs()) {
      sizes.put(c.weightName(), c.weightCount());
      sizes.put(c.gammaName(), c.outChannels());
      sizes.put(c.betaName(), c.outChannels());
      sizes.put(c.meanName(), c.outChannels());
      sizes.put(c.varianceName(), c.outChannels());
    }
    return sizes;
  }

  /**
   * Checks that {@code nchw} holds {@code batch} inputs of this spec's channels at {@code size} x
   * {@code size}, the contract every realisation of the spec shares.
   *
   * @throws IllegalArgumentException naming the expected and actual lengths
   */
  public void requireBatch(float[] nchw, int batch, int size) {
    java.util.Objects.requireNonNull(nchw, "nchw");
    long item = (long) inputChannels * size * size;
    if (batch < 1 || size < 1 || nchw.length != batch * item) {
      throw new IllegalArgumentException(
          "a batch of "
              + batch
              + " at "
              + inputChannels
              + "x"
              + size
              + "x"
              + size
              + " needs "
              + batch * item
              + " floats, got "
              + nchw.length);
    }
  }
}
