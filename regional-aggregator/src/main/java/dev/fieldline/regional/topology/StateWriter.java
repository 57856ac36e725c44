package dev.fieldline.regional.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes state-store values in a compact binary form (big-endian numbers, length-prefixed UTF-8
 * strings, -1 for null). State values are written once per record, so this stays allocation-light
 * and avoids the stream classes.
 */
final class StateWriter {
  private ByteBuffer buffer;

  StateWriter(int initialCapacity) {
    buffer = ByteBuffer.allocate(initialCapacity);
  }

  StateWriter putByte(byte value) {
    ensure(1).put(value);
    return this;
  }

  StateWriter putBoolean(boolean value) {
    return putByte(value ? (byte) 1 : (byte) 0);
  }

  StateWriter putInt(int value) {
    ensure(4).putInt(value);
    return this;
  }

  StateWriter putLong(long value) {
    ensure(8).putLong(value);
    return this;
  }

  StateWriter putDouble(double value) {
    ensure(8).putDouble(value);
    return this;
  }

  StateWriter putString(String value) {
    if (value == null) {
      return putInt(-1);
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    putInt(bytes.length);
    ensure(bytes.length).put(bytes);
    return this;
  }

  /** Length-prefixed bytes, -1 for null. */
  StateWriter putBytes(byte[] value) {
    if (value == null) {
      return putInt(-1);
    }
    putInt(value.length);
    ensure(value.length).put(value);
    return this;
  }

  byte[] toBytes() {
    return Arrays.copyOf(buffer.array(), buffer.position());
  }

  private ByteBuffer ensure(int bytes) {
    if (buffer.remaining() < bytes) {
      ByteBuffer larger =
          ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + bytes));
      buffer.flip();
      larger.put(buffer);
      buffer = larger;
    }
    return buffer;
  }
}
