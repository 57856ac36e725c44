package dev.fieldline.regional.topology;

import dev.fieldline.schema.DeadLetters;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;

/** Carries a record's original topic, partition and offset through repartition topics. */
final class SourceHeaders {
  static final String TOPIC = "fieldline.source.topic";
  static final String PARTITION = "fieldline.source.partition";
  static final String OFFSET = "fieldline.source.offset";

  private SourceHeaders() {}

  static void stamp(Headers headers, String topic, int partition, long offset) {
    headers.remove(TOPIC).remove(PARTITION).remove(OFFSET);
    headers.add(TOPIC, topic.getBytes(StandardCharsets.UTF_8));
    headers.add(PARTITION, Integer.toString(partition).getBytes(StandardCharsets.UTF_8));
    headers.add(OFFSET, Long.toString(offset).getBytes(StandardCharsets.UTF_8));
  }

  static String topic(Headers headers, String fallback) {
    String value = DeadLetters.header(headers, TOPIC);
    return value == null ? fallback : value;
  }

  static int partition(Headers headers) {
    String value = DeadLetters.header(headers, PARTITION);
    return value == null ? -1 : Integer.parseInt(value);
  }

  static long offset(Headers headers) {
    String value = DeadLetters.header(headers, OFFSET);
    return value == null ? -1 : Long.parseLong(value);
  }

  static void strip(Headers headers) {
    headers.remove(TOPIC).remove(PARTITION).remove(OFFSET);
  }
}
