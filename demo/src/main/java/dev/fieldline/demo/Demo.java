package dev.fieldline.demo;

import dev.fieldline.global.config.GlobalConfig;
import dev.fieldline.global.config.Region;
import dev.fieldline.global.job.GlobalJob;
import dev.fieldline.infra.FreePorts;
import dev.fieldline.support.config.Durations;
import dev.fieldline.support.tracing.SharedTelemetry;
import dev.fieldline.support.tracing.Telemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline in this JVM: per region an MQTT broker, a Kafka cluster, an edge agent, a
 * regional aggregator and a device fleet; the global job on an in-process Flink cluster across all
 * regions. Runs the fleets for the configured time, waits for every tier to catch up, and
 * reconciles.
 */
final class Demo implements AutoCloseable {
  /** The longest drain, however much the tiers still move: a demo must end. */
  private static final Duration DRAIN_LIMIT = Duration.ofMinutes(10);

  /** How long the devices wait for every tier to run. */
  private static final Duration READY_LIMIT = Duration.ofSeconds(60);

  private static final Logger log = LoggerFactory.getLogger(Demo.class);
  static final String GLOBAL_JOB_NAME = "fieldline-demo-global";

  private final DemoSettings settings;
  private final Console console;
  private final Map<String, RegionStack> stacks = new LinkedHashMap<>();
  private final Map<String, PipelineWatch> watches = new ConcurrentHashMap<>();
  private final ReplicationLag lag = new ReplicationLag(watches);
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private JobClient globalJob;
  private int flinkRestPort;
  private Path work;
  private ZeroTrust zeroTrust;
  private final List<SpanProcessor> extraSpanProcessors;
  private TraceStore traces;
  private OpenTelemetrySdk telemetry;
  private volatile boolean stopRequested;
  private Integer webPort;
  private WebConsole web;

  Demo(DemoSettings settings, Console console) {
    this(settings, console, List.of());
  }

  /** A demo whose spans also go to {@code extraSpanProcessors} (a test's in-memory exporter). */
  Demo(DemoSettings settings, Console console, List<SpanProcessor> extraSpanProcessors) {
    this.settings = settings;
    this.console = console;
    this.extraSpanProcessors = extraSpanProcessors;
  }

  /** Serves the web console on {@code port} (0: a free one) while the demo runs. */
  Demo withWebConsole(int port) {
    this.webPort = port;
    return this;
  }

  /** The run's working folder (each region's files under its name), once {@link #run} began. */
  Path work() {
    return work;
  }

  /** The web console, once {@link #run} started it; null without one. */
  WebConsole web() {
    return web;
  }

  /** Runs the demo; true when every reconciliation row balances. */
  boolean run(PrintStream out) throws Exception {
    long started = System.nanoTime();
    work = Files.createTempDirectory("fieldline-demo-");
    Path rules = work.resolve("rules.yaml");
    try (InputStream in = Demo.class.getResourceAsStream("/demo-rules.yaml")) {
      Files.copy(in, rules);
    }
    out.printf(
        "starting %d regions %s, the global job and %d devices per region ...%n",
        settings.regions().size(), settings.regions(), settings.devicesPerRegion());
    if (settings.secure()) {
      zeroTrust = ZeroTrust.create(work.resolve("pki"));
      out.printf(
          "zero trust: certificate authority and one certificate per identity in %s%n",
          zeroTrust.directory());
    }
    if (settings.traceRatio() > 0) {
      startTracing();
      toClose.add(
          zeroTrust == null
              ? TraceServer.start(traces, null, null)
              : TraceServer.start(traces, zeroTrust.console(), zeroTrust.admin()));
    }
    toClose.add(this::closeRegions);
    for (String region : settings.regions()) {
      stacks.put(region, RegionStack.start(region, settings, work, rules, zeroTrust, telemetry));
    }
    for (RegionStack stack : stacks.values()) {
      PipelineWatch watch = new PipelineWatch(stack.region, stack.kafka, lag);
      watches.put(stack.region, watch);
      toClose.add(watch);
    }
    globalJob = startGlobalJob(work);
    if (webPort != null) {
      web =
          WebConsole.start(
              webPort,
              console::latest,
              traces,
              () -> traces.readingReaching(settings.regions().size()));
      toClose.add(web);
      out.printf("web console: %s%n", web.uri());
      console.webUri(web.uri());
    }
    awaitPipelineUp(out);
    for (RegionStack stack : stacks.values()) {
      stack.simulator.start();
    }
    out.printf("pipeline up in %.1f s; devices publishing%n", (System.nanoTime() - started) / 1e9);

    long publishStart = System.nanoTime();
    Duration total = settings.duration().plus(settings.drainTimeout());
    while (!stopRequested && elapsed(publishStart).compareTo(settings.duration()) < 0) {
      console.frame("running", elapsed(publishStart), settings.duration(), stacks, watches, lag);
      Thread.sleep(1_000);
    }
    for (RegionStack stack : stacks.values()) {
      stack.simulator.stop();
    }
    // Devices are quiet: let windows close and every tier catch up, for as long as they do, then
    // reconcile.
    Drain drain = new Drain(settings.drainTimeout(), DRAIN_LIMIT, System.nanoTime());
    Reconciliation result = Reconciliation.of(stacks, watches);
    drain.observe(result, System.nanoTime());
    while (drain.goesOn(result, System.nanoTime())) {
      console.frame("draining", elapsed(publishStart), total, stacks, watches, lag);
      out.print("\nstill catching up:\n" + drain.backlog(result, System.nanoTime()));
      out.flush();
      Thread.sleep(1_000);
      result = Reconciliation.of(stacks, watches);
      drain.observe(result, System.nanoTime());
    }
    List<Reconciliation.Row> behind = drain.behind(result, System.nanoTime());
    console.frame("done", elapsed(publishStart), total, stacks, watches, lag);
    console.reconciled(result, behind);
    long firstDecision =
        watches.values().stream()
            .mapToLong(w -> w.firstDecisionAt)
            .filter(t -> t > 0)
            .min()
            .orElse(0);
    if (firstDecision > 0) {
      out.printf(
          "%nfirst local decision visible in Kafka %.1f s after start-up began%n",
          (firstDecision - started) / 1e9);
    }
    result.print(out, behind);
    for (RegionStack stack : stacks.values()) {
      quality(stack.region).print(out, stack.region, "with the global features");
      withheld(stack.region).print(out, stack.region, "features withheld (shadow rules)");
      DetectionQuality.printLoop(out, stack.region, quality(stack.region), withheld(stack.region));
    }
    if (traces != null) {
      printOneReadingsPath(out);
    }
    return result.balances();
  }

