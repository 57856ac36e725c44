package dev.fieldline.regional.topology;

import dev.fieldline.schema.v1.Scope;

/**
 * Keys of the roll-up scopes: {@code site|<siteId>|<deviceType>|<metric>} and {@code
 * type|<deviceType>|<metric>}. The prefix tells the scope, so a record needs nothing else to be
 * rolled up after repartitioning.
 */
public final class ScopeKeys {
  static final String SITE_PREFIX = "site|";
  static final String TYPE_PREFIX = "type|";

  private ScopeKeys() {}

  public static String site(String siteId, String deviceType, String metric) {
    return SITE_PREFIX + siteId + "|" + deviceType + "|" + metric;
  }

  public static String deviceType(String deviceType, String metric) {
    return TYPE_PREFIX + deviceType + "|" + metric;
  }

  public static Scope scopeOf(String key) {
    return key.startsWith(SITE_PREFIX) ? Scope.SITE : Scope.DEVICE_TYPE;
  }
}
