package dev.fieldline.global.model;

/**
 * One record read from a region's {@code regional.export}: either its decoded aggregate, or, when
 * it could not be used, the original bytes with the reason, bound for the dead-letter topic.
 */
public class InboundRecord {
  public String sourceRegion;
  public String topic;
  public int partition;
  public long offset;
  public long timestamp;
  public String key;

  /** The decoded record; null when the record is a dead letter. */
  public ExportedAggregate aggregate;

  /** The value to replicate, or the original bytes of a dead letter. */
  public byte[] value;

  /** Why the record could not be used (a DeadLetters reason code); null when decoded. */
  public String reason;

  /** What exactly was wrong, for the operator reading the dead letter. */
  public String error;

  /** The record's W3C {@code traceparent} header; null when it had none or tracing is off. */
  public String traceParent;

  public InboundRecord() {}

  public boolean isDeadLetter() {
    return aggregate == null;
  }
}
