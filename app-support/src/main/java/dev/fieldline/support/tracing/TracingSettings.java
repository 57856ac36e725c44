package dev.fieldline.support.tracing;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Tracing of one service, as its config gives it ({@code tracing.*}). Off by default: then no span
 * is made and nothing is parsed on the hot path. Serializable, for the Flink job's operators.
 */
public class TracingSettings implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Make spans and propagate W3C trace context at all. */
  public boolean enabled = false;

  /**
   * Share of new traces kept (0..1). A trace that arrives with a sampled parent (a device's {@code
   * traceparent}, a Kafka header) is kept whatever the share: the decision is the trace's.
   */
  public double sampleRatio = 0.01;

  /** OTLP/HTTP endpoint of a collector, e.g. http://otel-collector:4318; empty: no export. */
  public String otlpEndpoint = "";

  /** How many other traces one summary or aggregate links to (the first one is its parent). */
  public int maxLinks = 16;

  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (!(sampleRatio >= 0 && sampleRatio <= 1)) {
      problems.add("tracing.sample-ratio: a share between 0 and 1 (got " + sampleRatio + ")");
    }
    if (!otlpEndpoint.isBlank() && !otlpEndpoint.matches("https?://.+")) {
      problems.add("tracing.otlp-endpoint: http://host:port or https://host:port");
    }
    if (maxLinks < 0 || maxLinks > 1_000) {
      problems.add("tracing.max-links: 0..1000 (got " + maxLinks + ")");
    }
    return problems;
  }
}
