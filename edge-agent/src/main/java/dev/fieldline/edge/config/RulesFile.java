package dev.fieldline.edge.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.fieldline.edge.anomaly.DetectorSettings;
import dev.fieldline.edge.core.filters.FilterSpec;
import dev.fieldline.edge.core.rules.RuleKind;
import dev.fieldline.edge.core.rules.RuleSpec;
import dev.fieldline.support.config.ConfigException;
import dev.fieldline.support.config.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The rules file: filters and decision rules in YAML (see {@code rules.example.yaml}). A bad file
 * stops start-up with a message that names the rule (or filter) and the problem.
 */
public final class RulesFile {
  private static DetectorSettings detector(RuleEntry r) {
    DetectorSettings settings = DetectorSettings.defaults();
    if (r.quiet != null) {
      settings = settings.withQuiet(r.quiet);
    }
    return settings.withFleetPriors(!"withhold".equals(r.features));
  }

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** As written in the file. */
  public static final class Document {
    public List<FilterEntry> filters = new ArrayList<>();
    public List<RuleEntry> rules = new ArrayList<>();
  }

  /** One filter entry. */
  public static final class FilterEntry {
    public String deviceType;
    public String metric;
    public Double min;
    public Double max;
    public Double deadband;
    public String minInterval;
  }

  /** One rule entry. */
  public static final class RuleEntry {
    public String id;
    public String type;
    public String deviceType;
    public String metric;
    public Double above;
    public Double below;
    public Double clearAbove;
    public Double clearBelow;
    public Debounce debounce;

    /** Anomaly rules: readings the detector stays silent after an alarm (default 100). */
    public Integer quiet;

    /**
     * Anomaly rules: {@code use} (default) lets the global features stand in while a device's
     * series warms up; {@code withhold} scores from the device's own history only.
     */
    public String features;

    /** Records the rule's decisions without sending its commands (to evaluate a rule first). */
    public boolean shadow;

    public Long minFeatureCount;
    public String action;
    public Map<String, String> args = new LinkedHashMap<>();
    public String clearAction;
  }

  /** N of the last M readings. */
  public static final class Debounce {
    public int n = 1;
    public int m = 1;
  }

  private final List<FilterSpec> filters;
  private final List<RuleSpec> rules;

  private RulesFile(List<FilterSpec> filters, List<RuleSpec> rules) {
    this.filters = filters;
    this.rules = rules;
  }

  public static RulesFile empty() {
    return new RulesFile(List.of(), List.of());
  }

  public List<FilterSpec> filters() {
    return filters;
  }

  public List<RuleSpec> rules() {
    return rules;
  }

  public static RulesFile load(Path file) {
    Document doc;
    try {
      doc = YAML.readValue(Files.readString(file), Document.class);
    } catch (IOException e) {
      throw new ConfigException(
          "rules file " + file + ": " + String.valueOf(e.getMessage()).split("\n")[0]);
    }
    if (doc == null) {
      return empty();
    }
    return from(doc, file.toString());
  }

  static RulesFile from(Document doc, String source) {
    List<String> problems = new ArrayList<>();
    List<FilterSpec> filters = new ArrayList<>();
    for (int i = 0; i < doc.filters.size(); i++) {
      FilterEntry f = doc.filters.get(i);
      String name = "filter #" + (i + 1);
      double min = f.min == null ? Double.NEGATIVE_INFINITY : f.min;
      double max = f.max == null ? Double.POSITIVE_INFINITY : f.max;
      if (min > max) {
        problems.add(name + ": min " + min + " is above max " + max);
      }
      if (f.deadband != null && f.deadband < 0) {
        problems.add(name + ": deadband must not be negative");
      }
      Duration interval = Duration.ZERO;
      if (f.minInterval != null) {
        try {
          interval = Durations.parse(f.minInterval);
        } catch (IllegalArgumentException e) {
          problems.add(name + ": min-interval " + e.getMessage());
        }
      }
      filters.add(
          new FilterSpec(
              f.deviceType, f.metric, min, max, f.deadband == null ? 0 : f.deadband, interval));
    }
    List<RuleSpec> rules = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < doc.rules.size(); i++) {
      RuleEntry r = doc.rules.get(i);
      String name = r.id == null || r.id.isBlank() ? "rule #" + (i + 1) : "rule '" + r.id + "'";
      List<String> mine = new ArrayList<>();
      if (r.id == null || r.id.isBlank()) {
        mine.add("needs an id");
      } else if (!ids.add(r.id)) {
        mine.add("id is used twice");
      }
      RuleKind kind = null;
      try {
        kind = RuleKind.valueOf(String.valueOf(r.type).toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        mine.add("type must be threshold, rate-of-change, zscore or anomaly (got " + r.type + ")");
      }
      if (r.metric == null || r.metric.isBlank()) {
        mine.add("needs a metric");
      }
      if (r.action == null || r.action.isBlank()) {
        mine.add("needs an action");
      }
      if (r.above == null && r.below == null) {
        mine.add("needs above or below");
      }
      if (kind != null && kind != RuleKind.THRESHOLD && r.below != null) {
        mine.add(kind.id() + " rules take above only");
      }
      if (r.quiet != null && (kind != RuleKind.ANOMALY || r.quiet < 0)) {
        mine.add("quiet (readings of silence after an alarm, 0 or more) is for anomaly rules only");
      }
      if (r.features != null
          && (kind != RuleKind.ANOMALY
              || !(r.features.equals("use") || r.features.equals("withhold")))) {
        mine.add("features (use or withhold) is for anomaly rules only, got " + r.features);
      }
      if (kind == RuleKind.ANOMALY && r.above != null && (r.above < 0 || r.above >= 1)) {
        mine.add("an anomaly score is in [0, 1]: above must be at least 0 and under 1");
      }
      if (r.above != null && r.clearBelow != null && r.clearBelow > r.above) {
        mine.add("clear-below " + r.clearBelow + " must not exceed above " + r.above);
      }
      if (r.below != null && r.clearAbove != null && r.clearAbove < r.below) {
        mine.add("clear-above " + r.clearAbove + " must not be under below " + r.below);
      }
      Debounce debounce = r.debounce == null ? new Debounce() : r.debounce;
      if (debounce.m < 1 || debounce.m > 64 || debounce.n < 1 || debounce.n > debounce.m) {
        mine.add(
            "debounce needs 1 <= n <= m <= 64 (got n=" + debounce.n + ", m=" + debounce.m + ")");
      }
      mine.forEach(p -> problems.add(name + ": " + p));
      if (mine.isEmpty()) {
        rules.add(
            new RuleSpec(
                r.id,
                kind,
                r.deviceType,
                r.metric,
                r.above == null ? Double.NaN : r.above,
                r.below == null ? Double.NaN : r.below,
                r.clearAbove == null ? Double.NaN : r.clearAbove,
                r.clearBelow == null ? Double.NaN : r.clearBelow,
                debounce.n,
                debounce.m,
                r.minFeatureCount == null ? 30 : r.minFeatureCount,
                r.action,
                r.args == null ? Map.of() : r.args,
                r.clearAction,
                detector(r),
                r.shadow));
      }
    }
    if (!problems.isEmpty()) {
      List<String> named = new ArrayList<>();
      problems.forEach(p -> named.add("rules file " + source + ", " + p));
      throw new ConfigException(named);
    }
    return new RulesFile(List.copyOf(filters), List.copyOf(rules));
  }
}
