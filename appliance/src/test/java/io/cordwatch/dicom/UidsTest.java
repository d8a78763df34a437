package io.cordwatch.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UidsTest {
  @Test
  void aNamedUidIsTheVersion3UuidOfTheNameUnderTheUuidRoot() {
    // From Python: md5(name), version 3 and RFC 4122 variant bits set, as a decimal after "2.25.";
    // it is the Study Instance UID the phantom writes for seed 5, study 1.
    assertEquals(
        "2.25.225052162103203606226246285263220043107", Uids.named("cordwatch-phantom/5/0/study"));
  }

  @Test
  void randomUidsAreValidAndFresh() {
    String a = Uids.random();
    assertTrue(a.startsWith("2.25.") && Uids.isValid(a), a);
    assertNotEquals(a, Uids.random());
  }
}
