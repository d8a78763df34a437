package io.cordwatch.infer;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * A canal localizer trained on phantoms by {@code cordwatch train-localizer}, committed as a test
 * resource so the appliance's tests can check a trained model's behaviour without the trainer on
 * their class path. How it was made is in {@code src/test/resources/localizer/README.md}.
 */
public final class PhantomLocalizer {
  private PhantomLocalizer() {}

  /** The ONNX file (its spec is in its metadata). */
  public static Path onnx() {
    try {
      return Path.of(
          PhantomLocalizer.class.getResource("/localizer/phantom-localizer.onnx").toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException(
          "test resource localizer/phantom-localizer.onnx is missing", e);
    }
  }

  /** The tiny torch backbone bundle ({@link TorchFixture#bundle}) with this localizer added. */
  public static Bundle bundle(Path out) throws IOException {
    TorchFixture.bundle(out);
    return Bundles.addLocalizer(out, onnx(), OnnxLocalizer.storedSpec(onnx()).orElseThrow())
        .bundle();
  }
}
