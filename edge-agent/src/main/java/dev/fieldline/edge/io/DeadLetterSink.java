package dev.fieldline.edge.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where rejected device messages go, off the decision thread: a local MQTT topic (QoS 0) and/or a
 * rotating file, each optional. Its queue is bounded: in a storm of bad input, dead letters beyond
 * it are counted and dropped rather than slowing down the good messages. Logging is sampled for the
 * same reason.
 */
public final class DeadLetterSink implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeadLetterSink.class);
  private static final JsonFactory JSON = new JsonFactory();

  /** A rejected message and the trace it was rejected in (invalid when not traced). */
  private record Letter(
      long at, String topic, String reason, String detail, byte[] payload, SpanContext trace) {}

  private final MqttGateway mqtt;
  private final String mqttTopic;
  private final DeadLetterFile file;
  private final BlockingQueue<Letter> queue = new ArrayBlockingQueue<>(10_000);
  private final Thread thread;
  private volatile boolean running = true;
  public final LongAdder written = new LongAdder();
  public final LongAdder dropped = new LongAdder();
  private long logged;

  /**
   * @param mqtt the connection to publish on, or null
   * @param mqttTopic the dead-letter topic, or empty for none
   * @param file the rotating file, or null
   */
  public DeadLetterSink(MqttGateway mqtt, String mqttTopic, DeadLetterFile file) {
    this.mqtt = mqtt;
    this.mqttTopic = mqttTopic;
    this.file = file;
    this.thread = new Thread(this::run, "dead-letters");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Queues a dead letter (decision thread); never blocks. */
  public void offer(String topic, byte[] payload, String reason, String detail) {
    SpanContext trace = Span.current().getSpanContext();
    if (!queue.offer(
        new Letter(System.currentTimeMillis(), topic, reason, detail, payload, trace))) {
      dropped.increment();
    }
  }

  private void run() {
    while (running || !queue.isEmpty()) {
      try {
        Letter letter = queue.poll(100, TimeUnit.MILLISECONDS);
        if (letter == null) {
          continue;
        }
        if (logged++ % 1_000 == 0) {
          // In the rejected message's trace, so that the line carries its correlation id.
          try (Scope traced = Span.wrap(letter.trace()).makeCurrent()) {
            log.warn(
                "rejected message on {}: {} ({}) [one line per 1,000 dead letters]",
                letter.topic(),
                letter.reason(),
                letter.detail());
          }
        }
        if (file != null) {
          file.write(
              letter.at(), letter.topic(), letter.reason(), letter.detail(), letter.payload());
        }
        if (mqtt != null && !mqttTopic.isEmpty()) {
          mqtt.publish(mqttTopic, json(letter), 0);
        }
        written.increment();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException e) {
        log.warn("cannot write a dead letter: {}", e.getMessage());
      }
    }
  }

  private static byte[] json(Letter letter) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeNumberField("at", letter.at());
      json.writeStringField("topic", letter.topic());
      json.writeStringField("reason", letter.reason());
      json.writeStringField("detail", letter.detail());
      json.writeStringField("payload", Base64.getEncoder().encodeToString(letter.payload()));
      if (letter.trace().isValid()) {
        json.writeStringField("traceId", letter.trace().getTraceId());
      }
      json.writeEndObject();
    }
    return out.toByteArray();
  }

  @Override
  public void close() throws InterruptedException, IOException {
    running = false;
    thread.join(5_000);
    if (file != null) {
      file.close();
    }
  }
}
