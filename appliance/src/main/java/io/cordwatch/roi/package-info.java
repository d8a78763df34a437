/**
 * The ROI stage: where the spinal canal is on each slice. A {@link io.cordwatch.roi.BoxSource}
 * answers with a box in pixel coordinates and where it came from, or with the reason there is none.
 * {@link io.cordwatch.roi.SuppliedBoxes} reads boxes drawn by people (the phantom's or a reader's
 * labels.csv, a folder of LabelImg Pascal VOC XML; the file-format basics in {@link
 * io.cordwatch.roi.LabelFiles}, shared with the trainer's grade labels); {@link
 * io.cordwatch.roi.BoxUpload} parses boxes sent to the API (a JSON list or a labels.csv body) into
 * {@link io.cordwatch.roi.SliceBox}es; {@link io.cordwatch.roi.LocalizerBoxes} runs the bundle's
 * localizer model on the decoded slice, through {@link io.cordwatch.roi.CanalLocator} (views, box
 * reading; shared with the trainer; the slice's pixel spacing, when the grader knows it, holds its
 * boxes to a canal's size in millimetres). {@link io.cordwatch.roi.BoxSources#firstOf} layers
 * sources slice by slice, and {@link io.cordwatch.roi.ConfiguredBoxes} puts them together as
 * configured: the {@code boxes} file first, then the localizer (the appliance puts boxes supplied
 * through the API before both), and opens the bundle's canal segmenter beside them: {@link
 * io.cordwatch.roi.CanalTissue} cuts a view around a slice's box and measures the tumour the
 * segmenter sees inside it, the number the grader's veto on a high call reads (shared with the
 * trainer).
 *
 * <p>Owns: box files and their parsing, with errors that name the file and line; the localizer's
 * views and the reading of a box from its output; the segmenter's view and its measurement. It may
 * not guess: a slice without a box is reported as "no ROI" by the grader, never cropped somewhere
 * plausible.
 *
 * <p>May not touch: the DICOM library ({@code com.pixelmed}: it reads DICOM only through {@code
 * dicom}, to learn which instance a VOC file describes), ONNX Runtime ({@code ai.onnxruntime}: it
 * runs models only through {@code infer}), or the database ({@code io.cordwatch.store}, {@code
 * java.sql}).
 */
package io.cordwatch.roi;
