package dev.fieldline.regional.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Reads what {@link StateWriter} wrote. */
final class StateReader {
  private final ByteBuffer buffer;

  StateReader(byte[] bytes) {
    buffer = ByteBuffer.wrap(bytes);
  }

  byte getByte() {
    return buffer.get();
  }

  boolean getBoolean() {
    return buffer.get() != 0;
  }

  int getInt() {
    return buffer.getInt();
  }

  long getLong() {
    return buffer.getLong();
  }

  double getDouble() {
    return buffer.getDouble();
  }

  byte[] getBytes() {
    int length = buffer.getInt();
    if (length < 0) {
      return null;
    }
    byte[] bytes = new byte[length];
    buffer.get(bytes);
    return bytes;
  }

  String getString() {
    int length = buffer.getInt();
    if (length < 0) {
      return null;
    }
    String value =
        new String(
            buffer.array(),
            buffer.arrayOffset() + buffer.position(),
            length,
            StandardCharsets.UTF_8);
    buffer.position(buffer.position() + length);
    return value;
  }
}
