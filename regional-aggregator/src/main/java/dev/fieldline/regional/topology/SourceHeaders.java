package dev.fieldline.regional.topology;

import dev.fieldline.schema.DeadLetters;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Carries a record's original topic, partition and offset through repartition topics.
 *
 * <p>One binary header, {@code fieldline.source}: partition (4 bytes), offset (8 bytes), then the
 * topic in UTF-8 unless it is {@code edge.summaries}, the only topic the roll-up repartitions.
 * Every summary carries it through the repartition topic, where three text headers cost the
 * producer and the consumer measurably (their sizes and parsing per record). Records stamped by
 * earlier versions with the three text headers, still in a repartition topic during an upgrade, are
 * read as well.
 */
final class SourceHeaders {
  static final String SOURCE = "fieldline.source";
  private static final String DEFAULT_TOPIC = dev.fieldline.schema.Topics.EDGE_SUMMARIES.name();

  // The earlier form, read only.
  static final String TOPIC = "fieldline.source.topic";
  static final String PARTITION = "fieldline.source.partition";
  static final String OFFSET = "fieldline.source.offset";

  private SourceHeaders() {}

  static void stamp(Headers headers, String topic, int partition, long offset) {
    strip(headers);
    byte[] name =
        topic.equals(DEFAULT_TOPIC) ? new byte[0] : topic.getBytes(StandardCharsets.UTF_8);
    headers.add(
        SOURCE,
        ByteBuffer.allocate(Integer.BYTES + Long.BYTES + name.length)
            .putInt(partition)
            .putLong(offset)
            .put(name)
            .array());
  }

  static String topic(Headers headers, String fallback) {
    ByteBuffer source = source(headers);
    if (source != null) {
      return source.remaining() > Integer.BYTES + Long.BYTES
          ? StandardCharsets.UTF_8
              .decode(source.position(Integer.BYTES + Long.BYTES).slice())
              .toString()
          : DEFAULT_TOPIC;
    }
    String value = DeadLetters.header(headers, TOPIC);
    return value == null ? fallback : value;
  }

  static int partition(Headers headers) {
    ByteBuffer source = source(headers);
    if (source != null) {
      return source.getInt(0);
    }
    String value = DeadLetters.header(headers, PARTITION);
    return value == null ? -1 : Integer.parseInt(value);
  }

  static long offset(Headers headers) {
    ByteBuffer source = source(headers);
    if (source != null) {
      return source.getLong(Integer.BYTES);
    }
    String value = DeadLetters.header(headers, OFFSET);
    return value == null ? -1 : Long.parseLong(value);
  }

  static void strip(Headers headers) {
    headers.remove(SOURCE).remove(TOPIC).remove(PARTITION).remove(OFFSET);
  }

  /** The binary header, or null when absent or too short to be one. */
  private static ByteBuffer source(Headers headers) {
    Header header = headers.lastHeader(SOURCE);
    if (header == null
        || header.value() == null
        || header.value().length < Integer.BYTES + Long.BYTES) {
      return null;
    }
    return ByteBuffer.wrap(header.value());
  }
}
