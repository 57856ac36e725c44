package dev.fieldline.edge.core;

import java.util.HashMap;
import java.util.Map;

/**
 * One copy of each site id and device type. Thousands of devices name a handful of them, and every
 * topic and payload parsed makes a new copy. Kept per device, these copies and the rules' reason
 * texts (now built at a rule's first decision) were together about 6% of the core's state at 10,000
 * devices with 3 metrics. Bounded: past the limit a name is kept as it came. Decision thread only.
 */
final class SharedNames {
  private static final int LIMIT = 4_096;
  private final Map<String, String> names = new HashMap<>();

  /** The shared copy of {@code name}. */
  String of(String name) {
    String shared = names.get(name);
    if (shared != null) {
      return shared;
    }
    if (names.size() < LIMIT) {
      names.put(name, name);
    }
    return name;
  }
}
