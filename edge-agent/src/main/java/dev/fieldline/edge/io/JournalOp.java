package dev.fieldline.edge.io;

import dev.fieldline.edge.core.AcceptedReading;

/** One change to the journal, queued by the decision thread and written by the journal writer. */
public sealed interface JournalOp {
  /** An accepted reading joins its open window. */
  record Reading(AcceptedReading reading) implements JournalOp {}

  /** A closed window's summary enters the outbox and its readings leave. */
  record Summary(
      String naturalKey,
      String topic,
      String key,
      byte[] payload,
      String deviceId,
      String metric,
      long windowStart)
      implements JournalOp {}

  /** A decision event enters the outbox. */
  record Decision(String naturalKey, String topic, String key, byte[] payload)
      implements JournalOp {}
}
