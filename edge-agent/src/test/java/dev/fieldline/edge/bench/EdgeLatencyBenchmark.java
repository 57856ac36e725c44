package dev.fieldline.edge.bench;

import dev.fieldline.edge.app.CallbackAdapter;
import dev.fieldline.edge.app.EdgeAgentApp;
import dev.fieldline.edge.app.MosquittoBroker;
import dev.fieldline.edge.io.NoDelaySocketFactory;
import dev.fieldline.infra.FreePorts;
import dev.fieldline.infra.kafka.EmbeddedKafkaCluster;
import dev.fieldline.infra.mqtt.EmbeddedMqttBroker;
import dev.fieldline.schema.Topic;
import dev.fieldline.schema.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;

/**
 * {@code bench/edge-latency}: reading-to-command latency of the edge agent under open-loop load
 * through the embedded MQTT broker, against a bare echo client on the same broker at the same rate
 * (the floor MQTT itself costs here); the highest rate each keeps p99 under 10 ms; the decision
 * core's own throughput; the agent's RSS and heap (its own JVM, heap capped at 64 MB).
 *
 * <p>Arguments: {@code [--tls] [--tracing] [--sparkplug] [--devices N] [--metrics M] [rate]
 * [seconds]}, defaults 200 devices, 1 metric per reading, 5000 readings/s for 5 s. The agent
 * records a JDK Flight Recording: the allocation rate and the longest GC pause during the main
 * measurement, and the top allocation sites, come from it. {@code --tls} also measures the agent
 * over mutual TLS against plaintext ({@link TlsComparison}), {@code --tracing} with tracing off, at
 * 1% and at 100% ({@link TracingComparison}), {@code --sparkplug} Sparkplug B devices against JSON
 * ones ({@link SparkplugComparison}); any of them skips the Mosquitto comparison.
 */
public final class EdgeLatencyBenchmark {
  private static int devices = 200;
  private static int metricsPerReading = 1;
  private static final long TEN_MS = 10_000_000L;
  private static final double WARM_UP_SECONDS = 10;

  private EdgeLatencyBenchmark() {}

