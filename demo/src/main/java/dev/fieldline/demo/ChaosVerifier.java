package dev.fieldline.demo;

import dev.fieldline.infra.kafka.TopicReader;
import dev.fieldline.schema.DeadLetters;
import dev.fieldline.schema.NaturalKeys;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.v1.EdgeSummary;
import dev.fieldline.schema.v1.GlobalAggregate;
import dev.fieldline.schema.v1.RegionalAggregate;
import dev.fieldline.schema.v1.Scope;
import dev.fieldline.simulator.DeviceType;
import dev.fieldline.simulator.Ledger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads every tier of every region at the end of a chaos run ({@code read_committed}) and checks,
 * in readings, that nothing was lost and nothing counted twice:
 *
 * <ol>
 *   <li><b>readings</b>: per device and metric, the distinct summaries (by gateway, device, metric,
 *       window start) cover every sequence number the device sent exactly once;
 *   <li><b>edge gaps</b>: the edges saw no reading go missing before them: {@code received = sent},
 *       so {@code received + missing = sent} with the missing readings the summaries report at 0;
 *   <li><b>regional</b>: per device type, metric and roll-up window, the regional aggregate counts
 *       what the distinct summaries of that window count;
 *   <li><b>export</b>: every regional aggregate left the region once;
 *   <li><b>global copy</b>: every region's {@code global.aggregates} holds every region's export
 *       exactly once;
 *   <li><b>roll-up</b>: every region's global roll-up counts what all regions' exports count.
 * </ol>
 *
 * Used by the chaos run and by the cluster's fault test. Windows are checked once they must be
 * final: a roll-up window once the region's summaries have moved a window and the grace period past
 * it, a global window once every region has.
 */
public final class ChaosVerifier {
  private static final AvroCodec<EdgeSummary> SUMMARIES = AvroCodec.of(EdgeSummary.class);
  private static final AvroCodec<RegionalAggregate> AGGREGATES =
      AvroCodec.of(RegionalAggregate.class);
  private static final AvroCodec<GlobalAggregate> ROLLUPS = AvroCodec.of(GlobalAggregate.class);

  /** Readings lost or counted twice in one place; device and seqs only for the readings check. */
  public record Discrepancy(
      String region,
      String check,
      long windowStart,
      String key,
      String device,
      long firstSeq,
      long lastSeq,
      long lost,
      long duplicated) {
    String where() {
      if (device == null) {
        return readable(key);
      }
      return firstSeq < 0 ? device : device + " seq " + firstSeq + ".." + lastSeq;
    }
  }

  /** One check in one region: how many readings it covered, lost and duplicated. */
  public record Tally(
      String region, String check, long checked, long lost, long duplicated, String note) {}

  /**
   * @param deadLetters per region, dead letters by topic and reason ("edge.summaries.dlq/late")
   */
  public record Result(
      List<Tally> tallies,
      List<Discrepancy> discrepancies,
      Map<String, Map<String, Long>> deadLetters,
      List<String> deadLetterExamples) {
    public boolean clean() {
      return discrepancies.isEmpty();
    }
  }

  /** What one region's cluster holds. */
  private record RegionData(
      Map<String, EdgeSummary> summaries,
      long resentSummaries,
      Map<String, List<RegionalAggregate>> regional,
      Map<String, List<RegionalAggregate>> exports,
      Map<String, List<RegionalAggregate>> copies,
      Map<String, List<GlobalAggregate>> rollups) {}

  private final Map<String, String> bootstrapByRegion;
  private final Map<String, Ledger> ledgers;
  private final long regionalWindow;
  private final long globalWindow;
  private final long regionalGrace;
  private final long globalOutOfOrderness;
  private final List<Tally> tallies = new ArrayList<>();
  private final List<Discrepancy> discrepancies = new ArrayList<>();
  private final List<String> deadLetterExamples = new ArrayList<>();

  public ChaosVerifier(
      Map<String, String> bootstrapByRegion,
      Map<String, Ledger> ledgers,
      Duration regionalWindow,
      Duration regionalGrace,
      Duration globalOutOfOrderness) {
    this(
        bootstrapByRegion,
        ledgers,
        regionalWindow,
        regionalGrace,
        globalOutOfOrderness,
        regionalWindow);
  }

  /**
   * @param globalWindow the global job's roll-up window, a multiple of {@code regionalWindow}: a
   *     roll-up counts the exports of every regional window inside it
   */
  public ChaosVerifier(
      Map<String, String> bootstrapByRegion,
      Map<String, Ledger> ledgers,
      Duration regionalWindow,
      Duration regionalGrace,
      Duration globalOutOfOrderness,
      Duration globalWindow) {
    this.bootstrapByRegion = bootstrapByRegion;
    this.ledgers = ledgers;
    this.globalWindow = globalWindow.toMillis();
    this.regionalWindow = regionalWindow.toMillis();
    this.regionalGrace = regionalGrace.toMillis();
    this.globalOutOfOrderness = globalOutOfOrderness.toMillis();
  }

