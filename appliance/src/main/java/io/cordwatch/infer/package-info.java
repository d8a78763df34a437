/**
 * The inference stage: the model bundle, the preprocessing that turns slices into input tensors,
 * backbone engines that turn tensors into embeddings, and the runners of the bundle's canal
 * localizer and canal segmenter ({@link io.cordwatch.infer.OnnxLocalizer}, {@link
 * io.cordwatch.infer.OnnxSegmenter}: one view network, {@code OnnxViewNet}, whose views and outputs
 * {@code roi} owns).
 *
 * <p>Owns: the bundle format and its checks ({@link io.cordwatch.infer.Bundles}, documented in
 * docs/model-bundle.md: bundle.json's keys in the records of {@code BundleManifest}, read by {@code
 * BundleManifestReader}, checked into a {@link io.cordwatch.infer.Bundle} by {@code BundleChecks},
 * written by {@code BundleWriter}, a .zip unpacked by {@code BundleZip}), bundle signatures ({@link
 * io.cordwatch.infer.BundleSignature}: Ed25519 over bundle.json's bytes, keys as PEM by {@link
 * io.cordwatch.infer.BundleKeys}, what may run decided by {@link io.cordwatch.infer.BundleTrust}),
 * the installed versions' folders under the data directory ({@link io.cordwatch.infer.BundleStore};
 * which one is active is the index's, not this package's), the reference preprocessing ({@link
 * io.cordwatch.infer.Preprocessing}), the INT8 calibration slices a bundle may carry ({@link
 * io.cordwatch.infer.CalibrationSlices}, sampled from graded studies by {@link
 * io.cordwatch.infer.CalibrationCapture} watching the engine through {@link
 * io.cordwatch.infer.ObservedEngine}), the {@link io.cordwatch.infer.BackboneEngine} interface and
 * the CPU engine on ONNX Runtime (and the localizer's and segmenter's sessions), whose native
 * library is loaded only by {@link io.cordwatch.infer.OrtRuntime}; the adapter of the GPU backbone
 * ({@link io.cordwatch.infer.TensorRtBackbone}); the optional {@link
 * io.cordwatch.infer.SeriesEngine} capability (grade a whole series in one fused pass) and {@link
 * io.cordwatch.infer.FusedEngine}, which offers it with our kernels around TensorRT on the GPU, or
 * around any host-memory engine on the kernels' host build; the {@link
 * io.cordwatch.infer.FallbackEngine} that grades on the GPU and falls back to the CPU on a fault,
 * redoing a faulted batch or series there; and the way from device profile to that engine ({@link
 * io.cordwatch.infer.EngineSelection}: kernels, TensorRT, probe, precision, with the reason
 * logged), the only caller of {@code gpu.tensorrt} set-up.
 *
 * <p>May not touch: DICOM parsing ({@code io.cordwatch.dicom}, {@code com.pixelmed}) or the network
 * (it receives decoded stored values and boxes), the database ({@code io.cordwatch.store}, {@code
 * java.sql}), or grading decisions (distances, probabilities and verdicts belong to {@code
 * io.cordwatch.grade}; the fused pass computes probabilities on the device, but what they mean —
 * class names, OOD threshold, verdict — stays with {@code grade}). Nothing from ONNX Runtime leaks
 * out of this package's API: callers see embeddings as float arrays and failures as {@link
 * io.cordwatch.infer.BundleException} or {@link io.cordwatch.infer.EngineException}.
 */
package io.cordwatch.infer;
