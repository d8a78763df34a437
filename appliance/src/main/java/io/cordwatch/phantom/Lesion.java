package io.cordwatch.phantom;

/**
 * One metastasis as the study plan places it, and the disease it puts on one slice.
 *
 * <p>The epidural component is described by a single number per slice, the severity {@code sigma},
 * whose integer parts are the Bilsky stages of {@link SliceModel}'s compression mechanics: 0-1
 * tumour fills epidural fat, 1-2 it indents the thecal sac, 2-3 it abuts and displaces the cord,
 * 3-4 it compresses the cord while CSF remains, 4-5 CSF is effaced. The planner picks sigma; the
 * grade is still read from the rendered masks, never from sigma.
 */
public final class Lesion {
  private Lesion() {}

  /** Where the epidural tumour comes from and which way it pushes. */
  public enum Direction {
    ANTERIOR,
    ANTEROLATERAL_LEFT,
    ANTEROLATERAL_RIGHT,
    POSTERIOR,
    CIRCUMFERENTIAL
  }

  /**
   * The disease on one slice.
   *
   * @param sigma epidural severity, 0-5; negative when there is no epidural tumour
   * @param direction where the epidural tumour grows from
   * @param bulge radius of curvature of the tumour's front, mm
   * @param bone extent of marrow replacement in the vertebra, 0 (none) to 1
   */
  public record SliceDisease(double sigma, Direction direction, double bulge, double bone) {
    /** No disease on the slice. */
    public static final SliceDisease NONE = new SliceDisease(-1, Direction.ANTERIOR, 8, 0);

    /** Whether an epidural component is drawn. */
    public boolean epidural() {
      return sigma >= 0;
    }

    /** The same slice without its epidural component: the reference the grader compares to. */
    public SliceDisease withoutEpidural() {
      return new SliceDisease(-1, direction, bulge, bone);
    }
  }
}
