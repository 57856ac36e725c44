package dev.fieldline.edge.io;

import dev.fieldline.edge.core.AcceptedReading;
import dev.fieldline.edge.core.WindowGap;

/** One change to the journal, queued by the decision thread and written by the journal writer. */
public sealed interface JournalOp {
  /** Bytes this change adds to the outbox (0 for readings, which are not in the outbox). */
  default long outboxBytes() {
    return 0;
  }

  /** An accepted reading joins its open window. */
  record Reading(AcceptedReading reading) implements JournalOp {}

  /** Missing readings or a device restart counted into an open window. */
  record Gap(WindowGap gap) implements JournalOp {}

  /**
   * A closed window's summary enters the outbox and its readings leave; {@code traceContext} (or
   * null, see {@link TraceContextColumn}) goes to Kafka as its trace headers.
   */
  record Summary(
      String naturalKey,
      String topic,
      String key,
      byte[] payload,
      String deviceId,
      String metric,
      long windowStart,
      String traceContext)
      implements JournalOp {
    @Override
    public long outboxBytes() {
      return payload.length + Journal.ROW_OVERHEAD;
    }
  }

  /** A decision event enters the outbox. */
  record Decision(String naturalKey, String topic, String key, byte[] payload, String traceContext)
      implements JournalOp {
    @Override
    public long outboxBytes() {
      return payload.length + Journal.ROW_OVERHEAD;
    }
  }
}
