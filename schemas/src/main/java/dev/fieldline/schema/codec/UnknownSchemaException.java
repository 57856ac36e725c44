package dev.fieldline.schema.codec;

/**
 * A single-object encoded payload carries a schema fingerprint that no released schema version has:
 * it was written by a newer or foreign writer, or it is not Fieldline data at all.
 */
public final class UnknownSchemaException extends CodecException {
  private static final long serialVersionUID = 1L;

  private final long fingerprint;
  private final String source;

  public UnknownSchemaException(long fingerprint, String source) {
    super(
        "unknown schema fingerprint "
            + SingleObjectHeader.hex(fingerprint)
            + " in a record from "
            + source
            + ": no released schema version has it (written by a newer or foreign producer?)");
    this.fingerprint = fingerprint;
    this.source = source;
  }

  public long fingerprint() {
    return fingerprint;
  }

  /** Where the record came from, usually a Kafka topic or an MQTT topic. */
  public String source() {
    return source;
  }
}
