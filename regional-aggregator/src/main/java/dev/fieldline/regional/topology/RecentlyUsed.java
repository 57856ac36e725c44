package dev.fieldline.regional.topology;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map that keeps only its {@code capacity} most recently used entries (read or written): the
 * bounded caches a task keeps in front of its stores.
 */
final class RecentlyUsed<K, V> extends LinkedHashMap<K, V> {
  private final int capacity;

  RecentlyUsed(int capacity) {
    super(16, 0.75f, true);
    this.capacity = capacity;
  }

  @Override
  protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
    return size() > capacity;
  }
}
