package dev.fieldline.demo;

import dev.fieldline.edge.app.EdgeAgentApp;
import dev.fieldline.global.config.GlobalConfig;
import dev.fieldline.global.job.GlobalJob;
import dev.fieldline.infra.FreePorts;
import dev.fieldline.infra.kafka.KafkaBrokerProcess;
import dev.fieldline.infra.mqtt.EmbeddedMqttBroker;
import dev.fieldline.infra.net.TcpProxy;
import dev.fieldline.infra.process.ServiceProcess;
import dev.fieldline.regional.app.RegionalAggregator;
import dev.fieldline.regional.app.RegionalAggregatorApp;
import dev.fieldline.regional.config.AggregatorConfig;
import dev.fieldline.schema.TopicSetup;
import dev.fieldline.simulator.Simulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline a chaos run hits, laid out so that every fault is real. In the faulted region the
 * Kafka broker runs in its own JVM on a formatted log directory (it can be stopped and started on
 * the same data and ports), the edge agent runs in its own JVM (SIGKILL really kills it) and
 * reaches its MQTT broker through a proxy that can cut the link, and the regional aggregator runs
 * twice: one instance in its own JVM to be killed, one in this JVM that takes over. The steady
 * region is the demo's {@link RegionStack}. The global job runs on a Flink MiniCluster whose
 * TaskManager can be lost.
 */
