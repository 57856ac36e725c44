package dev.fieldline.global.model;

import dev.fieldline.schema.stats.ValueSketch;
import java.nio.ByteBuffer;

/**
 * Quantile sketches as the job's POJOs carry them: encoded bytes (Flink copies and checkpoints byte
 * arrays cheaply), merged through {@link ValueSketch}.
 */
public final class SketchBytes {
  private SketchBytes() {}

  /** The bytes of an Avro field; null stays null. */
  public static byte[] of(ByteBuffer buffer) {
    return ValueSketch.bytes(buffer);
  }

  /** Both merged; either alone when the other is null. */
  public static byte[] merge(byte[] a, byte[] b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    ValueSketch merged = ValueSketch.fromBytes(a);
    merged.mergeBytes(b);
    return merged.toBytes();
  }
}
