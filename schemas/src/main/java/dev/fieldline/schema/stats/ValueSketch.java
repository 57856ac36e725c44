package dev.fieldline.schema.stats;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.mapping.CubicallyInterpolatedMapping;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import com.datadoghq.sketch.ddsketch.store.Store;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * A mergeable, size-bounded quantile sketch of a set of values: a DDSketch (Masson, Rim and Lee,
 * VLDB 2019) whose every quantile is within {@value #RELATIVE_ACCURACY} of the true value's
 * magnitude, in at most {@value #MAX_BINS} bins per sign. Merging adds bin counts, so it is exact,
 * associative and commutative: the edges sketch their windows, regions merge the windows of a
 * device type, and the global job merges the regions, and the quantiles are those of every value,
 * whatever the order. Beyond the bins, the lowest ones collapse: the upper tail, which the
 * thresholds use, keeps its accuracy.
 *
 * <p>Values that are not finite are ignored (the edge rejects them before). Mutable, one owner.
 */
public final class ValueSketch {
  public static final double RELATIVE_ACCURACY = 0.01;
  public static final int MAX_BINS = 2048;

  private static final CubicallyInterpolatedMapping MAPPING =
      new CubicallyInterpolatedMapping(RELATIVE_ACCURACY);
  private static final double LARGEST = MAPPING.maxIndexableValue();
  private static final Supplier<Store> STORE = () -> new CollapsingLowestDenseStore(MAX_BINS);

  private final DDSketch sketch;

  private ValueSketch(DDSketch sketch) {
    this.sketch = sketch;
  }

  public static ValueSketch empty() {
    return new ValueSketch(new DDSketch(MAPPING, STORE));
  }

  /**
   * The sketch {@link #toBytes()} wrote.
   *
   * @throws IllegalArgumentException when the bytes are not a sketch of this accuracy
   */
  public static ValueSketch fromBytes(byte[] bytes) {
    ValueSketch sketch = empty();
    sketch.mergeBytes(bytes);
    return sketch;
  }

  /** The bytes of an encoded sketch as an Avro field holds them; null stays null. */
  public static byte[] bytes(java.nio.ByteBuffer field) {
    if (field == null) {
      return null;
    }
    byte[] bytes = new byte[field.remaining()];
    field.duplicate().get(bytes);
    return bytes;
  }

  public void add(double value) {
    if (Double.isFinite(value) && Math.abs(value) <= MAPPING.maxIndexableValue()) {
      sketch.accept(value);
    }
  }

  public void merge(ValueSketch other) {
    sketch.mergeWith(other.sketch);
  }

  /**
   * Merges a sketch in its encoded form.
   *
   * @throws IllegalArgumentException when the bytes are not a sketch of this accuracy
   */
  public void mergeBytes(byte[] bytes) {
    DDSketch other;
    try {
      other = DDSketch.decode(ByteArrayInput.wrap(bytes), STORE);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a quantile sketch: " + e.getMessage(), e);
    }
    if (!MAPPING.equals(other.getIndexMapping())) {
      throw new IllegalArgumentException(
          "quantile sketch of another accuracy: " + other.getIndexMapping());
    }
    sketch.mergeWith(other);
  }

  /** DDSketch's own binary encoding, index mapping included. */
  public byte[] toBytes() {
    GrowingByteArrayOutput out = GrowingByteArrayOutput.withInitialCapacity(64);
    try {
      sketch.encode(out, false);
    } catch (IOException e) {
      throw new IllegalStateException("encoding into memory failed", e);
    }
    return out.trimmedCopy();
  }

  public long count() {
    return Math.round(sketch.getCount());
  }

  public boolean isEmpty() {
    return sketch.isEmpty();
  }

  /**
   * The value at quantile {@code level} in [0, 1], within the relative accuracy.
   *
   * @throws IllegalStateException when the sketch is empty
   */
  public double quantile(double level) {
    if (sketch.isEmpty()) {
      throw new IllegalStateException("no values in the sketch");
    }
    return sketch.getValueAtQuantile(level);
  }
}
