package io.cordwatch.phantom.real;

import java.util.ArrayDeque;
import java.util.function.IntPredicate;

/** Region growing on a w x h pixel grid, 4-connected: the one loop the canal finders share. */
final class FloodFill {
  private FloodFill() {}

  /**
   * Grows {@code region} from the pixels already set in it into every 4-neighbour for which {@code
   * accept} holds, until nothing more is reached; {@code region} is changed in place.
   */
  static void grow(boolean[] region, int w, int h, IntPredicate accept) {
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int k = 0; k < region.length; k++) {
      if (region[k]) {
        queue.add(k);
      }
    }
    while (!queue.isEmpty()) {
      int k = queue.poll();
      int x = k % w;
      int y = k / w;
      int[] next = {
        x > 0 ? k - 1 : -1, x < w - 1 ? k + 1 : -1, y > 0 ? k - w : -1, y < h - 1 ? k + w : -1
      };
      for (int q : next) {
        if (q >= 0 && !region[q] && accept.test(q)) {
          region[q] = true;
          queue.add(q);
        }
      }
    }
  }
}
