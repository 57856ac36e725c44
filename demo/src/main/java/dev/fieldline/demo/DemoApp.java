package dev.fieldline.demo;

import dev.fieldline.simulator.PayloadFormat;
import dev.fieldline.support.config.Durations;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** {@code ./fieldline demo}: the whole pipeline in one JVM, a live console, a reconciliation. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Runs Fieldline end to end in this JVM on loopback: per region an MQTT broker, a Kafka"
            + " cluster, an edge agent, a regional aggregator and a device fleet; the global Flink"
            + " job across regions. Prints a live console, then the reconciliation; exits 0 only"
            + " if every row balances.")
public final class DemoApp implements Callable<Integer> {
  @Option(
      names = "--duration",
      description = "How long the devices publish, e.g. 60s, 3m (default: ${DEFAULT-VALUE}).")
  String duration = "60s";

  @Option(names = "--devices", description = "Devices per region (default: ${DEFAULT-VALUE}).")
  int devices = 60;

  @Option(
      names = "--rate",
      description = "Messages per second per region (default: ${DEFAULT-VALUE}).")
  double rate = 300;

  @Option(
      names = "--regions",
      split = ",",
      description = "Region names (default: eu-west,us-east).")
  List<String> regions = List.of("eu-west", "us-east");

  @Option(
      names = "--anomaly-rate",
      description = "Share of messages with an anomaly (default: ${DEFAULT-VALUE}).")
  double anomalyRate = 0.02;

  @Option(
      names = "--malformed-rate",
      description = "Share of malformed messages (default: ${DEFAULT-VALUE}).")
  double malformedRate = 0.01;

  @Option(
      names = "--chaos",
      description =
          "Run the chaos suite instead: under load, cut the edge's MQTT link, kill the edge agent,"
              + " stop a Kafka broker for 30 s, kill an aggregator instance and lose the Flink"
              + " TaskManager; then check every tier by sequence numbers (about three and a half"
              + " minutes). Takes --devices, --rate (defaults 12 and 60 for a chaos run),"
              + " --regions FAULTED,STEADY and --duration (the faults repeat until the load has"
              + " run that long; default: once); refuses the options it does not use.")
  boolean chaos;

  /** Options a chaos run takes; any other option given with --chaos is refused. */
  private static final List<String> CHAOS_OPTIONS =
      List.of("--chaos", "--devices", "--rate", "--regions", "--duration");

  @Spec CommandSpec spec;

  @Option(
      names = "--secure",
      description =
          "Zero trust: make a throwaway certificate authority and a certificate per broker,"
              + " service, gateway and device, and run every hop over mutual TLS with per-identity"
              + " access rules (MQTT access policy, Kafka ACLs).")
  boolean secure;

  @Option(
      names = "--format",
      description =
          "What the devices publish: fieldline (JSON) or sparkplug (Sparkplug B 3.0, an edge node"
              + " per site; the edge agents are their host application) (default:"
              + " ${DEFAULT-VALUE}).")
  String format = "fieldline";

  @Option(
      names = "--trace-ratio",
      description =
          "Share of readings traced through every tier and region (0 switches tracing off;"
              + " default: ${DEFAULT-VALUE}). While the demo runs, ./fieldline trace <deviceId>"
              + " <seq> prints one reading's path.")
  double traceRatio = 1.0;

  @Option(
      names = "--web-port",
      description =
          "Port of the web console on 127.0.0.1 (default: a free port, printed at start; off under"
              + " --secure).")
  int webPort = 0;

  @Option(names = "--no-web", description = "No web console.")
  boolean noWeb;

  @Option(
      names = "--plain",
      description = "Append frames instead of redrawing (also when output is not a terminal).")
  boolean plain;

