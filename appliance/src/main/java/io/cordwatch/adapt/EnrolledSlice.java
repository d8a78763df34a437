package io.cordwatch.adapt;

/**
 * One graded slice of the site's data with its embedding.
 *
 * @param study Study Instance UID (cross-validation folds are made of whole studies)
 * @param sopInstanceUid the instance
 * @param frame 1-based frame
 * @param label the reference grade as a class index of the bundle
 * @param embedding the backbone's embedding of the slice as the appliance preprocesses it
 */
public record EnrolledSlice(
    String study, String sopInstanceUid, int frame, int label, float[] embedding) {}
