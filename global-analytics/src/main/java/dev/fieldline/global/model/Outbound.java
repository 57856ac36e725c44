package dev.fieldline.global.model;

/**
 * A record ready for one region's Kafka sink: its topic, key, encoded value and timestamp, plus the
 * headers the job adds (origin region for replicated data; reason and source for dead letters).
 */
public class Outbound {
  public String topic;
  public String key;
  public byte[] value;
  public long timestamp;

  /** Origin-region header; null for none. */
  public String originRegion;

  /** Dead-letter headers; reason is null for ordinary records. */
  public String deadLetterReason;

  public String deadLetterError;
  public String sourceTopic;
  public int sourcePartition;
  public long sourceOffset;

  /** Trace context of the record's path so far; a replication sink continues it. */
  public String traceParent;

  public Outbound() {}

  public static Outbound of(String topic, String key, byte[] value, long timestamp) {
    Outbound out = new Outbound();
    out.topic = topic;
    out.key = key;
    out.value = value;
    out.timestamp = timestamp;
    return out;
  }

  public boolean isDeadLetter() {
    return deadLetterReason != null;
  }
}