  /**
   * The chaos run's settings from the options given; an option the chaos run does not use is an
   * error, not silently ignored.
   */
  ChaosSettings chaosSettings() {
    var parsed = spec.commandLine().getParseResult();
    List<String> unused =
        spec.options().stream()
            .filter(option -> parsed.hasMatchedOption(option))
            .map(option -> option.longestName())
            .filter(name -> !CHAOS_OPTIONS.contains(name))
            .toList();
    if (!unused.isEmpty()) {
      throw new IllegalArgumentException(
          String.join(", ", unused)
              + (unused.size() == 1 ? " does" : " do")
              + " not apply to a chaos run, which takes only --devices, --rate, --regions and"
              + " --duration");
    }
    ChaosSettings defaults = ChaosSettings.defaults();
    if (parsed.hasMatchedOption("--regions") && regions.size() != 2) {
      throw new IllegalArgumentException(
          "--regions: a chaos run takes two regions, the faulted one first (got " + regions + ")");
    }
    if (regions.size() == 2 && regions.get(0).equals(regions.get(1))) {
      throw new IllegalArgumentException("--regions: two different regions");
    }
    int chaosDevices = parsed.hasMatchedOption("--devices") ? devices : defaults.devicesPerRegion();
    double chaosRate = parsed.hasMatchedOption("--rate") ? rate : defaults.ratePerRegion();
    if (chaosDevices < 1 || !(chaosRate > 0)) {
      throw new IllegalArgumentException("--devices and --rate must be positive");
    }
    ChaosSettings loaded =
        parsed.hasMatchedOption("--regions")
            ? defaults.withLoad(regions.get(0), regions.get(1), chaosDevices, chaosRate)
            : defaults.withLoad(
                defaults.faultedRegion(), defaults.steadyRegion(), chaosDevices, chaosRate);
    return parsed.hasMatchedOption("--duration")
        ? loaded.withDuration(Durations.parse(duration))
        : loaded;
  }

  public static void main(String[] args) {
    // Before any logger exists: the demo's log configuration writes to a file, not the terminal.
    if (System.getProperty("log4j2.configurationFile") == null) {
      System.setProperty("log4j2.configurationFile", "log4j2-demo.xml");
    }
    System.exit(new CommandLine(new DemoApp()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (chaos) {
      ChaosSettings chaosSettings;
      try {
        chaosSettings = chaosSettings();
      } catch (IllegalArgumentException e) {
        System.err.println("invalid option: " + e.getMessage());
        return 2;
      }
      return new ChaosRun(chaosSettings, System.out).run() ? 0 : 1;
    }
    Duration publishFor;
    PayloadFormat payloadFormat;
    try {
      publishFor = Durations.parse(duration);
    } catch (RuntimeException e) {
      System.err.println("invalid option: --duration: " + e.getMessage());
      return 2;
    }
    try {
      if (devices < 1 || !(rate > 0) || regions.isEmpty()) {
        throw new IllegalArgumentException("devices, rate and regions must be positive");
      }
      if (!(traceRatio >= 0 && traceRatio <= 1)) {
        throw new IllegalArgumentException("--trace-ratio is a share between 0 and 1");
      }
      payloadFormat = PayloadFormat.of(format);
      if (secure && payloadFormat == PayloadFormat.SPARKPLUG) {
        throw new IllegalArgumentException(
            "--secure issues a certificate per device; Sparkplug B edge nodes connect for their"
                + " devices, so --format sparkplug runs without --secure");
      }
      if (webPort < 0 || webPort > 65_535) {
        throw new IllegalArgumentException("--web-port is a port number (0: a free one)");
      }
    } catch (RuntimeException e) {
      System.err.println("invalid option: " + e.getMessage());
      return 2;
    }
    DemoSettings settings =
        new DemoSettings(
            regions,
            publishFor,
            devices,
            rate,
            anomalyRate,
            malformedRate,
            "5s",
            "10s",
            Duration.ofSeconds(2),
            Duration.ofSeconds(90),
            secure,
            traceRatio,
            payloadFormat);
    String logFile = System.getProperty("fieldline.log", "fieldline-demo.log");
    boolean inPlace = !plain && System.console() != null;
    Demo demo = new Demo(settings, new Console(System.out, inPlace, logFile));
    if (secure && !noWeb) {
      // Everything the page serves names devices, and a browser brings no client certificate:
      // under --secure the data stays behind mutual TLS (./fieldline trace), not on a plain port.
      System.out.println(
          "web console: off under --secure (it would serve device data without a client"
              + " certificate); ./fieldline trace reads traces over mutual TLS");
    } else if (!noWeb) {
      demo.withWebConsole(webPort);
    }
    // Ctrl-C stops the devices; the demo still drains and reconciles. A handler instead of a
    // shutdown hook: once the JVM shuts down, the brokers' own hooks stop them mid-drain.
    AtomicBoolean interrupted = new AtomicBoolean();
    Signal.handle(
        new Signal("INT"),
        signal -> {
          if (interrupted.compareAndSet(false, true)) {
            System.err.println(
                "\nstopping the devices; draining and reconciling (Ctrl-C again quits)");
            demo.requestStop();
          } else {
            Runtime.getRuntime().halt(130);
          }
        });
    try {
      return demo.run(System.out) ? 0 : 1;
    } finally {
      demo.close();
    }
  }
}
