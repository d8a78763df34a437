package io.cordwatch.web;

/**
 * The model bundle the appliance grades with now, as the status surfaces name it. It is not patient
 * data, so the status page shows it to everyone who may see that page, with a "not for clinical
 * use" banner when the bundle says so and an "unsigned model" banner when no trusted key signed it.
 * It changes when an admin switches bundles, so the surfaces ask for it on every read.
 *
 * @param id the installed version's id in the bundle store
 * @param name the bundle's name
 * @param version the version the results documents give it (the bundle's date and the start of its
 *     manifest digest), so the page, the SR and the PACS name the same model the same way
 * @param clinicalUse the manifest's {@code clinical_use}
 * @param signed whether a trusted key signed it (false: it runs because allow-unsigned-bundles is
 *     on)
 * @param signature one phrase: {@code signed by key 3f2a... (site.pem)} or {@code UNSIGNED ...}
 */
public record ActiveModel(
    String id,
    String name,
    String version,
    boolean clinicalUse,
    boolean signed,
    String signature) {}
