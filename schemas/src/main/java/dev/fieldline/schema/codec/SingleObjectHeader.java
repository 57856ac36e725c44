package dev.fieldline.schema.codec;

/**
 * The 10-byte header of Avro single-object encoding: the marker {@code C3 01} followed by the
 * writer schema's 64-bit Rabin fingerprint, little-endian.
 */
final class SingleObjectHeader {
  static final int LENGTH = 10;
  private static final byte MARKER_0 = (byte) 0xC3;
  private static final byte MARKER_1 = (byte) 0x01;

  private SingleObjectHeader() {}

  /** True when the payload starts with the single-object marker and is long enough to carry it. */
  static boolean matches(byte[] payload) {
    return payload != null
        && payload.length >= LENGTH
        && payload[0] == MARKER_0
        && payload[1] == MARKER_1;
  }

  static long fingerprint(byte[] payload) {
    long fingerprint = 0;
    for (int i = LENGTH - 1; i >= 2; i--) {
      fingerprint = (fingerprint << 8) | (payload[i] & 0xFFL);
    }
    return fingerprint;
  }

  static String hex(long fingerprint) {
    return String.format("0x%016x", fingerprint);
  }
}
