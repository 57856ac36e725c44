package dev.fieldline.regional.topology;

/**
 * The newest edge window start seen per natural key, remembered for the most recently used keys of
 * one task: a cache in front of the dedup store, never the record of what was seen.
 *
 * <p>Edges send each key's windows in order, so almost every summary is newer than anything seen
 * for its key, which this cache answers without reading the store. Only a summary at or before the
 * newest start (a re-send, or a key the cache does not hold) needs the store.
 */
final class NewestWindowStarts {
  /** About 120 bytes a key: 100,000 keys are 12 MB, and a key that falls out costs one read. */
  static final int DEFAULT_CAPACITY = 100_000;

  private final RecentlyUsed<String, Long> newest;

  NewestWindowStarts(int capacity) {
    this.newest = new RecentlyUsed<>(capacity);
  }

  /** The newest start remembered for {@code key}, or null when this cache does not know it. */
  Long get(String key) {
    return newest.get(key);
  }

  /** Records that {@code key} was seen with {@code windowStart}; never moves a key back. */
  void seen(String key, long windowStart) {
    newest.merge(key, windowStart, Math::max);
  }

  /** Forgets everything, e.g. when the task's state is restored from its changelog. */
  void clear() {
    newest.clear();
  }
}
