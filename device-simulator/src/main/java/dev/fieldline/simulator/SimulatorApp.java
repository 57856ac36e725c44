package dev.fieldline.simulator;

import dev.fieldline.support.config.Durations;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code simulate}: runs a device fleet against any MQTT broker and prints its ledger. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    versionProvider = SimulatorApp.Version.class,
    description =
        "Fieldline device simulator: a fleet of devices publishing telemetry over MQTT v5 (QoS 1)"
            + " with daily cycles, noise, injected anomalies and malformed payloads, and an exact"
            + " ledger of what the broker acknowledged.")
public final class SimulatorApp implements Callable<Integer> {
  @Option(names = "--broker", description = "MQTT broker URI (default: ${DEFAULT-VALUE}).")
  String broker = "tcp://127.0.0.1:1883";

  @Option(names = "--client-id", description = "MQTT client id (default: ${DEFAULT-VALUE}).")
  String clientId = "fieldline-simulator";

  @Option(names = "--devices", description = "Devices in the fleet (default: ${DEFAULT-VALUE}).")
  int devices = 100;

  @Option(
      names = "--sites",
      description = "Sites the devices are spread over (default: ${DEFAULT-VALUE}).")
  int sites = 10;

  @Option(names = "--site-prefix", description = "Site id prefix (default: ${DEFAULT-VALUE}).")
  String sitePrefix = "site-";

  @Option(names = "--device-prefix", description = "Device id prefix (default: ${DEFAULT-VALUE}).")
  String devicePrefix = "dev-";

  @Option(
      names = "--types",
      split = ",",
      description = "Device types, assigned in turn: chiller, pump, compressor (default: all).")
  List<String> types = List.of("chiller", "pump", "compressor");

  @Option(
      names = "--rate",
      description = "Messages per second, whole fleet (default: ${DEFAULT-VALUE}).")
  double rate = 500;

  @Option(
      names = "--duration",
      description =
          "How long to run, e.g. 60s or 5m; 0 = until Ctrl-C (default: ${DEFAULT-VALUE}).")
  String duration = "60s";

  @Option(
      names = "--anomaly-rate",
      description = "Share of messages with an anomaly (default: ${DEFAULT-VALUE}).")
  double anomalyRate = 0.01;

  @Option(
      names = "--episodes",
      description =
          "Anomaly episodes per device and metric per hour: one number for every kind, or per kind,"
              + " e.g. spike=6,level-shift=2,drift=1,stuck=1,noise-burst=1,broken-cycle=1 (default:"
              + " none).")
  String episodes = "";

  @Option(
      names = "--episode-duration",
      description =
          "Shortest and longest episode, e.g. 5s..30s or 10m..2h (default: ${DEFAULT-VALUE}).")
  String episodeDuration = "5s..30s";

  @Option(
      names = "--episode-magnitude",
      description =
          "How far an episode moves a metric, in its noise σ (default: ${DEFAULT-VALUE}).")
  double episodeMagnitude = 6;

  @Option(
      names = "--malformed-rate",
      description = "Share of messages spoiled, every kind in turn (default: ${DEFAULT-VALUE}).")
  double malformedRate = 0.01;

  @Option(names = "--topic", description = "Telemetry topic template (default: ${DEFAULT-VALUE}).")
  String topic = SimulatorSettings.DEFAULT_TOPIC;

  @Option(
      names = "--format",
      description =
          "What the devices publish: fieldline (JSON on --topic) or sparkplug (Sparkplug B 3.0, one"
              + " edge node <site>-gw per site in group <site>, devices by alias) (default:"
              + " ${DEFAULT-VALUE}).")
  String format = "fieldline";

