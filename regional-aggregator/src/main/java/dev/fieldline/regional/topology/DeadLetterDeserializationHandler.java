package dev.fieldline.regional.topology;

import dev.fieldline.schema.DeadLetters;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every record that cannot be decoded to {@code <source topic>.dlq}, unchanged, with the
 * reason, source topic, partition and offset in headers, counts it, and lets processing go on. The
 * dead letter is written by the task's own producer, inside its transaction under exactly-once.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {
  /** Config key under which the app passes its {@link RegionalCounters} object. */
  public static final String COUNTERS_CONFIG = "fieldline.regional.counters";

  private static final Logger log = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

  private RegionalCounters counters = new RegionalCounters();

  @Override
  public void configure(Map<String, ?> configs) {
    if (configs.get(COUNTERS_CONFIG) instanceof RegionalCounters given) {
      counters = given;
    }
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    counters.undecodable.increment();
    String error = rootMessage(exception);
    // One line per record would flood the log in a storm of bad input: the first ones only.
    if (counters.undecodable.sum() <= 10) {
      log.warn(
          "undecodable record at {}-{}@{} sent to {}.dlq: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          record.topic(),
          error);
    }
    ProducerRecord<byte[], byte[]> deadLetter =
        new ProducerRecord<>(
            record.topic() + ".dlq",
            null,
            record.timestamp(),
            record.key(),
            record.value(),
            DeadLetters.headers(
                record.headers(),
                DeadLetters.UNDECODABLE,
                error,
                record.topic(),
                record.partition(),
                record.offset()));
    return Response.resume(List.of(deadLetter));
  }

  private static String rootMessage(Throwable exception) {
    String message = exception.getMessage();
    return message == null ? exception.getClass().getSimpleName() : message;
  }
}