  public Result verify() {
    tallies.clear();
    discrepancies.clear();
    Map<String, RegionData> data = new LinkedHashMap<>();
    bootstrapByRegion.forEach((region, bootstrap) -> data.put(region, read(bootstrap)));
    long globalClosedBefore = Long.MAX_VALUE;
    for (var entry : data.entrySet()) {
      String region = entry.getKey();
      RegionData d = entry.getValue();
      checkReadings(region, d);
      checkEdgeGaps(region, d);
      long closedBefore = maxWindowEnd(d.summaries) - regionalGrace - regionalWindow;
      checkRegional(region, d, closedBefore);
      checkExport(region, d);
      globalClosedBefore =
          Math.min(globalClosedBefore, maxExportStart(d) - globalOutOfOrderness - globalWindow);
    }
    for (var entry : data.entrySet()) {
      checkCopies(entry.getKey(), entry.getValue(), data);
      checkRollups(entry.getKey(), entry.getValue(), data, globalClosedBefore);
    }
    Map<String, Map<String, Long>> deadLetters = new LinkedHashMap<>();
    deadLetterExamples.clear();
    bootstrapByRegion.forEach(
        (region, bootstrap) -> deadLetters.put(region, deadLetters(region, bootstrap)));
    return new Result(
        List.copyOf(tallies),
        List.copyOf(discrepancies),
        deadLetters,
        List.copyOf(deadLetterExamples));
  }

  /** Dead letters in every tier's dead-letter topic, by topic and reason: they explain losses. */
  private Map<String, Long> deadLetters(String region, String bootstrap) {
    Map<String, Long> byReason = new java.util.TreeMap<>();
    for (String topic : Topics.deadLetterTopics()) {
      for (var record : TopicReader.readRecords(bootstrap, topic)) {
        String reason = DeadLetters.header(record.headers(), DeadLetters.REASON);
        if (byReason.merge(topic + "/" + reason, 1L, Long::sum) <= 3) {
          deadLetterExamples.add(
              region
                  + " "
                  + topic
                  + " key "
                  + record.key()
                  + ": "
                  + DeadLetters.header(record.headers(), DeadLetters.ERROR));
        }
      }
    }
    return byReason;
  }

  private RegionData read(String bootstrap) {
    Map<String, EdgeSummary> summaries = new HashMap<>();
    long resent = 0;
    for (byte[] value : TopicReader.readAll(bootstrap, Topics.EDGE_SUMMARIES.name())) {
      EdgeSummary s = SUMMARIES.decode(value, Topics.EDGE_SUMMARIES.name());
      if (summaries.putIfAbsent(NaturalKeys.of(s), s) != null) {
        resent++;
      }
    }
    return new RegionData(
        summaries,
        resent,
        aggregates(bootstrap, Topics.REGIONAL_AGGREGATES.name()),
        aggregates(bootstrap, Topics.REGIONAL_EXPORT.name()),
        aggregates(bootstrap, Topics.GLOBAL_AGGREGATES.name()),
        rollups(bootstrap));
  }

  private static Map<String, List<RegionalAggregate>> aggregates(String bootstrap, String topic) {
    Map<String, List<RegionalAggregate>> byIdentity = new LinkedHashMap<>();
    for (byte[] value : TopicReader.readAll(bootstrap, topic)) {
      RegionalAggregate a = AGGREGATES.decode(value, topic);
      if (a.getScope() == Scope.DEVICE_TYPE) {
        byIdentity.computeIfAbsent(NaturalKeys.of(a), k -> new ArrayList<>()).add(a);
      }
    }
    return byIdentity;
  }

  private static Map<String, List<GlobalAggregate>> rollups(String bootstrap) {
    Map<String, List<GlobalAggregate>> byKey = new LinkedHashMap<>();
    String topic = Topics.GLOBAL_ROLLUPS.name();
    for (byte[] value : TopicReader.readAll(bootstrap, topic)) {
      GlobalAggregate g = ROLLUPS.decode(value, topic);
      byKey
          .computeIfAbsent(
              windowKey(g.getDeviceType(), g.getMetric(), g.getWindowStart().toEpochMilli()),
              k -> new ArrayList<>())
          .add(g);
    }
    return byKey;
  }

