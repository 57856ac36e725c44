package dev.fieldline.support.tracing;

import io.opentelemetry.api.OpenTelemetry;

/**
 * One OpenTelemetry per JVM for code that cannot be handed one: the Flink job's operators run in
 * TaskManagers, built from serialized settings. A process that hosts several services (the demo)
 * installs its own first; otherwise the first caller's settings build it.
 */
public final class SharedTelemetry {
  private static OpenTelemetry instance;

  private SharedTelemetry() {}

  /**
   * Makes {@code openTelemetry} the JVM's (the demo's in-memory trace store, a test's exporter).
   */
  public static synchronized void install(OpenTelemetry openTelemetry) {
    instance = openTelemetry;
  }

  /** Forgets an installed instance (its owner closes it). */
  public static synchronized void uninstall() {
    instance = null;
  }

  /** The installed instance, or one built once from {@code settings}. */
  public static synchronized OpenTelemetry get(String serviceName, TracingSettings settings) {
    if (instance == null) {
      instance = Telemetry.create(serviceName, settings);
    }
    return instance;
  }
}
