package io.cordwatch.infer;

import io.cordwatch.gpu.tensorrt.GpuBackbone;
import io.cordwatch.gpu.tensorrt.TensorRtRunException;
import java.nio.FloatBuffer;

/**
 * The GPU backbone ({@code io.cordwatch.gpu.tensorrt}, in the native module) behind the engine
 * interface the grader uses. Only exceptions are translated: a CUDA or TensorRT failure is {@link
 * EngineException.Code#RUN_FAILED} (which the {@link FallbackEngine} turns into a fall-back), a
 * buffer that does not fit is {@link EngineException.Code#BAD_INPUT}.
 */
public final class TensorRtBackbone implements BackboneEngine {
  private final GpuBackbone gpu;
  private final InputShape shape;

  public TensorRtBackbone(GpuBackbone gpu) {
    this.gpu = gpu;
    this.shape = new InputShape(gpu.channels(), gpu.inputSize(), gpu.inputSize());
  }

  @Override
  public String name() {
    return gpu.name();
  }

  @Override
  public InputShape inputShape() {
    return shape;
  }

  @Override
  public int embeddingWidth() {
    return gpu.embeddingWidth();
  }

  @Override
  public float[][] embed(FloatBuffer nchw, int batch) {
    try {
      return gpu.embed(nchw, batch);
    } catch (IllegalArgumentException e) {
      throw new EngineException(EngineException.Code.BAD_INPUT, e.getMessage(), e);
    } catch (IllegalStateException e) {
      throw new EngineException(EngineException.Code.CLOSED, e.getMessage(), e);
    } catch (TensorRtRunException e) {
      throw new EngineException(EngineException.Code.RUN_FAILED, e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    gpu.close();
  }
}
