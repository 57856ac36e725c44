package dev.fieldline.global.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Counts sends that Kafka did not acknowledge, so a benchmark never waits for records never
 * written.
 */
final class SendFailures implements Callback {
  private final AtomicLong failed = new AtomicLong();
  private final AtomicReference<Exception> last = new AtomicReference<>();

  @Override
  public void onCompletion(RecordMetadata metadata, Exception error) {
    if (error != null) {
      failed.incrementAndGet();
      last.set(error);
    }
  }

  /** Throws when any send failed; call after the producer was flushed or closed. */
  void check(String what) {
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " " + what + " were not written", last.get());
    }
  }
}