  /** Every sequence number of every device and metric in exactly one distinct summary. */
  private void checkReadings(String region, RegionData d) {
    Map<String, List<EdgeSummary>> byDeviceMetric = new HashMap<>();
    d.summaries.values().stream()
        .filter(s -> s.getStats().getCount() > 0)
        .forEach(
            s ->
                byDeviceMetric
                    .computeIfAbsent(s.getDeviceId() + "|" + s.getMetric(), k -> new ArrayList<>())
                    .add(s));
    long checked = 0;
    long lost = 0;
    long duplicated = 0;
    for (Ledger.DeviceRecord device : ledgers.get(region).devices().values()) {
      long last = device.lastSeq();
      if (last < 1) {
        continue;
      }
      for (DeviceType.Metric metric : DeviceType.fromId(device.type).metrics()) {
        int[] coverage = new int[(int) last + 1];
        for (EdgeSummary s :
            byDeviceMetric.getOrDefault(device.deviceId + "|" + metric.name(), List.of())) {
          for (long seq = s.getFirstSeq(); seq <= Math.min(s.getLastSeq(), last); seq++) {
            coverage[(int) seq]++;
          }
        }
        checked += last;
        long[] tally = reportGaps(region, device.deviceId, coverage);
        lost += tally[0];
        duplicated += tally[1];
      }
    }
    tallies.add(
        new Tally(
            region,
            "readings -> summaries",
            checked,
            lost,
            duplicated,
            d.resentSummaries + " summaries re-sent after a crash (the aggregator drops them)"));
  }

  /** Readings the edges reported missing before them, per device and metric: none may be. */
  private void checkEdgeGaps(String region, RegionData d) {
    Map<String, Long> missing = new java.util.TreeMap<>();
    d.summaries.values().stream()
        .filter(s -> s.getMissingCount() > 0)
        .forEach(
            s ->
                missing.merge(
                    s.getDeviceId() + "|" + s.getMetric(), s.getMissingCount(), Long::sum));
    missing.forEach(
        (deviceMetric, n) ->
            discrepancies.add(
                new Discrepancy(
                    region, "edge gaps", -1, deviceMetric, deviceMetric, -1, -1, n, 0)));
    tallies.add(
        new Tally(
            region,
            "edge gaps",
            ledgers.get(region).readings(),
            missing.values().stream().mapToLong(Long::longValue).sum(),
            0,
            "readings sent that the edges saw go missing (sequence gaps)"));
  }

  /** Adds one discrepancy per run of missing or doubled sequence numbers; returns {lost, dup}. */
  private long[] reportGaps(String region, String device, int[] coverage) {
    long lost = 0;
    long duplicated = 0;
    int start = -1;
    int kind = 1; // 1 = as it should be
    for (int seq = 1; seq <= coverage.length; seq++) {
      int now = seq < coverage.length ? Integer.signum(coverage[seq] - 1) + 1 : 1;
      if (now != kind) {
        if (kind != 1) {
          long n = seq - start;
          discrepancies.add(
              new Discrepancy(
                  region,
                  "readings -> summaries",
                  -1,
                  null,
                  device,
                  start,
                  seq - 1,
                  kind == 0 ? n : 0,
                  kind == 2 ? n : 0));
        }
        start = seq;
        kind = now;
      }
      if (seq < coverage.length) {
        if (coverage[seq] == 0) {
          lost++;
        } else {
          duplicated += coverage[seq] - 1;
        }
      }
    }
    return new long[] {lost, duplicated};
  }

  /** Each final roll-up window counts exactly its distinct summaries. */
  private void checkRegional(String region, RegionData d, long closedBefore) {
    Map<String, Long> expected = new HashMap<>();
    for (EdgeSummary s : d.summaries.values()) {
      long window =
          Math.floorDiv(s.getWindowStart().toEpochMilli(), regionalWindow) * regionalWindow;
      if (window + regionalWindow <= closedBefore) {
        expected.merge(
            windowKey(s.getDeviceType(), s.getMetric(), window),
            s.getStats().getCount(),
            Long::sum);
      }
    }
    Map<String, Long> actual = new HashMap<>();
    Map<String, Long> extra = new HashMap<>();
    for (List<RegionalAggregate> copies : d.regional.values()) {
      RegionalAggregate a = copies.get(0);
      long window = a.getWindowStart().toEpochMilli();
      if (window + regionalWindow <= closedBefore) {
        String key = windowKey(a.getDeviceType(), a.getMetric(), window);
        actual.merge(key, a.getStats().getCount(), Long::sum);
        extra.merge(key, (copies.size() - 1) * a.getStats().getCount(), Long::sum);
      }
    }
    compare(region, "summaries -> regional", expected, actual, extra, "final windows only");
  }