  public static void main(String[] args) throws Exception {
    List<String> arguments = new ArrayList<>(List.of(args));
    boolean tls = arguments.remove("--tls");
    boolean tracing = arguments.remove("--tracing");
    boolean sparkplug = arguments.remove("--sparkplug");
    int devicesAt = arguments.indexOf("--devices");
    if (devicesAt >= 0) {
      devices = Integer.parseInt(arguments.remove(devicesAt + 1));
      arguments.remove(devicesAt);
    }
    int metricsAt = arguments.indexOf("--metrics");
    if (metricsAt >= 0) {
      metricsPerReading = Integer.parseInt(arguments.remove(metricsAt + 1));
      arguments.remove(metricsAt);
      if (metricsPerReading < 1) {
        throw new IllegalArgumentException(
            "--metrics must be at least 1, got " + metricsPerReading);
      }
    }
    int rate = arguments.size() > 0 ? Integer.parseInt(arguments.get(0)) : 5_000;
    double seconds = arguments.size() > 1 ? Double.parseDouble(arguments.get(1)) : 5;

    CoreThroughput.Result core = CoreThroughput.run(2_000_000, 1_000);
    System.out.printf(
        "decision core (one thread, no MQTT): %,.0f readings/s, per reading p50 %d ns, p99 %d ns,"
            + " p99.9 %d ns%n",
        core.perSecond(),
        core.latency().getValueAtPercentile(50),
        core.latency().getValueAtPercentile(99),
        core.latency().getValueAtPercentile(99.9));

    double parsePerSecond = CoreThroughput.parseBaseline(2_000_000, 1_000);
    System.out.printf(
        "baseline, Jackson's streaming parser alone on the same payloads: %,.0f payloads/s;"
            + " the core reaches %.2f of it%n",
        parsePerSecond, core.perSecond() / parsePerSecond);

    CoreThroughput.Result anomalyCore = CoreThroughput.run(2_000_000, 1_000, true);
    System.out.printf(
        "decision core with an anomaly rule on the metric: %,.0f readings/s, per reading p50 %d ns,"
            + " p99 %d ns, p99.9 %d ns%n",
        anomalyCore.perSecond(),
        anomalyCore.latency().getValueAtPercentile(50),
        anomalyCore.latency().getValueAtPercentile(99),
        anomalyCore.latency().getValueAtPercentile(99.9));

    CoreThroughput.Result sparkplugCore = CoreThroughput.runSparkplug(2_000_000, 1_000);
    System.out.printf(
        "decision core on Sparkplug B (NDATA by alias, each device an edge node): %,.0f"
            + " readings/s, per reading p50 %d ns, p99.9 %d ns%n",
        sparkplugCore.perSecond(),
        sparkplugCore.latency().getValueAtPercentile(50),
        sparkplugCore.latency().getValueAtPercentile(99.9));

    long stateBytes = CoreStateSize.bytesPerDevice(Math.max(devices, 10_000));
    System.out.printf(
        "decision core state: %,d bytes per device with %d metrics (%,d per device and metric)%n",
        stateBytes, CoreStateSize.METRICS, stateBytes / CoreStateSize.METRICS);
    long detectorBytes =
        (CoreStateSize.bytesPerDevice(
                    Math.max(devices, 10_000),
                    List.of(
                        CoreThroughput.anomalyRule("vibration"),
                        CoreThroughput.anomalyRule("pressure"),
                        CoreThroughput.anomalyRule("temperature")))
                - stateBytes)
            / CoreStateSize.METRICS;
    System.out.printf("anomaly detector state: %,d bytes per device and metric%n", detectorBytes);

    Path work = Files.createTempDirectory("fieldline-bench-edge");
    AgentRecording recording = new AgentRecording(work.resolve("agent.jfr"));
    try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.start();
        EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start("bench-edge")) {
      for (Topic<?> topic : Topics.all()) {
        kafka.createTopic(topic.name(), 3, topic.config());
      }
      int httpPort = FreePorts.pick();
      Process agent = startAgent(work, broker.serverUri(), kafka.bootstrapServers(), httpPort);
      MqttAsyncClient publisher = null;
      MqttClient responses = null;
      try (EchoClient echo = new EchoClient(broker.serverUri());
          EchoProcess echoProcess = new EchoProcess(broker.serverUri(), work.resolve("echo.log"))) {
        awaitReady(httpPort);
        LoadRun agentRun = new LoadRun(LoadRun.json(metricsPerReading));
        LoadRun echoRun = new LoadRun(LoadRun.json(metricsPerReading));
        LoadRun echoProcessRun = new LoadRun(LoadRun.json(metricsPerReading));
        publisher = connectAsync(broker.serverUri(), "bench-publisher");
        responses = new MqttClient(broker.serverUri(), "bench-responses", new MemoryPersistence());
        MqttConnectionOptions options = options();
        responses.connect(options);
        responses.setCallback(responder(agentRun, echoRun, echoProcessRun));
        responses.subscribe(
            new String[] {
              "sites/+/devices/+/commands", EchoClient.OUT, EchoClient.out(EchoProcess.NAME)
            },
            new int[] {1, 1, 1});
        long[] agentSeqs = new long[devices];
        long[] echoSeqs = new long[devices];
        java.util.function.IntFunction<String> agentTopic =
            d -> "sites/s" + (d % 10) + "/devices/d" + d + "/telemetry";
        java.util.function.IntFunction<String> echoTopic = d -> EchoClient.IN;

        // Warm up both paths at the measured rate, so that what is measured is the steady state:
        // the first run after a broker starts is far worse, and an agent's first seconds under a
        // new load (its heap growing to the load's size, the compiler, the journal's first pages)
        // are not its steady state. Those seconds are reported on their own (agent_cold_*, against
        // the echo's first seconds), the echo's run first so that the broker is warm for both.
        LoadRun.Outcome echoCold =
            echoRun.run(publisher, echoTopic, devices, echoSeqs, Math.min(rate, 2_000), 3);
        echoRun.run(publisher, echoTopic, devices, echoSeqs, rate, WARM_UP_SECONDS);
        LoadRun.Outcome agentCold =
            agentRun.run(publisher, agentTopic, devices, agentSeqs, Math.min(rate, 2_000), 3);
        agentRun.run(publisher, agentTopic, devices, agentSeqs, rate, WARM_UP_SECONDS);
        long[] echoProcessSeqs = new long[devices];
        java.util.function.IntFunction<String> echoProcessTopic = d -> EchoProcess.in();
        echoProcessRun.run(
            publisher, echoProcessTopic, devices, echoProcessSeqs, Math.min(rate, 2_000), 3);
        echoProcessRun.run(
            publisher, echoProcessTopic, devices, echoProcessSeqs, rate, WARM_UP_SECONDS);

        double agentCpuBefore = ProcessCpu.seconds(agent.pid());
        LoadRun.Outcome decision =
            agentRun.run(publisher, agentTopic, devices, agentSeqs, rate, seconds);
        double agentCpu =
            ProcessCpu.microsPerReading(
                agentCpuBefore, ProcessCpu.seconds(agent.pid()), (long) (rate * seconds));
        LoadRun.Outcome floor = echoRun.run(publisher, echoTopic, devices, echoSeqs, rate, seconds);
        double echoCpuBefore = ProcessCpu.seconds(echoProcess.pid());
        LoadRun.Outcome processFloor =
            echoProcessRun.run(
                publisher, echoProcessTopic, devices, echoProcessSeqs, rate, seconds);
        double echoCpu =
            ProcessCpu.microsPerReading(
                echoCpuBefore, ProcessCpu.seconds(echoProcess.pid()), (long) (rate * seconds));
        report("agent, first 3 s", Math.min(rate, 2_000), agentCold);
        report("echo, first 3 s", Math.min(rate, 2_000), echoCold);
        report("agent", rate, decision);
        report("echo floor", rate, floor);
        report("echo, own JVM", rate, processFloor);
        System.out.printf(
            "CPU per reading (process time over the run, every thread): agent %.1f us, echo in its"
                + " own JVM %.1f us%n",
            agentCpu, echoCpu);

        int maxRate = 0;
        int echoMaxRate = 0;
        for (int step :
            new int[] {1_000, 2_000, 3_500, 5_000, 7_000, 9_000, 12_000, 15_000, 20_000}) {
          boolean any = false;
          if (maxRate == step - 0 || maxRate == 0 || maxRate >= previous(step)) {
            LoadRun.Outcome o = agentRun.run(publisher, agentTopic, devices, agentSeqs, step, 3);
            report("agent step", step, o);
            if (o.healthy(TEN_MS)) {
              maxRate = step;
              any = true;
            }
          }
          if (echoMaxRate == 0 || echoMaxRate >= previous(step)) {
            LoadRun.Outcome o = echoRun.run(publisher, echoTopic, devices, echoSeqs, step, 3);
            report("echo step", step, o);
            if (o.healthy(TEN_MS)) {
              echoMaxRate = step;
              any = true;
            }
          }
          if (!any) {
            break;
          }
        }
        String metrics = get(httpPort, "/metrics").body();
        Matcher internal =
            Pattern.compile("fieldline_edge_(decision|ack)_latency_p(50|99)_seconds ([0-9.E-]+)")
                .matcher(metrics);
        while (internal.find()) {
          System.out.printf(
              "agent-internal %s p%s: %.3f ms%n",
              internal.group(1).equals("ack")
                  ? "acknowledgement latency (receipt to MQTT acknowledgement)"
                  : "decision latency (receipt to command hand-off)",
              internal.group(2),
              Double.parseDouble(internal.group(3)) * 1e3);
        }
        System.out.println("agent log: " + work.resolve("agent.log"));
        long rssMb = rssKb(agent.pid()) / 1024;
        long heapMb = heapBytes(httpPort) / (1024 * 1024);
        System.out.printf(
            "agent process: RSS %d MB, heap used %d MB (edge-agent/jvm.options), %,d devices x %d"
                + " metrics; broker drops %d%n",
            rssMb, heapMb, devices, metricsPerReading, broker.droppedMessages());
        // Only now the flight recording, in a phase of its own at the main rate: what it adds to
        // the JVM is not in the figures above.
        recording.start(agent.pid());
        // A thread's first allocation sample weighs everything it allocated before the recording
        // began: only samples after a first stretch of load count.
        agentRun.run(publisher, agentTopic, devices, agentSeqs, rate, 2);
        Instant recordedFrom = Instant.now();
        agentRun.run(publisher, agentTopic, devices, agentSeqs, rate, seconds);
        Instant recordedTo = Instant.now();
        recording.stop(agent.pid());
        PahoClients.close(publisher);
        PahoClients.close(responses);
        agent.destroy();
        agent.waitFor();
        AgentRecording.Summary garbage = recording.summarize(recordedFrom, recordedTo, 8);
        System.out.printf(
            "agent at %d/s (flight recording, a phase of its own, %.0f s): allocation %.1f MB/s,"
                + " longest GC pause %.2f ms, %d full collections; top allocation sites:%n",
            rate,
            seconds,
            garbage.allocationMbPerSecond(),
            garbage.longestPause().toNanos() / 1e6,
            garbage.fullCollections());
        garbage
            .topSites()
            .forEach(
                site ->
                    System.out.printf(
                        "  %5.1f%%  %s%n",
                        100.0 * site.getValue() / Math.max(1, garbage.sampledBytes()),
                        site.getKey()));
        StringBuilder variants = new StringBuilder();
        if (tls) {
          variants
              .append(' ')
              .append(TlsComparison.run(work, kafka.bootstrapServers(), rate, seconds));
        }
        if (tracing) {
          variants
              .append(' ')
              .append(TracingComparison.run(work, kafka.bootstrapServers(), rate, seconds));
        }
        if (sparkplug) {
          variants
              .append(' ')
              .append(SparkplugComparison.run(work, kafka.bootstrapServers(), rate, seconds));
        }
        if (!tls && !tracing && !sparkplug) {
          compareOnMosquitto(work, kafka.bootstrapServers(), rate, seconds);
        }
        System.out.printf(
            "rate=%d decision_p50_us=%d decision_p99_us=%d decision_p999_us=%d echo_p50_us=%d"
                + " echo_p99_us=%d ratio_p99=%.2f decision_p50_ratio=%.2f max_rate=%d"
                + " echo_max_rate=%d core_per_s=%.0f core_p999_ns=%d rss_mb=%d heap_mb=%d"
                + " alloc_mb_per_s=%.1f max_pause_ms=%.2f devices=%d state_bytes_per_device=%d"
                + " mosquitto_decision_p99_us=%d mosquitto_echo_p99_us=%d core_anomaly_per_s=%.0f"
                + " core_anomaly_p999_ns=%d detector_bytes_per_pair=%d parse_per_s=%.0f"
                + " core_parse_ratio=%.2f core_sparkplug_per_s=%.0f full_collections=%d"
                + " echo_jvm_p50_us=%d echo_jvm_p99_us=%d jvm_ratio_p99=%.2f"
                + " jvm_p50_ratio=%.2f agent_cpu_us_per_reading=%.1f echo_cpu_us_per_reading=%.1f"
                + " agent_cold_p99_us=%d agent_cold_max_us=%d echo_cold_p99_us=%d metrics=%d%s%n",
            rate,
            decision.p(50) / 1_000,
            decision.p(99) / 1_000,
            decision.p(99.9) / 1_000,
            floor.p(50) / 1_000,
            floor.p(99) / 1_000,
            (double) decision.p(99) / Math.max(1, floor.p(99)),
            (double) decision.p(50) / Math.max(1, floor.p(50)),
            maxRate,
            echoMaxRate,
            core.perSecond(),
            core.latency().getValueAtPercentile(99.9),
            rssMb,
            heapMb,
            garbage.allocationMbPerSecond(),
            garbage.longestPause().toNanos() / 1e6,
            devices,
            stateBytes,
            mosquittoDecisionP99 < 0 ? -1 : mosquittoDecisionP99 / 1_000,
            mosquittoEchoP99 < 0 ? -1 : mosquittoEchoP99 / 1_000,
            anomalyCore.perSecond(),
            anomalyCore.latency().getValueAtPercentile(99.9),
            detectorBytes,
            parsePerSecond,
            core.perSecond() / parsePerSecond,
            sparkplugCore.perSecond(),
            garbage.fullCollections(),
            processFloor.p(50) / 1_000,
            processFloor.p(99) / 1_000,
            (double) decision.p(99) / Math.max(1, processFloor.p(99)),
            (double) decision.p(50) / Math.max(1, processFloor.p(50)),
            agentCpu,
            echoCpu,
            agentCold.p(99) / 1_000,
            agentCold.latency().getMaxValue() / 1_000,
            echoCold.p(99) / 1_000,
            metricsPerReading,
            variants);
      } finally {
        PahoClients.close(publisher);
        PahoClients.close(responses);
        agent.destroy();
        agent.waitFor();
      }
    }
  }

  /**
   * The same comparison (agent against echo floor at one rate) through Debian's Mosquitto, where
   * installed: unlike HiveMQ CE, whose 50-message in-flight window per client no setting raises,
   * Mosquitto takes {@code max_inflight_messages}, which is what an agent that acknowledges only
   * after its journal commit needs.
   */
  static void compareOnMosquitto(Path work, String bootstrap, int rate, double seconds)
      throws Exception {
    if (!MosquittoBroker.installed()) {
      System.out.println("mosquitto: not installed, skipped");
      return;
    }
    MosquittoBroker broker = MosquittoBroker.start(work, FreePorts.pick());
    String uri = broker.serverUri();
    int httpPort = FreePorts.pick();
    Process agent = null;
    MqttAsyncClient publisher = null;
    MqttClient responses = null;
    try {
      agent =
          startAgent(
              Files.createDirectories(work.resolve("on-mosquitto")), uri, bootstrap, httpPort);
      try (EchoClient echo = new EchoClient(uri)) {
        awaitReady(httpPort);
        LoadRun agentRun = new LoadRun(LoadRun.json(metricsPerReading));
        LoadRun echoRun = new LoadRun(LoadRun.json(metricsPerReading));
        publisher = connectAsync(uri, "bench-publisher-m");
        responses = new MqttClient(uri, "bench-responses-m", new MemoryPersistence());
        responses.connect(options());
        responses.setCallback(responder(agentRun, echoRun));
        responses.subscribe(
            new String[] {"sites/+/devices/+/commands", EchoClient.OUT}, new int[] {1, 1});
        long[] agentSeqs = new long[devices];
        long[] echoSeqs = new long[devices];
        java.util.function.IntFunction<String> agentTopic =
            d -> "sites/s" + (d % 10) + "/devices/d" + d + "/telemetry";
        agentRun.run(publisher, agentTopic, devices, agentSeqs, Math.min(rate, 2_000), 3);
        echoRun.run(publisher, d -> EchoClient.IN, devices, echoSeqs, Math.min(rate, 2_000), 3);
        LoadRun.Outcome decision =
            agentRun.run(publisher, agentTopic, devices, agentSeqs, rate, seconds);
        LoadRun.Outcome floor =
            echoRun.run(publisher, d -> EchoClient.IN, devices, echoSeqs, rate, seconds);
        report("mosquitto agent", rate, decision);
        report("mosquitto echo", rate, floor);
        mosquittoDecisionP99 = decision.p(99);
        mosquittoEchoP99 = floor.p(99);
      }
    } finally {
      PahoClients.close(publisher);
      PahoClients.close(responses);
      if (agent != null) {
        agent.destroy();
        agent.waitFor();
      }
      broker.close();
    }
  }

  private static long mosquittoDecisionP99 = -1;
  private static long mosquittoEchoP99 = -1;

  /** Routes each response to the run it answers: the echo topic, or an agent command. */
  private static CallbackAdapter responder(LoadRun agentRun, LoadRun echoRun) {
    return responder(agentRun, echoRun, null);
  }

  /** As above, with the echo in a JVM of its own answering on its own topic. */
  private static CallbackAdapter responder(
      LoadRun agentRun, LoadRun echoRun, LoadRun echoProcessRun) {
    String processOut = EchoClient.out(EchoProcess.NAME);
    return new CallbackAdapter(
        (topic, payload) -> {
          String text = new String(payload, StandardCharsets.UTF_8);
          boolean inProcess = topic.equals(EchoClient.OUT);
          if (inProcess || topic.equals(processOut)) {
            int bar = text.indexOf('|');
            (inProcess ? echoRun : echoProcessRun)
                .responded(text.substring(0, bar), Long.parseLong(text.substring(bar + 1)));
          } else {
            agentRun.responded(
                EchoClient.between(text, "\"deviceId\":\"", "\""),
                Long.parseLong(EchoClient.between(text, "\"readingSeq\":", ",")));
          }
        });
  }

  private static int previous(int step) {
    int[] steps = {1_000, 2_000, 3_500, 5_000, 7_000, 9_000, 12_000, 15_000, 20_000};
    for (int i = 1; i < steps.length; i++) {
      if (steps[i] == step) {
        return steps[i - 1];
      }
    }
    return 0;
  }

  static void report(String what, int rate, LoadRun.Outcome o) {
    System.out.printf(
        "%-11s %6d/s: responses %d/%d, p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms%n",
        what,
        rate,
        o.expected() - o.missing(),
        o.expected(),
        o.p(50) / 1e6,
        o.p(99) / 1e6,
        o.p(99.9) / 1e6,
        o.latency().getTotalCount() == 0 ? Double.NaN : o.latency().getMaxValue() / 1e6);
  }

  private static Process startAgent(Path work, String mqtt, String kafka, int httpPort)
      throws Exception {
    return startAgent(work, mqtt, kafka, httpPort, List.of());
  }

  /** The agent in its own JVM as shipped; {@code more} are further {@code --set} overrides. */
  static Process startAgent(Path work, String mqtt, String kafka, int httpPort, List<String> more)
      throws Exception {
    return startAgent(work, mqtt, kafka, httpPort, more, List.of());
  }

  /** As above, with further options for the agent's JVM. */
  static Process startAgent(
      Path work,
      String mqtt,
      String kafka,
      int httpPort,
      List<String> more,
      List<String> jvmOptions)
      throws Exception {
    Path rules =
        Files.writeString(
            work.resolve("rules.yaml"),
            "rules:\n  - {id: hot, type: threshold, metric: temperature, above: 80,"
                + " action: throttle}\n");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // The agent as shipped: the JVM options of its systemd unit and Dockerfile.
    Path options = Path.of("edge-agent", "jvm.options").toAbsolutePath();
    if (Files.exists(options)) {
      command.add("@" + options);
    } else {
      command.addAll(List.of("-Xmx64m", "-XX:+UseSerialGC"));
    }
    command.addAll(jvmOptions);
    // Extra options for the agent's JVM, e.g. a flight recording.
    command.addAll(jvmOptionsFrom("BENCH_AGENT_JAVA_OPTS"));
    command.addAll(List.of("-cp", agentClasspath()));
    command.add(EdgeAgentApp.class.getName());
    command.add("run");
    List<String> settings =
        new ArrayList<>(
            List.of(
                "gateway-id=bench",
                "data-dir=" + work.resolve("agent"),
                "rules-file=" + rules,
                "mqtt.server-uri=" + mqtt,
                "uplink.bootstrap-servers=" + kafka,
                "http.host=127.0.0.1",
                "http.port=" + httpPort,
                "dead-letters.mqtt-topic="));
    settings.addAll(more);
    for (String setting : settings) {
      command.add("--set");
      command.add(setting);
    }
    ProcessBuilder agent =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("agent.log").toFile());
    agent.environment().put("MALLOC_ARENA_MAX", "2"); // as the unit and the image set it
    return agent.start();
  }

  /** JVM options from environment variable {@code name}, split at white space; none if unset. */
  static List<String> jvmOptionsFrom(String name) {
    String options = System.getenv(name);
    return options == null || options.isBlank()
        ? List.of()
        : List.of(options.strip().split("\\s+"));
  }

  /**
   * The agent's shaded jar, as the systemd unit and the image run it, when the build made one (the
   * benchmark's own class path has every test dependency's jar on it, which a class lookup opens
   * one by one: tens of megabytes of RSS the shipped agent does not have).
   */
  static String agentClasspath() throws java.io.IOException {
    Path target = Path.of("edge-agent", "target");
    if (Files.isDirectory(target)) {
      try (var jars = Files.list(target)) {
        var shaded =
            jars.filter(jar -> jar.getFileName().toString().endsWith("-all.jar")).findFirst();
        if (shaded.isPresent()) {
          return shaded.get().toAbsolutePath().toString();
        }
      }
    }
    return System.getProperty("java.class.path");
  }

  static void awaitReady(int port) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (get(port, "/health").statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // not up yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the agent did not become ready");
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static long heapBytes(int port) throws Exception {
    Matcher m =
        Pattern.compile("jvm_memory_used_bytes\\{area=\"heap\",id=\"[^\"]+\"\\} ([0-9.E+]+)")
            .matcher(get(port, "/metrics").body());
    double total = 0;
    while (m.find()) {
      total += Double.parseDouble(m.group(1));
    }
    return (long) total;
  }

  private static long rssKb(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private static MqttConnectionOptions options() {
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setCleanStart(true);
    options.setReceiveMaximum(65_535);
    options.setSocketFactory(new NoDelaySocketFactory());
    return options;
  }

  private static MqttAsyncClient connectAsync(String uri, String id) throws Exception {
    MqttAsyncClient client = new MqttAsyncClient(uri, id, new MemoryPersistence());
    client.connect(options()).waitForCompletion(10_000);
    return client;
  }
}
