package dev.fieldline.simulator;

/**
 * Every way the simulator spoils a payload, named by the edge's reject reason it should cause. Each
 * spoiled message carries at most one metric, so the edge counts it as exactly one rejected
 * reading.
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
  UNKNOWN_SCHEMA("unknown-schema");

  private final String rejectReason;

  Malformation(String rejectReason) {
    this.rejectReason = rejectReason;
  }

  /** The edge agent's reject reason code for this payload. */
  public String rejectReason() {
    return rejectReason;
  }
}
