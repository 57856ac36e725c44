package dev.fieldline.edge.core;

import java.util.Locale;

/** Why a valid reading was filtered out before rules and summaries; each has its own counter. */
public enum FilterReason {
  /** The same sequence number as the device's last message. */
  DUPLICATE,
  /** A lower sequence number than the device's last message. */
  OUT_OF_ORDER,
  /** Outside the plausible range configured for its device type and metric. */
  OUT_OF_RANGE,
  /** Within the deadband of the last reported value (report by exception). */
  DEADBAND,
  /** Closer to the previous reading than the configured minimum interval. */
  RATE_LIMITED,
  /** Its summary window had already closed. */
  LATE;

  public String code() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
