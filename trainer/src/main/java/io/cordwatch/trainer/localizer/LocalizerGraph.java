package io.cordwatch.trainer.localizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The localizer network described once, as a list of nodes that {@link DjlLocalizer} (training) and
 * {@link LocalizerOnnx} (the appliance's graph) both walk, so the two cannot wire it differently.
 *
 * <p>A small U-Net: three encoder stages of two 3x3 convolutions (batch norm, ReLU) with 2x2 max
 * pooling between them, a bottom stage whose second convolution is dilated (the canal box has to be
 * judged from about 100 view pixels around it), and three decoder stages that change the channel
 * count by a 1x1 convolution, upsample 2x by repeating each value (nearest neighbour; the 1x1
 * convolution commutes with it, so it runs at the lower resolution), add the encoder's output of
 * the same size (cheaper than concatenation, and enough here) and convolve once more; a 1x1
 * convolution gives one logit per view pixel. (A transposed convolution would be the textbook
 * upsampler, but DJL's PyTorch engine does not implement it.) Input [N, 1, V, V] with V a multiple
 * of 8, output [N, classes, V, V]. With {@code width} 16 it has about 0.2 M parameters and costs
 * about 0.15 GMAC for a 96 x 96 view.
 *
 * <p>Parameter names: {@code <conv>.weight} [O, I, 3, 3] and its batch norm {@code <conv>.gamma},
 * {@code .beta}, {@code .running_mean}, {@code .running_var}; {@code <up>.weight} [O, I, 1, 1] and
 * {@code <up>.bias}; {@code head.weight} [1, C, 1, 1] and {@code head.bias}.
 */
public final class LocalizerGraph {
  /** The graph's input tensor. */
  public static final String INPUT = "view";

  /** Batch-norm epsilon, as PyTorch's default. */
  public static final float BN_EPS = 1e-5f;

  /** One step of the network. */
  public sealed interface Node permits ConvBnRelu, MaxPool, Up, Add, Head {
    /** The tensor this node produces (its name). */
    String name();
  }

  /** 3x3 convolution without bias, batch norm, ReLU; padding keeps the size. */
  public record ConvBnRelu(String name, String input, int in, int out, int dilation)
      implements Node {}

  /** 2x2 max pooling, stride 2. */
  public record MaxPool(String name, String input) implements Node {}

  /** 1x1 convolution with bias, then 2x nearest-neighbour upsampling: doubles the size. */
  public record Up(String name, String input, int in, int out) implements Node {}

  /** Element-wise sum of two tensors of one shape. */
  public record Add(String name, String a, String b) implements Node {}

  /** 1x1 convolution with bias to {@code out} channels: the logits. */
  public record Head(String name, String input, int in, int out) implements Node {}

  private final int width;
  private final int classes;
  private final List<Node> nodes;

  private LocalizerGraph(int width, int classes, List<Node> nodes) {
    this.width = width;
    this.classes = classes;
    this.nodes = List.copyOf(nodes);
  }

  /** The localizer: one logit per view pixel. */
  public static LocalizerGraph of(int width) {
    return of(width, 1);
  }

  /**
   * The network with {@code width} channels in the first stage (then 2x, 3x, 4x) and {@code
   * classes} logits per view pixel (1 for the localizer's canal box; the tissue classes for the
   * canal segmenter, {@code io.cordwatch.trainer.segment}).
   *
   * @throws IllegalArgumentException for a width outside 4..64 or classes outside 1..32
   */
  public static LocalizerGraph of(int width, int classes) {
    if (width < 4 || width > 64) {
      throw new IllegalArgumentException("localizer width must be 4..64, got " + width);
    }
    if (classes < 1 || classes > 32) {
      throw new IllegalArgumentException("output classes must be 1..32, got " + classes);
    }
    int c1 = width;
    int c2 = 2 * width;
    int c3 = 3 * width;
    int c4 = 4 * width;
    List<Node> n = new ArrayList<>();
    n.add(new ConvBnRelu("enc1.conv1", INPUT, 1, c1, 1));
    n.add(new ConvBnRelu("enc1.conv2", "enc1.conv1", c1, c1, 1));
    n.add(new MaxPool("pool1", "enc1.conv2"));
    n.add(new ConvBnRelu("enc2.conv1", "pool1", c1, c2, 1));
    n.add(new ConvBnRelu("enc2.conv2", "enc2.conv1", c2, c2, 1));
    n.add(new MaxPool("pool2", "enc2.conv2"));
    n.add(new ConvBnRelu("enc3.conv1", "pool2", c2, c3, 1));
    n.add(new ConvBnRelu("enc3.conv2", "enc3.conv1", c3, c3, 1));
    n.add(new MaxPool("pool3", "enc3.conv2"));
    n.add(new ConvBnRelu("mid.conv1", "pool3", c3, c4, 1));
    n.add(new ConvBnRelu("mid.conv2", "mid.conv1", c4, c4, 2));
    n.add(new Up("up3.up", "mid.conv2", c4, c3));
    n.add(new Add("up3.add", "up3.up", "enc3.conv2"));
    n.add(new ConvBnRelu("up3.conv", "up3.add", c3, c3, 1));
    n.add(new Up("up2.up", "up3.conv", c3, c2));
    n.add(new Add("up2.add", "up2.up", "enc2.conv2"));
    n.add(new ConvBnRelu("up2.conv", "up2.add", c2, c2, 1));
    n.add(new Up("up1.up", "up2.conv", c2, c1));
    n.add(new Add("up1.add", "up1.up", "enc1.conv2"));
    n.add(new ConvBnRelu("up1.conv", "up1.add", c1, c1, 1));
    n.add(new Head("head", "up1.conv", c1, classes));
    return new LocalizerGraph(width, classes, n);
  }

  public int width() {
    return width;
  }

  /** Logits per view pixel. */
  public int classes() {
    return classes;
  }

  public List<Node> nodes() {
    return nodes;
  }

  /** The tensor holding the logits. */
  public String output() {
    return nodes.getLast().name();
  }

  /** Every parameter's shape by name, in node order. */
  public Map<String, long[]> parameterShapes() {
    Map<String, long[]> out = new LinkedHashMap<>();
    for (Node node : nodes) {
      switch (node) {
        case ConvBnRelu c -> {
          out.put(c.name() + ".weight", new long[] {c.out(), c.in(), 3, 3});
          for (String s : BN_SUFFIXES) {
            out.put(c.name() + s, new long[] {c.out()});
          }
        }
        case Up u -> {
          out.put(u.name() + ".weight", new long[] {u.out(), u.in(), 1, 1});
          out.put(u.name() + ".bias", new long[] {u.out()});
        }
        case Head h -> {
          out.put(h.name() + ".weight", new long[] {h.out(), h.in(), 1, 1});
          out.put(h.name() + ".bias", new long[] {h.out()});
        }
        case MaxPool m -> {}
        case Add a -> {}
      }
    }
    return out;
  }

  /** Batch-norm tensor suffixes, in the order gamma, beta, running mean, running variance. */
  static final List<String> BN_SUFFIXES =
      List.of(".gamma", ".beta", ".running_mean", ".running_var");

  /** Whether a parameter is learned by gradient (the running statistics are not). */
  static boolean trainable(String name) {
    return !name.endsWith(".running_mean") && !name.endsWith(".running_var");
  }

  /** Whether weight decay applies (convolution kernels only, as usual). */
  static boolean decays(String name) {
    return name.endsWith(".weight");
  }

  /** Number of values in a shape. */
  static int count(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return Math.toIntExact(n);
  }
}
