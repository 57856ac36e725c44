package dev.fieldline.edge.io;

import dev.fieldline.edge.core.AcceptedReading;
import dev.fieldline.edge.core.CoreCounters;
import dev.fieldline.edge.core.CoreSettings;
import dev.fieldline.edge.core.CoreSink;
import dev.fieldline.edge.core.DecisionCore;
import dev.fieldline.edge.core.FeatureLookup;
import dev.fieldline.edge.core.RejectReason;
import dev.fieldline.edge.core.TopicTemplate;
import dev.fieldline.edge.core.WindowGap;
import dev.fieldline.edge.sparkplug.SparkplugCommands;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.v1.Command;
import dev.fieldline.schema.v1.DecisionEvent;
import dev.fieldline.schema.v1.EdgeSummary;
import dev.fieldline.support.tracing.TraceParent;
import io.opentelemetry.api.trace.Span;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Recorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decision thread: takes messages from the hand-off queue, runs them through the {@link
 * DecisionCore}, publishes commands at once, queues journal changes and closes windows on time.
 * Each message's MQTT acknowledgement waits in an {@link AckQueue} until the journal holds what the
 * message caused.
 */
public final class DecisionLoop implements CoreSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DecisionLoop.class);
  private static final long TICK_MILLIS = 100;
  private static final int SERVED_PER_PAUSE = 32;

  private final DecisionCore core;
  private final InboundQueue handoff;
  private final MqttGateway mqtt;
  private final JournalWriter journal;
  private final DeadLetterSink deadLetters;
  private final CommandCodec commands;
  private final TopicTemplate commandTopic;
  private final int commandQos;
  private final String gatewayId;
  private final AvroCodec<EdgeSummary> summaries = AvroCodec.of(EdgeSummary.class);
  private final AvroCodec<DecisionEvent> decisions = AvroCodec.of(DecisionEvent.class);
  private final AckQueue acks;
  private final EdgeTracing tracing;
  private EdgeTracing.MessageTrace trace = EdgeTracing.MessageTrace.NONE;

  /** Receipt to command hand-off, in nanoseconds. */
  private final Recorder latency = new Recorder(3);

  private final Thread thread;
  private volatile boolean running = true;
  private volatile int openWindows;

  public DecisionLoop(
      CoreSettings settings,
      FeatureLookup features,
      CoreCounters counters,
      InboundQueue handoff,
      MqttGateway mqtt,
      JournalWriter journal,
      DeadLetterSink deadLetters,
      CommandCodec commands,
      TopicTemplate commandTopic,
      int commandQos,
      List<AcceptedReading> restored,
      List<WindowGap> restoredGaps,
      EdgeTracing tracing) {
    this.core = new DecisionCore(settings, features, this, counters);
    this.handoff = handoff;
    this.mqtt = mqtt;
    this.journal = journal;
    this.deadLetters = deadLetters;
    this.commands = commands;
    this.commandTopic = commandTopic;
    this.commandQos = commandQos;
    this.gatewayId = settings.gatewayId();
    this.tracing = tracing;
    this.acks = new AckQueue(mqtt);
    core.duringClose(this::serveWaiting);
    // A window end closes a window of every device and metric at once; the pass waits for the
    // journal between devices rather than queue tens of thousands of summaries in the heap.
    core.pauseClosingWhile(journal::isBacklogged);
    journal.releaseAfterCommit(acks);
    core.restore(restored, restoredGaps, System.currentTimeMillis());
    if (!restored.isEmpty() || !restoredGaps.isEmpty()) {
      log.info(
          "restored {} readings and {} gap counts of open windows from the journal",
          restored.size(),
          restoredGaps.size());
    }
    this.thread = new Thread(this::run, "decision");
    this.thread.setPriority(Thread.MAX_PRIORITY);
  }

  public void start() {
    thread.start();
  }

  private void run() {
    long nextTick = System.currentTimeMillis() + TICK_MILLIS;
    while (running) {
      try {
        boolean full = journalBlocked();
        Inbound message = full ? null : handoff.poll(2, TimeUnit.MILLISECONDS);
        if (message != null) {
          handle(message);
        } else if (full) {
          Thread.sleep(10);
        }
        long now = System.currentTimeMillis();
        if (now >= nextTick || (core.closePending() && !journal.isBacklogged())) {
          core.closeWindows(now, mqtt.listeningSince(now));
          openWindows = core.openWindows();
          nextTick = now + TICK_MILLIS;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        // A bug must not stop the gateway: log it and go on with the next message.
        log.error("unexpected error on the decision thread", e);
      }
    }
  }

  private boolean journalBlocked() {
    return journal.isFull() || journal.failure() != null;
  }

  private void handle(Inbound message) {
    try (EdgeTracing.MessageTrace traced = tracing.begin(message)) {
      trace = traced;
      core.onMessage(
          message.topic(), message.payload(), message.receivedNanos(), System.currentTimeMillis());
    } finally {
      trace = EdgeTracing.MessageTrace.NONE;
    }
    long needed = journal.lastEnqueued();
    acks.add(message, needed);
    if (journal.committed() >= needed) {
      acks.releaseIfFree(needed);
    }
  }

  /**
   * Serves messages that arrived during a window close pass, a bounded number per call so that the
   * pass ends under any load.
   */
  private void serveWaiting() {
    for (int i = 0; i < SERVED_PER_PAUSE && !journalBlocked(); i++) {
      Inbound message = handoff.poll();
      if (message == null) {
        return;
      }
      handle(message);
    }
  }

  @Override
  public void command(String siteId, String deviceId, Command command) {
    String topic = commandTopic.render(siteId, deviceId);
    Span span = trace.command(topic);
    if (span == null) {
      mqtt.publish(topic, commands.encode(command), commandQos);
      return;
    }
    mqtt.publish(
        topic, commands.encode(command), commandQos, TraceParent.format(span.getSpanContext()));
    span.end();
  }

  @Override
  public void sparkplugCommand(String group, String node, String device, Command command) {
    // QoS 0, as the specification has commands: a rule fires again while its condition holds.
    mqtt.publish(
        SparkplugCommands.commandTopic(group, node, device), SparkplugCommands.command(command), 0);
  }

  @Override
  public void rebirth(String group, String node) {
    mqtt.publish(
        SparkplugCommands.nodeCommandTopic(group, node),
        SparkplugCommands.rebirth(System.currentTimeMillis()),
        0);
  }

  @Override
  public void decision(DecisionEvent decision) {
    latency.recordValue(Math.max(0, decision.getDecisionLatencyNanos()));
    journal.enqueue(
        new JournalOp.Decision(
            gatewayId
                + "|"
                + decision.getDeviceId()
                + "|"
                + decision.getRuleId()
                + "|"
                + decision.getReadingSeq()
                + "|"
                + decision.getAction(),
            Topics.EDGE_DECISIONS.name(),
            decision.getDeviceId(),
            decisions.encode(decision),
            trace.decided(decision.getRuleId())));
  }

  @Override
  public void accepted(AcceptedReading reading) {
    trace.accepted(reading);
    journal.enqueue(new JournalOp.Reading(reading));
  }

  @Override
  public void gap(WindowGap gap) {
    journal.enqueue(new JournalOp.Gap(gap));
  }

  @Override
  public void summary(EdgeSummary summary) {
    long start = summary.getWindowStart().toEpochMilli();
    journal.enqueue(
        new JournalOp.Summary(
            summary.getGatewayId()
                + "|"
                + summary.getDeviceId()
                + "|"
                + summary.getMetric()
                + "|"
                + start,
            Topics.EDGE_SUMMARIES.name(),
            summary.getDeviceId(),
            summaries.encode(summary),
            summary.getDeviceId(),
            summary.getMetric(),
            start,
            tracing.summarized(
                summary.getDeviceId(), summary.getMetric(), start, summary.getStats().getCount())));
  }

  @Override
  public void rejected(String topic, byte[] payload, RejectReason reason, String detail) {
    trace.rejected(reason.code());
    deadLetters.offer(topic, payload, reason.code(), detail);
  }

  /** Decision latencies since the last call (interval histogram), in nanoseconds. */
  public org.HdrHistogram.Histogram latencySnapshot() {
    return latency.getIntervalHistogram();
  }

  /** Receipt to MQTT acknowledgement since the last call (interval histogram), in nanoseconds. */
  public org.HdrHistogram.Histogram ackLatencySnapshot() {
    return acks.latencySnapshot();
  }

  /** Windows open at the last tick (readable from any thread). */
  public int openWindows() {
    return openWindows;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(5_000);
  }
}
