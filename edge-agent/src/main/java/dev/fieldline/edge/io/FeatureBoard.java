package dev.fieldline.edge.io;

import dev.fieldline.edge.core.FeatureLookup;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.v1.FeatureUpdate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest feature update per (device type, metric), read by the decision thread without a lock:
 * each update replaces an immutable map, so a rule always sees one whole update, never half of one.
 * Every change is saved to a local file, so that an agent restarted without its uplink keeps the
 * last known thresholds.
 */
public final class FeatureBoard implements FeatureLookup {
  private static final Logger log = LoggerFactory.getLogger(FeatureBoard.class);
  private static final AvroCodec<FeatureUpdate> CODEC = AvroCodec.of(FeatureUpdate.class);

  private final Path file;
  private volatile Map<String, FeatureUpdate> latest = Map.of();
  private final Map<String, java.time.Instant> appliedAt =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** A board saved to {@code file} (null: kept in memory only), loaded from it if it exists. */
  public FeatureBoard(Path file) {
    this.file = file;
    if (file != null && Files.exists(file)) {
      latest = load(file);
      log.info("loaded {} feature updates from {}", latest.size(), file);
    }
  }

  @Override
  public FeatureUpdate get(String deviceType, String metric) {
    return latest.get(Topics.featureKey(deviceType, metric));
  }

  /** Applies an update unless a newer version is already known; true if it was applied. */
  public synchronized boolean apply(FeatureUpdate update) {
    String key = Topics.featureKey(update.getDeviceType(), update.getMetric());
    FeatureUpdate current = latest.get(key);
    if (current != null && current.getVersion() >= update.getVersion()) {
      return false;
    }
    Map<String, FeatureUpdate> next = new HashMap<>(latest);
    next.put(key, update);
    latest = Map.copyOf(next);
    appliedAt.put(key, java.time.Instant.now());
    save();
    return true;
  }

  /**
   * When this process applied the update it holds for {@code key} (a device type and metric), or
   * null for one loaded from the saved board at start.
   */
  public java.time.Instant appliedAt(String key) {
    return appliedAt.get(key);
  }

  /**
   * Seconds since the newest feature update known here was computed, or -1 with none: a growing age
   * means learned thresholds no longer reach this edge.
   */
  public double newestAgeSeconds(long nowMillis) {
    long newest =
        all().values().stream()
            .mapToLong(update -> update.getComputedAt().toEpochMilli())
            .max()
            .orElse(Long.MIN_VALUE);
    return newest == Long.MIN_VALUE ? -1 : (nowMillis - newest) / 1000.0;
  }

  public Map<String, FeatureUpdate> all() {
    return latest;
  }

  private void save() {
    if (file == null) {
      return;
    }
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      List<FeatureUpdate> updates = new ArrayList<>(latest.values());
      ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
      for (FeatureUpdate update : updates) {
        byte[] bytes = CODEC.encode(update);
        buffer.putInt(bytes.length).put(bytes);
      }
      Files.write(tmp, java.util.Arrays.copyOf(buffer.array(), buffer.position()));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      log.warn("cannot save feature updates to {}: {}", file, e.getMessage());
    }
  }

  private static Map<String, FeatureUpdate> load(Path file) {
    try {
      ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file));
      Map<String, FeatureUpdate> map = new HashMap<>();
      while (buffer.remaining() >= 4) {
        byte[] bytes = new byte[buffer.getInt()];
        buffer.get(bytes);
        FeatureUpdate update = CODEC.decode(bytes, "file " + file);
        map.put(Topics.featureKey(update.getDeviceType(), update.getMetric()), update);
      }
      return Map.copyOf(map);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read saved feature updates " + file, e);
    } catch (RuntimeException e) {
      log.warn("ignoring unreadable saved feature updates {}: {}", file, e.getMessage());
      return Map.of();
    }
  }
}
