package dev.fieldline.edge.core;

import java.util.Locale;

/** Why a device message was rejected; each has its own counter and dead-letter reason code. */
public enum RejectReason {
  /** Not JSON (or not Avro single-object), or not an object. */
  MALFORMED,
  /** A required field (deviceId, ts, seq, metrics) is absent or metrics is empty. */
  MISSING_FIELD,
  /** A field has the wrong JSON type, e.g. a string where a number belongs. */
  WRONG_TYPE,
  /** A metric value is NaN or infinite. */
  NOT_FINITE,
  /** The timestamp lies further in the future than allowed. */
  TOO_FAR_FUTURE,
  /** The timestamp lies further in the past than allowed. */
  TOO_FAR_PAST,
  /** The deviceId in the topic differs from the payload's (spoofing). */
  DEVICE_MISMATCH,
  /** The payload is larger than the size limit. */
  TOO_LARGE,
  /** The topic does not match the telemetry topic template. */
  BAD_TOPIC,
  /** An identifier or metric name has characters or a length that is not allowed. */
  BAD_IDENTIFIER,
  /** An Avro payload carries a schema fingerprint no released version has. */
  UNKNOWN_SCHEMA;

  /** The code used in metrics and dead letters, e.g. {@code too-far-future}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
