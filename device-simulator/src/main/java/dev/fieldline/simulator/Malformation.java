package dev.fieldline.simulator;

import java.util.Arrays;
import java.util.List;

/**
 * Every way the simulator spoils a payload, per payload format, named by the edge's reject reason
 * it should cause. Each spoiled message carries at most one metric, so the edge counts it as
 * exactly one rejected reading.
 */
public enum Malformation {
  MALFORMED("malformed"),
  MISSING_FIELD("missing-field"),
  WRONG_TYPE("wrong-type"),
  NOT_FINITE("not-finite"),
  TOO_FAR_FUTURE("too-far-future"),
  TOO_FAR_PAST("too-far-past"),
  DEVICE_MISMATCH("device-mismatch"),
  TOO_LARGE("too-large"),
  BAD_IDENTIFIER("bad-identifier"),
  UNKNOWN_SCHEMA("unknown-schema"),
  /** A Sparkplug DDATA cut off inside its metric: not a protobuf the host can read. */
  SPARKPLUG_TRUNCATED(PayloadFormat.SPARKPLUG, "malformed"),
  /** A Sparkplug DDATA whose metric carries a string where its birth announced a Double. */
  SPARKPLUG_WRONG_DATATYPE(PayloadFormat.SPARKPLUG, "malformed"),
  /** A Sparkplug DDATA numbered 256 or more: sequence numbers are 0-255. */
  SPARKPLUG_SEQUENCE_OUT_OF_RANGE(PayloadFormat.SPARKPLUG, "malformed");

  private final PayloadFormat format;
  private final String rejectReason;

  Malformation(String rejectReason) {
    this(PayloadFormat.FIELDLINE, rejectReason);
  }

  Malformation(PayloadFormat format, String rejectReason) {
    this.format = format;
    this.rejectReason = rejectReason;
  }

  /** The ways a payload of {@code format} is spoiled, in the order the simulator cycles them. */
  public static List<Malformation> of(PayloadFormat format) {
    return Arrays.stream(values()).filter(kind -> kind.format == format).toList();
  }

  public PayloadFormat format() {
    return format;
  }

  /** The edge agent's reject reason code for this payload. */
  public String rejectReason() {
    return rejectReason;
  }
}
