package dev.fieldline.cluster;

import dev.fieldline.cluster.ManagedProcess.Role;
import dev.fieldline.infra.FreePorts;
import dev.fieldline.schema.TopicSetup;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The production shape of Fieldline on loopback, every part its own OS process, as {@code
 * ./fieldline cluster up} starts it (the README's "Deploying" follows it step by step):
 *
 * <ol>
 *   <li>per region a Kafka cluster ({@link KafkaQuorum}) and the pipeline's topics on it;
 *   <li>per region Debian's Mosquitto, the gateways' broker;
 *   <li>per region the regional aggregator instances and the edge agents from their shaded jars,
 *       the agents as the systemd unit runs them ({@code java @jvm.options});
 *   <li>a Flink session cluster ({@link FlinkSession}) and the global job submitted through Flink's
 *       CLI ({@link FlinkCli});
 *   <li>Prometheus scraping every service and Flink, with the alert rules;
 *   <li>per region a device fleet.
 * </ol>
 *
 * Everything is recorded in {@code cluster.json} ({@link ClusterState}) as soon as it starts, so
 * that {@link #down} ends what an interrupted {@code up} left behind.
 */
public final class Cluster {
  public static final String GLOBAL_MAIN = "dev.fieldline.global.app.GlobalAnalyticsApp";
  static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");
  static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");

  /** The aggregators' roll-up window and grace, and the global job's window and lateness. */
  public static final Duration REGIONAL_WINDOW = Duration.ofSeconds(30);

  public static final Duration REGIONAL_GRACE = Duration.ofSeconds(30);
  public static final Duration GLOBAL_OUT_OF_ORDERNESS = Duration.ofSeconds(10);

  private final Path dir;
  private ClusterState state;

  private Cluster(Path dir, ClusterState state) {
    this.dir = dir;
    this.state = state;
  }

  /** The cluster recorded in {@code dir}. */
  public static Cluster open(Path dir) {
    return new Cluster(dir, ClusterState.load(dir));
  }

  public ClusterState state() {
    return state;
  }

  /** What {@code up} needs from the machine besides Java: the Debian packages it runs. */
  public static List<String> missingPrograms() {
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(MOSQUITTO)) {
      missing.add("mosquitto");
    }
    if (!Files.isExecutable(PROMETHEUS)) {
      missing.add("prometheus");
    }
    return missing;
  }

  /** Starts everything; on failure ends what it started and rethrows. */
  public static Cluster up(ClusterSettings settings, PrintStream out) throws Exception {
    Path dir = Files.createDirectories(settings.dir().toAbsolutePath());
    if (Files.exists(dir.resolve(ClusterState.FILE))) {
      ClusterState previous = ClusterState.load(dir);
      if (previous.processes().stream().anyMatch(ManagedProcess::alive)) {
        throw new IllegalStateException(
            "a cluster is running in " + dir + ": ./fieldline cluster down first");
      }
    }
    List<String> missing = missingPrograms();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "missing "
              + String.join(", ", missing)
              + ": install with apt-get install -y "
              + String.join(" ", missing));
    }
    Artifacts artifacts = new Artifacts(settings.home());
    if (settings.rules() != null && !Files.isRegularFile(settings.rules())) {
      throw new IllegalStateException("no rules file " + settings.rules());
    }
    // Every file is looked up before anything starts, so a missing build fails at once.
    List.of(
        artifacts.edgeAgent(),
        artifacts.aggregator(),
        artifacts.simulator(),
        artifacts.globalJob(),
        artifacts.edgeJvmOptions(),
        artifacts.edgeRules(),
        artifacts.alertRules());
    Cluster cluster = new Cluster(dir, ClusterState.empty(dir));
    cluster.state.save();
    try {
      cluster.startAll(settings, artifacts, out);
      return cluster;
    } catch (Exception | Error e) {
      out.println("cluster up failed (" + e.getMessage() + "); stopping what started");
      cluster.down(out);
      throw e;
    }
  }

  private void startAll(ClusterSettings settings, Artifacts artifacts, PrintStream out)
      throws Exception {
    Path serverLogging =
        Files.writeString(dir.resolve("log4j2-servers.properties"), Launch.serverLogging());
    for (String region : settings.regions()) {
      out.printf("%s: Kafka, %d nodes ...%n", region, settings.brokers());
      KafkaQuorum.Started kafka =
          KafkaQuorum.start(
              region,
              settings.brokers(),
              dir.resolve(region),
              List.of("-Xms256m", "-Xmx512m", "-Dlog4j2.configurationFile=" + serverLogging));
      kafka.nodes().forEach(this::record);
      TopicSetup.createMissing(
          KafkaQuorum.adminConfig(kafka.bootstrapServers()),
          3,
          (short) Math.min(3, settings.brokers()));
      ManagedProcess mosquitto = startMosquitto(region);
      Map<String, String> endpoints = new LinkedHashMap<>();
      endpoints.put("bootstrap", kafka.bootstrapServers());
      endpoints.put("mqtt", "tcp://127.0.0.1:" + mosquitto.port());
      state.regions().put(region, endpoints);
      state.save();
      out.printf("%s: aggregators and edge agents ...%n", region);
      for (int i = 1; i <= settings.aggregators(); i++) {
        awaitHealthy(record(Launch.start(aggregator(region, i, kafka, artifacts))), 180);
      }
      int agents = Math.min(settings.agents(), settings.sites());
      for (int i = 1; i <= agents; i++) {
        awaitHealthy(
            record(
                Launch.start(edgeAgent(region, i, agents, settings, kafka, mosquitto, artifacts))),
            120);
      }
    }
    out.printf("Flink session: a JobManager and %d TaskManagers ...%n", settings.taskManagers());
    FlinkSession.Started flink = FlinkSession.start(dir.resolve("flink"), settings.taskManagers());
    flink.processes().forEach(this::record);
    Path globalConfig = writeGlobalConfig();
    state =
        state.withFlink(
            flink.restUrl(),
            flink.configDir().toString(),
            flink.savepoints().toString(),
            artifacts.globalJob().toString(),
            List.of("run", "--config", globalConfig.toString()));
    state.save();
    out.println("global job: flink run -d -p " + settings.parallelism() + " ...");
    submitJob(null, settings.parallelism());
    out.println("Prometheus ...");
    startPrometheus(artifacts);
    if (settings.rate() > 0) {
      for (String region : settings.regions()) {
        record(Launch.start(fleet(region, settings, artifacts)));
      }
    }
    state.save();
  }

  private ManagedProcess record(ManagedProcess process) {
    state.put(process);
    state.save();
    return process;
  }

  private static void awaitHealthy(ManagedProcess process, int seconds)
      throws InterruptedException {
    if (!Health.await(process, seconds)) {
      throw new IllegalStateException(
          process.name() + " did not become healthy in " + seconds + " s; see " + process.log());
    }
  }

  private ManagedProcess startMosquitto(String region) throws IOException, InterruptedException {
    int port = FreePorts.pick();
    Path home = Files.createDirectories(dir.resolve(region).resolve("mosquitto"));
    home.toFile().setWritable(true, false); // as root, Mosquitto drops to its own user
    Path config =
        Files.writeString(
            home.resolve("mosquitto.conf"),
            String.join(
                "\n",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous true",
                "set_tcp_nodelay true",
                "max_inflight_messages 1000",
                "max_queued_messages 1000000",
                "persistence false",
                "log_dest stdout",
                ""));
    ManagedProcess mosquitto =
        new ManagedProcess(
            "mosquitto-" + region,
            Role.MOSQUITTO,
            region,
            -1,
            port,
            "tcp://127.0.0.1:" + port,
            home.resolve("mosquitto.log").toString(),
            List.of(MOSQUITTO.toString(), "-c", config.toString()),
            Map.of());
    ManagedProcess started = record(Launch.start(mosquitto));
    awaitHealthy(started, 20);
    return started;
  }

  private ManagedProcess aggregator(
      String region, int number, KafkaQuorum.Started kafka, Artifacts artifacts)
      throws IOException {
    int port = FreePorts.pick();
    Path home = Files.createDirectories(dir.resolve(region).resolve("aggregator-" + number));
    List<String> command =
        Launch.java(
            List.of("-Xmx384m", "-Dlog4j2.configurationFile=log4j2.xml"),
            "-jar",
            artifacts.aggregator().toString(),
            "run");
    for (String setting :
        List.of(
            "region=" + region,
            "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
            "kafka.create-topics=false",
            // A killed instance's tasks move after the session timeout: 10 s rather than Kafka's
            // 45 s, with a heartbeat every second so that a live instance is never taken for dead.
            "kafka.client.session.timeout.ms=10000",
            "kafka.client.heartbeat.interval.ms=1000",
            "streams.state-dir=" + home.resolve("state"),
            "windows.size=" + REGIONAL_WINDOW.toSeconds() + "s",
            // Room for an edge agent catching up after a restart: later summaries are dead letters.
            "windows.grace=" + REGIONAL_GRACE.toSeconds() + "s",
            "http.host=127.0.0.1",
            "http.port=" + port)) {
      command.add("--set");
      command.add(setting);
    }
    return new ManagedProcess(
        "aggregator-" + region + "-" + number,
        Role.AGGREGATOR,
        region,
        -1,
        port,
        "http://127.0.0.1:" + port + "/health",
        home.resolve("aggregator.log").toString(),
        command,
        Map.of());
  }

  private ManagedProcess edgeAgent(
      String region,
      int number,
      int agents,
      ClusterSettings settings,
      KafkaQuorum.Started kafka,
      ManagedProcess mosquitto,
      Artifacts artifacts)
      throws IOException {
    int port = FreePorts.pick();
    String gateway = "gw-" + region + "-" + number;
    Path home = Files.createDirectories(dir.resolve(region).resolve(gateway));
    List<String> sites = new ArrayList<>();
    for (int site = number - 1; site < settings.sites(); site += agents) {
      sites.add(region + "-site-" + site);
    }
    List<String> command =
        Launch.java(
            List.of("@" + artifacts.edgeJvmOptions(), "-Dlog4j2.configurationFile=log4j2.xml"),
            "-jar",
            artifacts.edgeAgent().toString(),
            "run");
    for (String setting :
        List.of(
            "gateway-id=" + gateway,
            "region=" + region,
            "data-dir=" + home.resolve("data"),
            "rules-file="
                + (settings.rules() == null
                    ? artifacts.edgeRules()
                    : settings.rules().toAbsolutePath().normalize()),
            "mqtt.server-uri=tcp://127.0.0.1:" + mosquitto.port(),
            // Mosquitto keeps delivering while acknowledgements wait: gathered commits cost only
            // acknowledgement latency (edge README, "Commit delay").
            "journal.commit-delay=1ms",
            "mqtt.sites=" + String.join(",", sites),
            "uplink.bootstrap-servers=" + kafka.bootstrapServers(),
            "windows.size=10s",
            "http.host=127.0.0.1",
            "http.port=" + port)) {
      command.add("--set");
      command.add(setting);
    }
    return new ManagedProcess(
        gateway,
        Role.EDGE_AGENT,
        region,
        -1,
        port,
        "http://127.0.0.1:" + port + "/health",
        home.resolve("agent.log").toString(),
        command,
        Map.of("MALLOC_ARENA_MAX", "2")); // as the systemd unit sets it
  }

  private ManagedProcess fleet(String region, ClusterSettings settings, Artifacts artifacts)
      throws IOException {
    Path home = Files.createDirectories(dir.resolve(region).resolve("fleet"));
    List<String> command =
        Launch.java(
            List.of("-Xmx256m", "-Dlog4j2.configurationFile=log4j2.xml"),
            "-jar",
            artifacts.simulator().toString(),
            "--broker",
            state.regions().get(region).get("mqtt"),
            "--client-id",
            "fleet-" + region,
            "--devices",
            Integer.toString(settings.devices()),
            "--sites",
            Integer.toString(settings.sites()),
            "--site-prefix",
            region + "-site-",
            "--device-prefix",
            region + "-dev-",
            "--rate",
            Double.toString(settings.rate()),
            "--duration",
            "0",
            "--ledger",
            home.resolve("ledger.csv").toString());
    return new ManagedProcess(
        "fleet-" + region,
        Role.FLEET,
        region,
        -1,
        0,
        "",
        home.resolve("fleet.log").toString(),
        command,
        Map.of());
  }

  private Path writeGlobalConfig() throws IOException {
    StringBuilder yaml = new StringBuilder("job-name: fieldline-global\nregions:\n");
    state
        .regions()
        .forEach(
            (region, endpoints) ->
                yaml.append("  - name: ")
                    .append(region)
                    .append("\n    bootstrap-servers: ")
                    .append(endpoints.get("bootstrap"))
                    .append('\n'));
    yaml.append("kafka:\n  create-topics: false\n");
    yaml.append("checkpoints:\n  interval: 5s\n");
    // Global windows of the regional windows' size, closed 10 s after the last region passes them.
    yaml.append("watermarks:\n  out-of-orderness: ")
        .append(GLOBAL_OUT_OF_ORDERNESS.toSeconds())
        .append("s\n");
    yaml.append("rollups:\n  window-size: ").append(REGIONAL_WINDOW.toSeconds()).append("s\n");
    return Files.writeString(dir.resolve("flink").resolve("global.yaml"), yaml);
  }

  /** {@code flink run} (from {@code savepoint} when given), then waits until the job runs. */
  public String submitJob(String savepoint, int parallelism) throws Exception {
    FlinkCli cli = cli();
    String jobId =
        cli.run(Path.of(state.jobJar()), GLOBAL_MAIN, parallelism, savepoint, state.jobArguments());
    state = state.withJob(jobId);
    state.save();
    awaitJob("RUNNING", 180);
    return jobId;
  }

  /** {@code flink stop --savepointPath}: the savepoint's path. */
  public String stopJobWithSavepoint() throws Exception {
    String savepoint = cli().stop(state.jobId(), Path.of(state.savepoints()));
    awaitJob("FINISHED", 120);
    return savepoint;
  }

  private FlinkCli cli() {
    return new FlinkCli(Path.of(state.flinkConfig()), dir.resolve("flink").resolve("cli.log"));
  }

  /** Waits until the global job is in {@code wanted} state. */
  public void awaitJob(String wanted, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    String last = "unknown";
    while (System.nanoTime() < deadline) {
      last = jobState();
      if (last.equals(wanted)) {
        return;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        "the global job is " + last + ", not " + wanted + " after " + seconds + " s");
  }

  /** The global job's state as the JobManager reports it, or "unknown". */
  public String jobState() {
    return FlinkSession.jobs(state.flinkRest()).stream()
        .filter(job -> job.id().equals(state.jobId()))
        .map(FlinkSession.Job::state)
        .findFirst()
        .orElse("unknown");
  }

  private void startPrometheus(Artifacts artifacts) throws IOException, InterruptedException {
    int port = FreePorts.pick();
    Path home = Files.createDirectories(dir.resolve("prometheus"));
    home.toFile().setWritable(true, false);
    Path rules =
        Files.copy(
            artifacts.alertRules(),
            home.resolve("alerts.yml"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(home.resolve("prometheus.yml"), prometheusConfig(rules));
    ManagedProcess prometheus =
        new ManagedProcess(
            "prometheus",
            Role.PROMETHEUS,
            "",
            -1,
            port,
            "http://127.0.0.1:" + port + "/-/ready",
            home.resolve("prometheus.log").toString(),
            List.of(
                PROMETHEUS.toString(),
                "--config.file=" + home.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + home.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port),
            Map.of());
    awaitHealthy(record(Launch.start(prometheus)), 60);
    state = state.withPrometheus("http://127.0.0.1:" + port);
    state.save();
  }

  /** Scrape jobs named as the alert rules expect them, each target labelled with its region. */
  String prometheusConfig(Path rules) throws IOException {
    StringBuilder yaml =
        new StringBuilder(
            "global:\n  scrape_interval: 5s\n  evaluation_interval: 5s\nrule_files:\n  - "
                + rules
                + "\nscrape_configs:\n");
    scrapeJob(yaml, "edge-agents", Role.EDGE_AGENT);
    scrapeJob(yaml, "regional-aggregators", Role.AGGREGATOR);
    yaml.append("  - job_name: flink\n    static_configs:\n");
    for (ManagedProcess process : state.processes()) {
      if (process.role() == Role.JOBMANAGER || process.role() == Role.TASKMANAGER) {
        yaml.append("      - targets: [\"127.0.0.1:")
            .append(flinkMetricsPort(process))
            .append("\"]\n        labels: {instance_name: ")
            .append(process.name())
            .append("}\n");
      }
    }
    return yaml.toString();
  }

  private void scrapeJob(StringBuilder yaml, String job, Role role) {
    yaml.append("  - job_name: ").append(job).append("\n    static_configs:\n");
    for (ManagedProcess process : state.processes()) {
      if (process.role() == role) {
        yaml.append("      - targets: [\"127.0.0.1:")
            .append(process.port())
            .append("\"]\n        labels: {region: ")
            .append(process.region())
            .append(", instance_name: ")
            .append(process.name())
            .append("}\n");
      }
    }
  }

  /** A Flink process's reporter port, from its own configuration. */
  private static int flinkMetricsPort(ManagedProcess process) throws IOException {
    Path config = Path.of(process.command().get(process.command().size() - 1));
    for (String line : Files.readAllLines(config.resolve("config.yaml"))) {
      if (line.startsWith("metrics.reporter.prom.port: ")) {
        return Integer.parseInt(line.substring(line.indexOf(':') + 1).strip());
      }
    }
    throw new IllegalStateException("no reporter port for " + process.name());
  }

  /** Ends one process: SIGTERM, or SIGKILL when {@code abrupt}. */
  public void stop(String name, boolean abrupt) {
    Launch.stop(state.process(name), abrupt, 60);
  }

  /** Starts a stopped process again, the same way, and waits until it is healthy. */
  public ManagedProcess start(String name, int healthySeconds) throws InterruptedException {
    ManagedProcess process = state.process(name);
    if (process.alive()) {
      throw new IllegalStateException(name + " is running");
    }
    ManagedProcess started = record(Launch.start(process));
    awaitHealthy(started, healthySeconds);
    return started;
  }

  /**
   * Restarts a region's Kafka nodes one at a time, the way an operator upgrades them: each is shut
   * down (controlled: its leaderships move first), started again, and the next waits until every
   * partition is fully replicated. {@code downFor} keeps each node down that long. Prints how long
   * each phase of each node took.
   */
  public void rollingRestart(String region, Duration downFor, PrintStream out)
      throws InterruptedException {
    String bootstrap = state.regions().get(region).get("bootstrap");
    for (ManagedProcess node : List.copyOf(state.processes())) {
      if (node.role() == Role.KAFKA && node.region().equals(region)) {
        long began = System.nanoTime();
        KafkaQuorum.awaitFullyReplicated(bootstrap, 120);
        long replicated = System.nanoTime();
        stop(node.name(), false);
        long stopped = System.nanoTime();
        Thread.sleep(downFor.toMillis());
        long restarting = System.nanoTime();
        start(node.name(), 120);
        out.printf(
            "restarted %s: replicas in sync after %.1f s, shut down in %.1f s, healthy %.1f s after"
                + " its start%n",
            node.name(),
            (replicated - began) / 1e9,
            (stopped - replicated) / 1e9,
            (System.nanoTime() - restarting) / 1e9);
      }
    }
    long began = System.nanoTime();
    KafkaQuorum.awaitFullyReplicated(bootstrap, 120);
    out.printf("replicas of %s in sync after %.1f s%n", region, (System.nanoTime() - began) / 1e9);
  }

  /**
   * Ends every process it started, by PID, in the order that loses nothing: the fleets (their
   * ledgers written), the edge agents, Prometheus, the aggregators, Flink, Kafka, Mosquitto.
   */
  public void down(PrintStream out) {
    for (Role role : STOP_ORDER) {
      List<ManagedProcess> group =
          state.processes().stream().filter(p -> p.role() == role && p.alive()).toList();
      // A role's processes stop together: Kafka's nodes each shut down while the others still
      // form the quorum their controlled shutdown needs.
      List<Thread> stopping = new ArrayList<>();
      for (ManagedProcess process : group) {
        Thread thread =
            new Thread(
                () -> Launch.stop(process, false, process.role() == Role.KAFKA ? 90 : 30),
                "stop-" + process.name());
        thread.start();
        stopping.add(thread);
      }
      for (int i = 0; i < group.size(); i++) {
        try {
          stopping.get(i).join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        out.printf("stopped %-28s pid %d%n", group.get(i).name(), group.get(i).pid());
      }
    }
  }

  private static final List<Role> STOP_ORDER =
      List.of(
          Role.FLEET,
          Role.EDGE_AGENT,
          Role.PROMETHEUS,
          Role.AGGREGATOR,
          Role.TASKMANAGER,
          Role.JOBMANAGER,
          Role.KAFKA,
          Role.MOSQUITTO);

  /** Every process with its PID, port, health, RSS and CPU, and the global job's state. */
  public void status(PrintStream out) throws InterruptedException {
    List<ManagedProcess> processes = state.processes();
    Map<Long, Double> cpu =
        ProcessStats.cpuPercent(processes.stream().map(ManagedProcess::pid).toList(), 1_000);
    out.printf(
        "%-28s %-12s %8s %6s  %-6s %7s %6s%n",
        "process", "role", "pid", "port", "health", "rss", "cpu");
    for (ManagedProcess process : processes) {
      long rss = ProcessStats.rssMb(process.pid());
      double percent = cpu.getOrDefault(process.pid(), -1.0);
      out.printf(
          "%-28s %-12s %8d %6s  %-6s %7s %6s%n",
          process.name(),
          process.role().name().toLowerCase(java.util.Locale.ROOT),
          process.pid(),
          process.port() == 0 ? "-" : Integer.toString(process.port()),
          Health.of(process),
          rss < 0 ? "-" : rss + " MB",
          percent < 0 ? "-" : String.format("%.0f%%", percent));
    }
    out.println();
    state
        .regions()
        .forEach(
            (region, endpoints) ->
                out.printf(
                    "%s: kafka %s, mqtt %s%n",
                    region, endpoints.get("bootstrap"), endpoints.get("mqtt")));
    if (!state.flinkRest().isEmpty()) {
      int[] slots = FlinkSession.slots(state.flinkRest());
      out.printf(
          "flink: %s (slots %s), global job %s: %s, %d checkpoints%n",
          state.flinkRest(),
          slots == null ? "?" : (slots[0] - slots[1]) + "/" + slots[0] + " used",
          state.jobId(),
          jobState(),
          FlinkSession.completedCheckpoints(state.flinkRest(), state.jobId()));
    }
    if (!state.prometheus().isEmpty()) {
      out.println("prometheus: " + state.prometheus() + " (alerts: /alerts)");
    }
  }
}
