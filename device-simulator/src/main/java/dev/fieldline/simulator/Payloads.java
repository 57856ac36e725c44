package dev.fieldline.simulator;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Device payloads in the JSON format of ARCHITECTURE.md: good ones, and one spoiled version per
 * {@link Malformation}. JSON is written by hand: every identifier is the simulator's own.
 */
final class Payloads {
  /** Larger than the edge's default limit of 64 KiB. */
  static final int TOO_LARGE_BYTES = 70 * 1024;

  private Payloads() {}

  static byte[] reading(
      String deviceId, String type, long ts, long seq, Map<String, Double> metrics) {
    StringBuilder json = new StringBuilder(96);
    json.append("{\"deviceId\":\"").append(deviceId).append("\",\"type\":\"").append(type);
    json.append("\",\"ts\":").append(ts).append(",\"seq\":").append(seq).append(",\"metrics\":{");
    boolean first = true;
    for (var metric : metrics.entrySet()) {
      if (!first) {
        json.append(',');
      }
      first = false;
      json.append('"').append(metric.getKey()).append("\":").append(metric.getValue());
    }
    return json.append("}}").toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A payload that the edge rejects for the given reason, at most one metric in it. */
  static byte[] spoiled(
      Malformation kind, String deviceId, String type, long now, long seq, String metric) {
    String json =
        switch (kind) {
          case MALFORMED -> "{\"deviceId\":\"" + deviceId + "\",\"ts\":" + now + ",\"seq\":";
          case MISSING_FIELD ->
              "{\"deviceId\":\""
                  + deviceId
                  + "\",\"ts\":"
                  + now
                  + ",\"metrics\":{\""
                  + metric
                  + "\":1.0}}";
          case WRONG_TYPE -> good(deviceId, type, now, seq, "\"" + metric + "\":\"high\"");
          case NOT_FINITE -> good(deviceId, type, now, seq, "\"" + metric + "\":NaN");
          case TOO_FAR_FUTURE ->
              good(deviceId, type, now + 86_400_000L, seq, "\"" + metric + "\":1.0");
          case TOO_FAR_PAST ->
              good(deviceId, type, now - 30 * 86_400_000L, seq, "\"" + metric + "\":1.0");
          case DEVICE_MISMATCH ->
              good(deviceId + "-spoofed", type, now, seq, "\"" + metric + "\":1.0");
          case TOO_LARGE ->
              "{\"deviceId\":\""
                  + deviceId
                  + "\",\"ts\":"
                  + now
                  + ",\"seq\":"
                  + seq
                  + ",\"metrics\":{\""
                  + metric
                  + "\":1.0},\"padding\":\""
                  + "x".repeat(TOO_LARGE_BYTES)
                  + "\"}";
          case BAD_IDENTIFIER -> good(deviceId, type, now, seq, "\"bad metric!\":1.0");
          case UNKNOWN_SCHEMA -> null;
          case SPARKPLUG_TRUNCATED, SPARKPLUG_WRONG_DATATYPE, SPARKPLUG_SEQUENCE_OUT_OF_RANGE ->
              throw new IllegalArgumentException(kind + " spoils a Sparkplug B payload, not JSON");
        };
    if (json == null) {
      // Avro single-object marker C3 01 and a fingerprint no released schema has.
      return new byte[] {
        (byte) 0xC3, 0x01, 0x5A, 0x5A, 0x5A, 0x5A, 0x5A, 0x5A, 0x5A, 0x5A, 0x02, 0x00
      };
    }
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static String good(String deviceId, String type, long ts, long seq, String metrics) {
    return "{\"deviceId\":\""
        + deviceId
        + "\",\"type\":\""
        + type
        + "\",\"ts\":"
        + ts
        + ",\"seq\":"
        + seq
        + ",\"metrics\":{"
        + metrics
        + "}}";
  }
}
