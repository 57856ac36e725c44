package dev.fieldline.schema.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ValueSketchTest {
  private static final double[] LEVELS = {0.001, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999};

  @Test
  void quantilesOfPartsMergedInAnyOrderAreThoseOfTheWholeWithinTheAccuracy() {
    Random random = new Random(42);
    for (int trial = 0; trial < 20; trial++) {
      int n = 1 + random.nextInt(20_000);
      double[] values = new double[n];
      for (int i = 0; i < n; i++) {
        // Mixed signs and scales: a daily cycle around an offset, with noise and rare outliers.
        values[i] =
            (trial % 3 == 0 ? -40 : 60)
                + 10 * Math.sin(i / 500.0)
                + random.nextGaussian() * (random.nextInt(100) == 0 ? 30 : 1);
      }
      List<byte[]> parts = new ArrayList<>();
      int from = 0;
      while (from < n) {
        int to = Math.min(n, from + 1 + random.nextInt(200));
        ValueSketch part = ValueSketch.empty();
        for (int i = from; i < to; i++) {
          part.add(values[i]);
        }
        parts.add(part.toBytes());
        from = to;
      }
      ValueSketch forward = mergeInRandomTree(new ArrayList<>(parts), random);
      java.util.Collections.reverse(parts);
      ValueSketch backward = mergeInRandomTree(parts, random);

      double[] sorted = values.clone();
      Arrays.sort(sorted);
      assertThat(forward.count()).isEqualTo(n);
      for (double level : LEVELS) {
        double exact = sorted[(int) Math.floor(level * (n - 1))];
        double next = sorted[(int) Math.ceil(level * (n - 1))];
        double estimate = forward.quantile(level);
        double tolerance =
            ValueSketch.RELATIVE_ACCURACY * Math.max(Math.abs(exact), Math.abs(next));
        assertThat(estimate)
            .as("q%s of %d values", level, n)
            .isBetween(
                Math.min(exact, next) - tolerance - 1e-9, Math.max(exact, next) + tolerance + 1e-9);
        assertThat(backward.quantile(level)).isEqualTo(estimate);
      }
    }
  }

  @Test
  void staysWithinItsBinsWhateverTheRangeAndKeepsTheUpperTail() {
    ValueSketch sketch = ValueSketch.empty();
    for (int exponent = -300; exponent <= 300; exponent++) {
      sketch.add(Math.pow(10, exponent));
    }
    sketch.add(Double.NaN);
    sketch.add(Double.POSITIVE_INFINITY);
    assertThat(sketch.count()).isEqualTo(601);
    // 2048 bins of 2 % each span about 18 decades; the lowest collapse into one.
    assertThat(sketch.toBytes().length).isLessThan(2 * ValueSketch.MAX_BINS + 64);
    assertThat(sketch.quantile(1.0))
        .isCloseTo(1e300, org.assertj.core.data.Percentage.withPercentage(1));
  }

  @Test
  void refusesBytesThatAreNotASketchOfItsAccuracy() {
    assertThatThrownBy(() -> ValueSketch.fromBytes(new byte[] {1, 2, 3}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a quantile sketch");
    com.datadoghq.sketch.ddsketch.DDSketch coarse =
        com.datadoghq.sketch.ddsketch.DDSketches.logarithmicUnboundedDense(0.05);
    coarse.accept(3.0);
    var out =
        com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput.withDefaultInitialCapacity();
    try {
      coarse.encode(out, false);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    assertThatThrownBy(() -> ValueSketch.fromBytes(out.trimmedCopy()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("another accuracy");
    assertThatThrownBy(() -> ValueSketch.empty().quantile(0.5))
        .isInstanceOf(IllegalStateException.class);
  }

  private static ValueSketch mergeInRandomTree(List<byte[]> parts, Random random) {
    List<ValueSketch> level = new ArrayList<>();
    for (byte[] part : parts) {
      level.add(ValueSketch.fromBytes(part));
    }
    while (level.size() > 1) {
      int i = random.nextInt(level.size() - 1);
      ValueSketch merged = ValueSketch.fromBytes(level.get(i).toBytes());
      merged.mergeBytes(level.remove(i + 1).toBytes());
      level.set(i, merged);
    }
    return level.get(0);
  }
}