  @Option(names = "--seed", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(
      names = "--identities",
      description =
          "Folder of per-device certificates (<deviceId>.p12, <deviceId>.password, truststore.p12,"
              + " truststore.password): one mutual-TLS connection per device, client id = device"
              + " id. Needs an ssl:// broker.")
  Path identities;

  @Option(
      names = "--ledger",
      description =
          "Also write the per-device ledger as CSV to this file, and the anomaly episodes to"
              + " <name>-episodes.csv beside it.")
  Path ledgerFile;

  public static void main(String[] args) {
    System.exit(new CommandLine(new SimulatorApp()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    SimulatorSettings settings;
    Duration runFor;
    try {
      settings =
          new SimulatorSettings(
              broker,
              clientId,
              devices,
              sites,
              sitePrefix,
              devicePrefix,
              types.stream()
                  .map(t -> DeviceType.valueOf(t.strip().toUpperCase(Locale.ROOT)))
                  .toList(),
              rate,
              anomalyRate,
              malformedRate,
              topic,
              1000,
              seed,
              episodeSettings(),
              PayloadFormat.of(format));
      runFor = parseDuration(duration);
    } catch (IllegalArgumentException e) {
      System.err.println("invalid option: " + e.getMessage());
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    DeviceIdentities deviceIdentities;
    try {
      deviceIdentities = identities == null ? null : new DeviceIdentities(identities);
    } catch (IllegalArgumentException e) {
      System.err.println("invalid option --identities: " + e.getMessage());
      return 2;
    }
    try (Simulator simulator = new Simulator(settings, deviceIdentities)) {
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "simulator-stop"));
      simulator.start();
      if (runFor.isZero()) {
        stopped.await();
      } else {
        stopped.await(runFor.toMillis(), TimeUnit.MILLISECONDS);
      }
      simulator.stop();
      print(simulator.ledger(), System.out);
      if (ledgerFile != null) {
        writeCsv(simulator.ledger(), ledgerFile);
      }
      return simulator.ledger().failed() == 0 ? 0 : 1;
    }
  }

  private EpisodeSettings episodeSettings() {
    String[] range = episodeDuration.split("\\.\\.", 2);
    if (range.length != 2) {
      throw new IllegalArgumentException("--episode-duration looks like 5s..30s");
    }
    return new EpisodeSettings(
        EpisodeSettings.parseRates(episodes),
        Durations.parse(range[0]),
        Durations.parse(range[1]),
        episodeMagnitude);
  }

  /** {@code 0} runs until Ctrl-C; anything else is a duration like {@code 90s} or {@code 5m}. */
  static Duration parseDuration(String text) {
    return text.strip().equals("0") ? Duration.ZERO : Durations.parse(text);
  }

  /** The fleet's totals and spoiled messages by kind. */
  public static void print(Ledger ledger, PrintStream out) {
    out.printf(
        "sent %,d messages (%,d readings) from %,d devices: %,d malformed, %,d with an anomaly, %,d failed%n",
        ledger.messages(),
        ledger.readings(),
        ledger.devices().size(),
        ledger.malformed(),
        ledger.anomalies(),
        ledger.failed());
    ledger
        .malformedByKind()
        .forEach((kind, count) -> out.printf("  %-16s %,8d%n", kind.rejectReason(), count));
    if (!ledger.episodes().isEmpty()) {
      out.printf("%,d anomaly episodes:%n", ledger.episodes().size());
      java.util.Map<EpisodeKind, Long> byKind = new java.util.EnumMap<>(EpisodeKind.class);
      ledger.episodes().forEach(e -> byKind.merge(e.kind(), 1L, Long::sum));
      byKind.forEach((kind, count) -> out.printf("  %-16s %,8d%n", kind.id(), count));
    }
  }

  static void writeCsv(Ledger ledger, Path file) throws java.io.IOException {
    StringBuilder csv =
        new StringBuilder(
            "device,site,type,messages,readings,first_seq,last_seq,malformed,anomalies,failed\n");
    for (var d : ledger.devices().values()) {
      csv.append(
              String.join(
                  ",",
                  d.deviceId,
                  d.siteId,
                  d.type,
                  Long.toString(d.messages()),
                  Long.toString(d.readings()),
                  Long.toString(d.firstSeq()),
                  Long.toString(d.lastSeq()),
                  Long.toString(d.malformed()),
                  Long.toString(d.anomalies()),
                  Long.toString(d.failed())))
          .append('\n');
    }
    Files.writeString(file, csv);
    // The ground truth beside it: every episode, for scoring a detector against.
    StringBuilder episodes =
        new StringBuilder("device,metric,kind,start_ms,end_ms,first_seq,last_seq\n");
    for (Episode e : ledger.episodes()) {
      episodes
          .append(
              String.join(
                  ",",
                  e.deviceId(),
                  e.metric(),
                  e.kind().id(),
                  Long.toString(e.start()),
                  Long.toString(e.end()),
                  Long.toString(e.firstSeq()),
                  Long.toString(e.lastSeq())))
          .append('\n');
    }
    String name = file.getFileName().toString().replaceFirst("(\\.csv)?$", "-episodes.csv");
    Files.writeString(file.resolveSibling(name), episodes);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = SimulatorApp.class.getPackage().getImplementationVersion();
      return new String[] {"Fieldline device simulator " + (version == null ? "dev" : version)};
    }
  }
}
