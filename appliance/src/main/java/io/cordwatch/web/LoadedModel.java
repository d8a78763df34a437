package io.cordwatch.web;

/**
 * The model bundle the appliance grades with, as the status surfaces name it: read from the
 * bundle's manifest once at start-up. It is not patient data, so the status page shows it to
 * everyone who may see that page, with the "not for clinical use" banner when the bundle says so.
 *
 * @param name the bundle's name
 * @param version the version the results documents give it (the bundle's date and the start of its
 *     manifest digest), so the page, the SR and the PACS name the same model the same way
 * @param clinicalUse the manifest's {@code clinical_use}
 */
public record LoadedModel(String name, String version, boolean clinicalUse) {}
