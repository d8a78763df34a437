package io.cordwatch.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.phantom.SyntheticStudy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short fixed-seed run of the mutation fuzzer over phantom files: the readers refuse every
 * damaged file with their declared errors and nothing else (the long run is {@code cordwatch
 * fuzz}); and the mutations do the damage they say.
 */
class DicomFuzzerTest {
  @TempDir Path tmp;

  @Test
  void aFixedSeedSmokeRunFindsNothing() throws Exception {
    List<byte[]> seeds = phantomSeeds();
    DicomFuzzer.Report r =
        new DicomFuzzer(seeds, 20261205L, Duration.ofSeconds(30), tmp, tmp.resolve("findings"))
            .run(300, () -> true);
    assertEquals(300, r.inputs());
    assertEquals(List.of(), r.findings(), "findings (inputs saved under " + tmp + ")");
    assertTrue(r.refused() > 0, "the mutants reached the readers' refusals");
    assertTrue(r.accepted() >= seeds.size(), "the unmutated seeds read");
  }

  @Test
  void elementMutationsChangeALengthFieldOrAddAWholeElement() throws Exception {
    byte[] seed = phantomSeeds().getFirst();
    List<Mutator.Element> elements = Mutator.elements(seed);
    assertTrue(elements.size() > 10, "the walk finds the meta group and the data set");
    assertEquals(0x0002, (seed[elements.getFirst().start()] & 0xFF), "starts at group 0002");

    Random random = new Random(7);
    boolean lengthChanged = false;
    boolean grew = false;
    for (int i = 0; i < 200 && !(lengthChanged && grew); i++) {
      Mutator.Mutant<Mutator.Kind> m = new Mutator(random).mutate(seed);
      if (m.kinds().equals(List.of(Mutator.Kind.LENGTH_FIELD))) {
        assertEquals(seed.length, m.bytes().length);
        assertNotEquals(-1, java.util.Arrays.mismatch(seed, m.bytes()));
        lengthChanged = true;
      }
      if (m.kinds().equals(List.of(Mutator.Kind.DUPLICATE_ELEMENT))) {
        assertTrue(m.bytes().length > seed.length);
        grew = true;
      }
    }
    assertTrue(lengthChanged && grew);
  }

  private List<byte[]> phantomSeeds() throws Exception {
    List<byte[]> out = new ArrayList<>();
    for (Path p :
        SyntheticStudy.write(
            tmp.resolve("seeds"), new SyntheticStudy.Spec(2, true, false, 32, 3))) {
      out.add(Files.readAllBytes(p));
    }
    return out;
  }
}