  /** Every regional aggregate in regional.export once (the demo's residency keeps them all). */
  private void checkExport(String region, RegionData d) {
    Map<String, Long> expected = new HashMap<>();
    d.regional.forEach((id, copies) -> expected.put(id, copies.get(0).getStats().getCount()));
    Map<String, Long> actual = new HashMap<>();
    Map<String, Long> extra = new HashMap<>();
    d.exports.forEach(
        (id, copies) -> {
          long count = copies.get(0).getStats().getCount();
          actual.put(id, count);
          extra.put(id, (copies.size() - 1) * count);
        });
    compare(region, "regional -> export", expected, actual, extra, "");
  }

  /** Every region's export exactly once in this region's global.aggregates. */
  private void checkCopies(String region, RegionData d, Map<String, RegionData> all) {
    Map<String, Long> expected = new HashMap<>();
    all.values()
        .forEach(
            origin ->
                origin.exports.forEach(
                    (id, copies) -> expected.put(id, copies.get(0).getStats().getCount())));
    Map<String, Long> actual = new HashMap<>();
    Map<String, Long> extra = new HashMap<>();
    d.copies.forEach(
        (id, copies) -> {
          long count = copies.get(0).getStats().getCount();
          actual.put(id, count);
          extra.put(id, (copies.size() - 1) * count);
        });
    compare(region, "exports -> global copy", expected, actual, extra, "all regions' exports");
  }

  /** Each final global roll-up counts every region's exports of its window. */
  private void checkRollups(
      String region, RegionData d, Map<String, RegionData> all, long closedBefore) {
    Map<String, Long> expected = new HashMap<>();
    for (RegionData origin : all.values()) {
      for (List<RegionalAggregate> copies : origin.exports.values()) {
        RegionalAggregate a = copies.get(0);
        long window = Math.floorDiv(a.getWindowStart().toEpochMilli(), globalWindow) * globalWindow;
        if (window + globalWindow <= closedBefore) {
          expected.merge(
              windowKey(a.getDeviceType(), a.getMetric(), window),
              a.getStats().getCount(),
              Long::sum);
        }
      }
    }
    Map<String, Long> actual = new HashMap<>();
    Map<String, Long> extra = new HashMap<>();
    d.rollups.forEach(
        (key, copies) -> {
          GlobalAggregate g = copies.get(0);
          if (g.getWindowStart().toEpochMilli() + globalWindow <= closedBefore) {
            actual.put(key, g.getStats().getCount());
            extra.put(key, (copies.size() - 1) * g.getStats().getCount());
          }
        });
    compare(region, "exports -> global roll-up", expected, actual, extra, "final windows only");
  }

  private void compare(
      String region,
      String check,
      Map<String, Long> expected,
      Map<String, Long> actual,
      Map<String, Long> extra,
      String note) {
    long checked = 0;
    long lost = 0;
    long duplicated = 0;
    java.util.Set<String> keys = new java.util.HashSet<>(expected.keySet());
    keys.addAll(actual.keySet());
    for (String key : keys) {
      long want = expected.getOrDefault(key, 0L);
      long got = actual.getOrDefault(key, 0L);
      long twice = extra.getOrDefault(key, 0L) + Math.max(0, got - want);
      long missing = Math.max(0, want - got);
      checked += want;
      lost += missing;
      duplicated += twice;
      if (missing > 0 || twice > 0) {
        discrepancies.add(
            new Discrepancy(region, check, windowOf(key), key, null, 0, 0, missing, twice));
      }
    }
    tallies.add(new Tally(region, check, checked, lost, duplicated, note));
  }

  private static String windowKey(String deviceType, String metric, long windowStart) {
    return deviceType + "|" + metric + "@" + windowStart;
  }

  /** A key ending in "@epochMillis", with the time written out. */
  static String readable(String key) {
    int at = key.lastIndexOf('@');
    return key.substring(0, at + 1)
        + java.time.Instant.ofEpochMilli(Long.parseLong(key.substring(at + 1)));
  }

  /** The window start in a window key or an aggregate identity (both end in "@start"). */
  private static long windowOf(String key) {
    return Long.parseLong(key.substring(key.lastIndexOf('@') + 1));
  }

  private static long maxWindowEnd(Map<String, EdgeSummary> summaries) {
    return summaries.values().stream()
        .mapToLong(s -> s.getWindowEnd().toEpochMilli())
        .max()
        .orElse(Long.MIN_VALUE / 2);
  }

  private static long maxExportStart(RegionData d) {
    return d.exports.values().stream()
        .mapToLong(c -> c.get(0).getWindowStart().toEpochMilli())
        .max()
        .orElse(Long.MIN_VALUE / 2);
  }
}
