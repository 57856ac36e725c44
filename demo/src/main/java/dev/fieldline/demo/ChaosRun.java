package dev.fieldline.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A chaos run: the pipeline under steady device load in two regions, one fault after another in the
 * faulted region and the global job, then the devices stop, every tier catches up, and {@link
 * ChaosVerifier} checks every region by sequence numbers and natural keys. Prints the faults with
 * their recovery times and what each lost or doubled, then every check.
 */
final class ChaosRun {
  private static final Logger log = LoggerFactory.getLogger(ChaosRun.class);

  /** Data within this much of a fault counts as touched by it. */
  private static final Duration MARGIN =
      ChaosPipeline.REGIONAL_WINDOW.plus(ChaosPipeline.REGIONAL_GRACE);

  private final ChaosSettings settings;
  private final PrintStream out;

  ChaosRun(ChaosSettings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  /** Runs everything; true when every fault recovered and nothing was lost or counted twice. */
  boolean run() throws Exception {
    Path work = Files.createTempDirectory("fieldline-chaos-");
    boolean passed = false;
    try {
      passed = run(work);
      return passed;
    } finally {
      if (passed) {
        delete(work);
      } else {
        out.println("work folder kept for its logs (edge, broker, second aggregator): " + work);
        printLastErrors(work.resolve(settings.faultedRegion()));
      }
    }
  }

  private boolean run(Path work) throws Exception {
    long started = System.nanoTime();
    out.printf(
        "chaos run: faults in %s, %s steady; %d devices at %.0f messages/s per region%n",
        settings.faultedRegion(),
        settings.steadyRegion(),
        settings.devicesPerRegion(),
        settings.ratePerRegion());
    try (ChaosPipeline pipeline = ChaosPipeline.start(settings, work)) {
      awaitOrFail("edge agent ready", Duration.ofSeconds(60), pipeline.edge::isReady);
      awaitOrFail(
          "second aggregator instance ready",
          Duration.ofSeconds(60),
          pipeline.doomedAggregator::isReady);
      pipeline.startLoad();
      Instant loadStarted = Instant.now();
      out.printf(
          "pipeline up in %.1f s; devices publishing%n", (System.nanoTime() - started) / 1e9);
      List<FaultRecord> records = new ArrayList<>();
      try (SeqClock clock = new SeqClock(pipeline.fleet.ledger())) {
        Thread.sleep(settings.warmUp().toMillis());
        List<ChaosFault> schedule = faults(pipeline);
        int round = 0;
        rounds:
        do {
          round++;
          if (round > 1) {
            out.printf("%7s  round %d of the faults%n", at(Instant.now(), loadStarted), round);
            restartSecondAggregator(pipeline, loadStarted);
          }
          for (ChaosFault fault : schedule) {
            FaultRecord record = inflict(fault, loadStarted);
            records.add(record);
            if (record.recovered() == null) {
              break rounds; // the pipeline is down: later faults would prove nothing
            }
            Thread.sleep(settings.pause().toMillis());
          }
        } while (Duration.between(loadStarted, Instant.now()).compareTo(settings.duration()) < 0);
        pipeline.stopLoad();
        out.println("devices stopped; waiting for every tier to catch up ...");
        ChaosVerifier verifier =
            new ChaosVerifier(
                pipeline.bootstrapByRegion(),
                Map.of(
                    settings.faultedRegion(),
                    pipeline.fleet.ledger(),
                    settings.steadyRegion(),
                    pipeline.steady.simulator.ledger()),
                ChaosPipeline.REGIONAL_WINDOW,
                ChaosPipeline.REGIONAL_GRACE,
                ChaosPipeline.GLOBAL_OUT_OF_ORDERNESS);
        ChaosVerifier.Result result = drain(verifier);
        boolean allRecovered = records.stream().allMatch(r -> r.recovered() != null);
        printFaults(records, result, clock, loadStarted);
        printChecks(result);
        printEdgeFilters(pipeline);
        boolean passed = allRecovered && result.clean();
        out.println(
            passed
                ? "\nchaos run passed: every fault recovered; nothing lost, nothing counted twice"
                : "\nCHAOS RUN FAILED: see the faults and checks above");
        return passed;
      }
    }
  }

  private List<ChaosFault> faults(ChaosPipeline pipeline) {
    return List.of(
        new MqttLinkCut(pipeline),
        new EdgeAgentKill(pipeline),
        new KafkaBrokerOutage(pipeline),
        new AggregatorKill(pipeline),
        new TaskManagerLoss(pipeline));
  }

  /**
   * The last round killed the second aggregator instance; the faults of this round (the broker
   * outage's recovery, the next kill) need two instances again.
   */
  private void restartSecondAggregator(ChaosPipeline pipeline, Instant loadStarted)
      throws InterruptedException {
    if (pipeline.doomedAggregator.isAlive()) {
      return;
    }
    pipeline.startSecondAggregator();
    awaitOrFail(
        "second aggregator instance ready again",
        settings.recoveryTimeout(),
        pipeline.doomedAggregator::isReady);
    out.printf(
        "%7s  second aggregator instance started again and ready%n",
        at(Instant.now(), loadStarted));
    Thread.sleep(settings.pause().toMillis());
  }

  private FaultRecord inflict(ChaosFault fault, Instant loadStarted) throws Exception {
    Instant injected = Instant.now();
    out.printf("%7s  %s ...%n", at(injected, loadStarted), fault.name());
    log.info("chaos: injecting '{}'", fault.name());
    fault.inject();
    Thread.sleep(fault.outage().toMillis());
    fault.lift();
    Instant lifted = Instant.now();
    Instant recovered = awaitRecovery(fault);
    FaultRecord record = new FaultRecord(fault.name(), injected, lifted, recovered);
    if (recovered == null) {
      out.printf(
          "%7s  NOT recovered within %d s: %s%n",
          at(Instant.now(), loadStarted), settings.recoveryTimeout().toSeconds(), status(fault));
    } else {
      out.printf(
          "%7s  recovered %.1f s after %s%n",
          at(recovered, loadStarted),
          record.recoveryTime().toMillis() / 1e3,
          fault.outage().isZero() ? "the fault" : "the fault was lifted");
    }
    log.info("chaos: '{}' recovered at {}", fault.name(), recovered);
    return record;
  }

  private Instant awaitRecovery(ChaosFault fault) throws InterruptedException {
    long deadline = System.nanoTime() + settings.recoveryTimeout().toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (fault.recovered()) {
          return Instant.now();
        }
      } catch (Exception e) {
        log.debug("recovery check of '{}': {}", fault.name(), e.toString());
      }
      Thread.sleep(100);
    }
    return null;
  }

  private static String status(ChaosFault fault) {
    try {
      return fault.status();
    } catch (Exception e) {
      return "status unknown (" + e + ")";
    }
  }

  private ChaosVerifier.Result drain(ChaosVerifier verifier) throws InterruptedException {
    long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
    ChaosVerifier.Result result = verifier.verify();
    while (!result.clean() && System.nanoTime() < deadline) {
      Thread.sleep(3_000);
      result = verifier.verify();
    }
    return result;
  }

  private void printFaults(
      List<FaultRecord> records, ChaosVerifier.Result result, SeqClock clock, Instant start) {
    out.printf(
        "%n%-52s %8s %8s %10s %10s %12s%n",
        "fault", "at", "outage", "recovery", "lost", "duplicated");
    for (FaultRecord record : records) {
      long lost = 0;
      long duplicated = 0;
      for (ChaosVerifier.Discrepancy d : result.discrepancies()) {
        if (touches(record, d, clock)) {
          lost += d.lost();
          duplicated += d.duplicated();
        }
      }
      out.printf(
          "%-52s %8s %7.1fs %10s %10d %12d%n",
          record.name(),
          at(record.injected(), start),
          Duration.between(record.injected(), record.lifted()).toMillis() / 1e3,
          record.recoveryTime() == null
              ? "none"
              : String.format("%.1fs", record.recoveryTime().toMillis() / 1e3),
          lost,
          duplicated);
    }
    out.println(
        "(lost and duplicated in readings, over the data of a window before to a window after)");
  }

  /** Whether a discrepancy lies in the data a fault may have touched. */
  private boolean touches(FaultRecord record, ChaosVerifier.Discrepancy d, SeqClock clock) {
    if (d.device() == null) {
      return record.touches(d.windowStart(), MARGIN);
    }
    if (!d.region().equals(settings.faultedRegion())) {
      return false;
    }
    long from = clock.seqAt(d.device(), record.injected().minus(MARGIN).toEpochMilli());
    Instant end = record.recovered() == null ? Instant.now() : record.recovered().plus(MARGIN);
    long to = clock.seqAt(d.device(), end.toEpochMilli());
    return d.lastSeq() > from && d.firstSeq() <= to;
  }

  private void printChecks(ChaosVerifier.Result result) {
    out.printf(
        "%n%-9s %-26s %16s %10s %12s  %s%n",
        "region", "check", "readings checked", "lost", "duplicated", "");
    for (ChaosVerifier.Tally t : result.tallies()) {
      out.printf(
          "%-9s %-26s %,16d %10d %12d  %s%n",
          t.region(), t.check(), t.checked(), t.lost(), t.duplicated(), t.note());
    }
    result
        .deadLetters()
        .forEach(
            (region, byReason) -> {
              if (!byReason.isEmpty()) {
                out.printf("dead letters in %s: %s%n", region, byReason);
              }
            });
    result.deadLetterExamples().forEach(e -> out.println("  " + e));
    List<ChaosVerifier.Discrepancy> shown =
        result.discrepancies().stream()
            .sorted(Comparator.comparing(ChaosVerifier.Discrepancy::check))
            .limit(20)
            .toList();
    if (!shown.isEmpty()) {
      out.println("\nfirst discrepancies:");
      shown.forEach(
          d ->
              out.printf(
                  "  %-9s %-26s %-60s lost %d, duplicated %d%n",
                  d.region(), d.check(), d.where(), d.lost(), d.duplicated()));
    }
  }

  /** The faulted edge's rejects and filters by reason: where lost readings stopped, if there. */
  private void printEdgeFilters(ChaosPipeline pipeline) {
    String counted =
        pipeline
            .edge
            .metrics()
            .lines()
            .filter(l -> l.startsWith("fieldline_edge_readings_"))
            .filter(l -> l.contains("reason=") && !l.endsWith(" 0.0"))
            .map(l -> l.substring("fieldline_edge_readings_".length()))
            .collect(java.util.stream.Collectors.joining(", "));
    out.printf(
        "edge in %s rejected or filtered: %s%n",
        settings.faultedRegion(), counted.isEmpty() ? "nothing" : counted);
  }

  private static String at(Instant when, Instant start) {
    return String.format("+%.1fs", Duration.between(start, when).toMillis() / 1e3);
  }

  private static void awaitOrFail(
      String what, Duration timeout, java.util.function.BooleanSupplier ok)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + ": not within " + timeout.toSeconds() + " s");
      }
      Thread.sleep(200);
    }
  }

  /**
   * The last few ERROR lines of each process log of the faulted region, for a report read in CI.
   */
  private void printLastErrors(Path region) {
    List<Path> logs = new ArrayList<>();
    try (var files = Files.walk(region, 3)) {
      files.filter(f -> f.toString().endsWith(".log")).sorted().forEach(logs::add);
    } catch (IOException e) {
      return;
    }
    for (Path file : logs) {
      try (var lines = Files.lines(file)) {
        List<String> errors = lines.filter(l -> l.contains(" ERROR ")).toList();
        List<String> last = errors.subList(Math.max(0, errors.size() - 5), errors.size());
        out.printf(
            "%s: %d ERROR line(s)%s%n",
            region.relativize(file), errors.size(), last.isEmpty() ? "" : ", the last:");
        last.forEach(line -> out.println("  " + line.substring(0, Math.min(line.length(), 400))));
      } catch (IOException | UncheckedIOException e) {
        out.printf("%s: unreadable (%s)%n", region.relativize(file), e.getMessage());
      }
    }
  }

  private static void delete(Path work) {
    try {
      Folders.deleteRecursively(work);
    } catch (IOException e) {
      log.warn("cannot delete {}: {}", work, e.getMessage());
    }
  }
}
