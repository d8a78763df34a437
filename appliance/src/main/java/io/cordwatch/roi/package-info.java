/**
 * The ROI stage: where the spinal canal is on each slice. A {@link io.cordwatch.roi.BoxSource}
 * answers with a box in pixel coordinates, or with nothing; {@link io.cordwatch.roi.SuppliedBoxes}
 * reads boxes drawn by people (the phantom's or a reader's labels.csv, a folder of LabelImg Pascal
 * VOC XML), {@link io.cordwatch.roi.BoxUpload} parses boxes sent to the API (a JSON list or a
 * labels.csv body) into {@link io.cordwatch.roi.SliceBox}es, and {@link
 * io.cordwatch.roi.BoxSources#firstOf} layers sources (API boxes before the configured file). The
 * bundle's localizer model will be another source behind the same interface.
 *
 * <p>Owns: box files and their parsing, with errors that name the file and line. It may not guess:
 * a slice without a box is reported as "no ROI" by the grader, never cropped somewhere plausible.
 * It reads DICOM only through {@code io.cordwatch.dicom} (to learn which instance a VOC file
 * describes) and never touches pixels, the model or the database.
 */
package io.cordwatch.roi;