final class ChaosPipeline implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChaosPipeline.class);

  static final String EDGE_WINDOW = "2s";
  static final Duration REGIONAL_WINDOW = Duration.ofSeconds(10);

  /**
   * Short on purpose: summaries held up by an instance fail-over or a broker outage are covered by
   * the roll-up waiting for its slowest input partition (up to {@code windows.source-idle}), not by
   * the grace, which only has to cover devices of one gateway closing their windows apart.
   */
  static final Duration REGIONAL_GRACE = Duration.ofSeconds(10);

  static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(2);

  /**
   * Twice the global job's default. Exports of the tasks a killed aggregator instance held come
   * after the fail-over (10 s session timeout, then restore), behind the survivor's newer exports
   * in the same partitions; with the TaskManager loss 20 s later, that went past 30 s in two of
   * about ten runs (the roll-up one export short in that window, counted late by the job).
   */
  static final Duration GLOBAL_OUT_OF_ORDERNESS = Duration.ofSeconds(60);

  final ChaosSettings settings;
  final Path work;
  private final List<AutoCloseable> parts = new ArrayList<>();

  KafkaBrokerProcess kafka;
  EmbeddedMqttBroker mqtt;
  TcpProxy edgeLink;
  ServiceProcess edge;
  ServiceProcess doomedAggregator;
  RegionalAggregator survivingAggregator;
  String aggregatorGroup;
  Simulator fleet;
  RegionStack steady;
  MiniCluster flink;
  JobID job;

  private List<String> edgeSettings;
  private int edgeHttpPort;

  private ChaosPipeline(ChaosSettings settings, Path work) {
    this.settings = settings;
    this.work = work;
  }

  static ChaosPipeline start(ChaosSettings settings, Path work) throws Exception {
    ChaosPipeline pipeline = new ChaosPipeline(settings, work);
    try {
      pipeline.startFaultedRegion();
      pipeline.startSteadyRegion();
      pipeline.startGlobalJob();
      return pipeline;
    } catch (Exception | Error e) {
      pipeline.close();
      throw e;
    }
  }

  private void startFaultedRegion() throws Exception {
    String region = settings.faultedRegion();
    Path dir = Files.createDirectories(work.resolve(region));
    Path rules = rules();
    kafka = keep(KafkaBrokerProcess.start(dir.resolve("kafka")));
    TopicSetup.createMissing(Map.of("bootstrap.servers", kafka.bootstrapServers()), 3, (short) 1);
    mqtt = keep(EmbeddedMqttBroker.builder().dataDirectory(dir.resolve("mqtt")).start());
    edgeLink = keep(TcpProxy.start(mqtt.host(), mqtt.port()));

    edgeHttpPort = FreePorts.pick();
    edgeSettings =
        RegionStack.edgeSettings(
            region,
            dir.resolve("edge"),
            rules,
            "tcp://127.0.0.1:" + edgeLink.port(),
            kafka.bootstrapServers(),
            EDGE_WINDOW,
            "mqtt.reconnect.max-delay=2s",
            "uplink.retry.max-delay=2s");
    startEdge();

    startSecondAggregator();
    List<String> surviving = new ArrayList<>(aggregatorSettings(dir.resolve("streams-2")));
    surviving.addAll(List.of("http.host=127.0.0.1", "http.port=0"));
    AggregatorConfig survivingConfig =
        RegionalAggregatorApp.loader().load(null, Map.of(), surviving);
    aggregatorGroup = survivingConfig.effectiveApplicationId();
    survivingAggregator = keep(new RegionalAggregator(survivingConfig).start());

    fleet =
        keep(
            new Simulator(
                RegionStack.fleet(
                    region,
                    mqtt.serverUri(),
                    settings.devicesPerRegion(),
                    settings.ratePerRegion(),
                    0.02,
                    0.0)));
  }

  /**
   * The faulted region's aggregators close windows by wall clock only after 90 s of silence: a
   * summary held back by a 30 s Kafka outage must still find its window open.
   */
  private List<String> aggregatorSettings(Path stateDir) {
    return List.of(
        "region=" + settings.faultedRegion(),
        "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
        "kafka.create-topics=false",
        "kafka.client.session.timeout.ms=10000",
        "kafka.client.heartbeat.interval.ms=1000",
        "streams.state-dir=" + stateDir,
        "streams.commit-interval=500ms",
        "windows.size=" + REGIONAL_WINDOW.toSeconds() + "s",
        "windows.grace=" + REGIONAL_GRACE.toSeconds() + "s",
        "windows.idle-close=90s");
  }

  private void startSteadyRegion() throws Exception {
    DemoSettings demo =
        new DemoSettings(
            List.of(settings.steadyRegion()),
            Duration.ZERO,
            settings.devicesPerRegion(),
            settings.ratePerRegion(),
            0.02,
            0.0,
            EDGE_WINDOW,
            REGIONAL_WINDOW.toSeconds() + "s",
            CHECKPOINT_INTERVAL,
            settings.drainTimeout(),
            false,
            0);
    steady = keep(RegionStack.start(settings.steadyRegion(), demo, work, rules(), null, null));
  }

  /**
   * The global job with an idleness longer than the Kafka outage: a region that is away holds the
   * global roll-ups back instead of having its late aggregates dropped.
   */
  private void startGlobalJob() throws Exception {
    GlobalConfig config =
        Demo.globalConfig(
            "fieldline-chaos-global",
            bootstrapByRegion(),
            CHECKPOINT_INTERVAL,
            REGIONAL_WINDOW.toSeconds() + "s",
            settings.kafkaOutage().multipliedBy(3),
            work);
    config.watermarks.outOfOrderness = GLOBAL_OUT_OF_ORDERNESS;
    Configuration configuration = GlobalJob.configuration(config);
    flink =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(configuration)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(2)
                .build());
    flink.start();
    parts.add(flink);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(configuration);
    GlobalJob.build(env, config);
    job = flink.submitJob(env.getStreamGraph()).get().getJobID();
    log.info("global job {} submitted to the MiniCluster", job);
  }

  /** Starts the faulted region's edge agent (again, on the same journal). */
  void startEdge() {
    edge =
        ServiceProcess.start(
            EdgeAgentApp.class,
            "256m",
            edgeSettings,
            edgeHttpPort,
            work.resolve(settings.faultedRegion()).resolve("edge.log"));
  }

  /**
   * The aggregator instance in its own JVM, started (again, as a supervisor would after its kill)
   * on its own state directory.
   */
  void startSecondAggregator() {
    Path dir = work.resolve(settings.faultedRegion());
    doomedAggregator =
        ServiceProcess.start(
            RegionalAggregatorApp.class,
            "384m",
            aggregatorSettings(dir.resolve("streams-1")),
            FreePorts.pick(),
            dir.resolve("aggregator-1.log"));
  }

  Map<String, String> bootstrapByRegion() {
    Map<String, String> regions = new LinkedHashMap<>();
    regions.put(settings.faultedRegion(), kafka.bootstrapServers());
    regions.put(settings.steadyRegion(), steady.kafka.bootstrapServers());
    return regions;
  }

  void startLoad() throws Exception {
    fleet.start();
    steady.simulator.start();
  }

  void stopLoad() throws InterruptedException {
    fleet.stop();
    steady.simulator.stop();
  }

  private Path rules() throws Exception {
    Path rules = work.resolve("chaos-rules.yaml");
    if (!Files.exists(rules)) {
      try (var in = ChaosPipeline.class.getResourceAsStream("/chaos-rules.yaml")) {
        Files.copy(in, rules);
      }
    }
    return rules;
  }

  private <T extends AutoCloseable> T keep(T part) {
    parts.add(part);
    return part;
  }

  @Override
  public void close() {
    if (edge != null) {
      edge.kill();
    }
    if (doomedAggregator != null) {
      doomedAggregator.close();
    }
    for (int i = parts.size() - 1; i >= 0; i--) {
      try {
        parts.get(i).close();
      } catch (Exception e) {
        log.warn("while stopping: {}", e.toString());
      }
    }
  }
}
