package dev.fieldline.schema;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The headers of a dead letter, in every tier. The record keeps its original key and value bytes;
 * these headers say why it could not be used and where it came from.
 */
public final class DeadLetters {
  public static final String REASON = "fieldline.dlq.reason";
  public static final String ERROR = "fieldline.dlq.error";
  public static final String SOURCE_TOPIC = "fieldline.dlq.source.topic";
  public static final String SOURCE_PARTITION = "fieldline.dlq.source.partition";
  public static final String SOURCE_OFFSET = "fieldline.dlq.source.offset";

  /** Reason codes, one per way a record can be unusable. */
  public static final String UNDECODABLE = "undecodable";

  /**
   * Decoded, but its content breaks the record's rules (e.g. a window that ends before it starts).
   */
  public static final String INVALID = "invalid";

  public static final String LATE = "late";

  public static final String FUTURE = "future";

  private DeadLetters() {}

  public static Headers headers(
      Headers original, String reason, String error, String topic, int partition, long offset) {
    RecordHeaders headers = new RecordHeaders(original == null ? null : original.toArray());
    headers
        .remove(REASON)
        .remove(ERROR)
        .remove(SOURCE_TOPIC)
        .remove(SOURCE_PARTITION)
        .remove(SOURCE_OFFSET);
    headers.add(REASON, bytes(reason));
    headers.add(ERROR, bytes(error == null ? "" : error));
    headers.add(SOURCE_TOPIC, bytes(topic));
    headers.add(SOURCE_PARTITION, bytes(Integer.toString(partition)));
    headers.add(SOURCE_OFFSET, bytes(Long.toString(offset)));
    return headers;
  }

  /** The value of a header as text, or null. */
  public static String header(Headers headers, String name) {
    var header = headers.lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
