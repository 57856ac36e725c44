package dev.fieldline.global.job;

import dev.fieldline.global.config.GlobalConfig;
import dev.fieldline.global.config.Region;
import java.util.ArrayList;
import java.util.List;

/**
 * Transactional id prefixes of the job's exactly-once sinks. No prefix may start another: the Kafka
 * connector's listing abort strategy treats every open transaction whose id starts with a sink's
 * prefix as that sink's own and aborts it. {@code +} never occurs in job or region names (both are
 * validated), so ending every part with it keeps the prefixes apart, also for regions such as
 * {@code us} and {@code us-east}.
 */
public final class TransactionalIds {
  private static final String SEPARATOR = "+";

  private TransactionalIds() {}

  /** The sink that copies {@code from}'s exports into {@code to}'s global.aggregates. */
  public static String replication(String jobName, String from, String to) {
    return prefix(jobName, "replicate", from, to);
  }

  /** The sink of roll-ups, features, alerts and dead letters into {@code region}. */
  public static String analytics(String jobName, String region) {
    return prefix(jobName, "analytics", region);
  }

  /** Every prefix the job uses. */
  public static List<String> all(GlobalConfig config) {
    List<String> prefixes = new ArrayList<>();
    for (Region from : config.regions) {
      prefixes.add(analytics(config.jobName, from.name));
      for (Region to : config.regions) {
        prefixes.add(replication(config.jobName, from.name, to.name));
      }
    }
    return prefixes;
  }

  private static String prefix(String jobName, String... parts) {
    return jobName + SEPARATOR + String.join(SEPARATOR, parts) + SEPARATOR;
  }
}