  /**
   * Devices start once every tier runs, not as soon as the global job is submitted; a tier still
   * not up after {@link #READY_LIMIT} is named, and the demo goes on (its reconciliation shows what
   * that tier missed).
   */
  private void awaitPipelineUp(PrintStream out) throws InterruptedException {
    PipelineReadiness readiness =
        new PipelineReadiness(
            stacks.values(),
            flinkRestPort,
            globalJob.getJobID(),
            zeroTrust == null ? null : zeroTrust.admin().sslContext());
    List<String> notUp = readiness.await(READY_LIMIT);
    if (!notUp.isEmpty()) {
      out.printf(
          "not up after %d s, starting the devices anyway: %s%n",
          READY_LIMIT.toSeconds(), String.join(", ", notUp));
    }
  }

  private JobClient startGlobalJob(Path work) throws Exception {
    Map<String, String> regions = new LinkedHashMap<>();
    stacks.values().forEach(stack -> regions.put(stack.region, stack.kafka.bootstrapServers()));
    GlobalConfig config =
        globalConfig(
            GLOBAL_JOB_NAME,
            regions,
            settings.checkpointInterval(),
            settings.regionalWindow(),
            Duration.ofSeconds(5),
            work);
    if (zeroTrust != null) {
      config.regions.forEach(zeroTrust::secure);
    }
    if (telemetry != null) {
      config.tracing.enabled = true;
      config.tracing.sampleRatio = settings.traceRatio();
    }
    Configuration flink = GlobalJob.configuration(config);
    // Flink's REST API can cancel the job: loopback only, and under --secure mutual TLS that
    // lets only the admin in.
    flinkRestPort = FreePorts.pick();
    flink.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    flink.set(RestOptions.ADDRESS, "127.0.0.1");
    flink.set(RestOptions.BIND_PORT, Integer.toString(flinkRestPort));
    // Its RPC, blob server and data exchange too: nothing of the demo listens beyond loopback.
    flink.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
    flink.set(JobManagerOptions.ADDRESS, "127.0.0.1");
    flink.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
    flink.set(TaskManagerOptions.HOST, "127.0.0.1");
    if (zeroTrust != null) {
      zeroTrust.secureFlinkRest(flink);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
    GlobalJob.build(env, config);
    JobClient job = env.executeAsync(config.jobName);
    log.info("global job {} submitted", job.getJobID());
    return job;
  }

  /**
   * One OpenTelemetry for every service of the demo: a parent-based ratio sampler, the in-memory
   * {@link TraceStore} that {@code ./fieldline trace} reads, and any extra processor. The Flink
   * job's operators find it as the JVM's shared instance.
   */
  private void startTracing() {
    traces = new TraceStore(200_000);
    List<SpanProcessor> processors = new ArrayList<>(List.of(traces));
    processors.addAll(extraSpanProcessors);
    telemetry = Telemetry.create("fieldline-demo", settings.traceRatio(), processors);
    SharedTelemetry.install(telemetry);
  }

  /** A reading whose trace reached every region's global copy, as ./fieldline trace shows it. */
  private void printOneReadingsPath(PrintStream out) {
    String[] reading = traces.readingReaching(settings.regions().size());
    if (reading == null) {
      out.println("\nno traced reading reached every region yet");
      return;
    }
    out.println(
        "\none reading's path (./fieldline trace "
            + reading[0]
            + " "
            + reading[1]
            + " while a demo runs):");
    out.print(ReadingPath.describe(traces, reading[0], Long.parseLong(reading[1])));
  }

  /** The demo's in-memory traces; null when tracing is off. */
  TraceStore traces() {
    return traces;
  }

  /** The global job's settings for a run on loopback: short windows, quick restarts. */
  static GlobalConfig globalConfig(
      String jobName,
      Map<String, String> regions,
      Duration checkpointInterval,
      String regionalWindow,
      Duration idleness,
      Path work) {
    GlobalConfig config = new GlobalConfig();
    config.jobName = jobName;
    regions.forEach((name, bootstrap) -> config.regions.add(Region.of(name, bootstrap)));
    config.checkpoints.interval = checkpointInterval;
    config.checkpoints.minPause = Duration.ofMillis(200);
    config.checkpoints.directory = work.resolve("checkpoints").toUri().toString();
    config.watermarks.outOfOrderness = Duration.ofSeconds(5);
    config.watermarks.idleness = idleness;
    config.rollups.windowSize = Durations.parse(regionalWindow);
    config.features.horizonWindows = 6;
    config.features.minCount = 30;
    config.features.tolerance = 0.05;
    config.features.maxInterval = Duration.ofSeconds(30);
    config.features.expireAfter = Duration.ofMinutes(10);
    config.runtime.parallelism = 1;
    config.runtime.restartDelay = Duration.ofSeconds(1);
    var problems = config.problems();
    if (!problems.isEmpty()) {
      throw new IllegalStateException("global job config: " + problems);
    }
    return config;
  }

  /** How the region's anomaly decisions match its simulator's episodes, so far. */
  DetectionQuality quality(String region) {
    return DetectionQuality.of(stacks.get(region), watches.get(region), false);
  }

  /** The same for the shadow rules that run with the global features withheld. */
  DetectionQuality withheld(String region) {
    return DetectionQuality.of(stacks.get(region), watches.get(region), true);
  }

  /** The port of the global job's Flink REST API (loopback). */
  int flinkRestPort() {
    return flinkRestPort;
  }

  /** The secure run's identities; null for a plaintext run. */
  ZeroTrust zeroTrust() {
    return zeroTrust;
  }

  Map<String, PipelineWatch> watches() {
    return watches;
  }

  Map<String, RegionStack> stacks() {
    return stacks;
  }

  void requestStop() {
    stopRequested = true;
  }

  private static Duration elapsed(long since) {
    return Duration.ofNanos(System.nanoTime() - since);
  }

  @Override
  public void close() {
    if (globalJob != null) {
      try {
        globalJob.cancel().get();
      } catch (Exception e) {
        log.warn("cannot cancel the global job: {}", e.getMessage());
      }
    }
    for (int i = toClose.size() - 1; i >= 0; i--) {
      try {
        toClose.get(i).close();
      } catch (Exception e) {
        log.warn("while stopping: {}", e.getMessage());
      }
    }
    if (telemetry != null) {
      SharedTelemetry.uninstall();
      telemetry.close();
    }
    deleteWorkDirectory();
  }

  /**
   * Stops the regions side by side: each waits seconds for its brokers (the MQTT broker's network
   * threads alone take 2 s of quiet before they end), and nothing of one region needs the other's.
   */
  private void closeRegions() throws InterruptedException {
    List<Thread> closing = new ArrayList<>();
    for (RegionStack stack : stacks.values()) {
      Thread thread = new Thread(stack::close, "stop-" + stack.region);
      thread.start();
      closing.add(thread);
    }
    for (Thread thread : closing) {
      thread.join();
    }
  }

  /** Journals, state stores and checkpoints of this run: nothing in them outlives the demo. */
  private void deleteWorkDirectory() {
    if (work == null) {
      return;
    }
    try {
      Folders.deleteRecursively(work);
    } catch (IOException e) {
      log.warn("cannot delete {}: {}", work, e.getMessage());
    }
  }
}
