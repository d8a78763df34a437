/**
 * The backbone as the trainer sees it: a ResNet described once as data ({@link
 * io.cordwatch.trainer.model.LayerSpec}), its parameters ({@link
 * io.cordwatch.trainer.model.Weights}), a plain-Java forward pass that is the reference every other
 * realisation is checked against ({@link io.cordwatch.trainer.model.ReferenceForward}), and the
 * export of spec plus weights as the ONNX graph a model bundle carries ({@link
 * io.cordwatch.trainer.model.OnnxWriter}), and the same network as Deep Java Library blocks on
 * PyTorch for training ({@link io.cordwatch.trainer.model.DjlResNet}), all sharing one parameter
 * set by torchvision name.
 *
 * <p>Owns: layer structure and parameter naming (torchvision's, so pretrained weights map by name),
 * weight initialisation, batch-norm folding for inference, ONNX encoding (float32, or float16
 * weights cast to float32 in the graph; the ONNX messages themselves are built by {@link
 * io.cordwatch.trainer.model.OnnxProto}, shared with the localizer's writer), and the joining of
 * several backbone graphs into one ensemble graph ({@link
 * io.cordwatch.trainer.model.OnnxEnsemble}).
 *
 * <p>May not touch: the bundle manifest, preprocessing or the prototype head (the appliance's
 * {@code io.cordwatch.infer} and {@code io.cordwatch.grade} own them; the trainer reuses them), the
 * data or the training loop ({@code io.cordwatch.trainer.dataset}, {@code
 * io.cordwatch.trainer.train}), and nothing here may be needed by the appliance at run time: the
 * appliance sees only the ONNX file this package writes.
 */
package io.cordwatch.trainer.model;
