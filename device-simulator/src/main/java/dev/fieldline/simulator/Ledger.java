package dev.fieldline.simulator;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exact record of what the simulator delivered: per device, messages and readings the broker
 * acknowledged, the sequence range of good messages, spoiled messages by kind, anomalies injected,
 * and every anomaly episode (device, metric, kind, start, end). A message counts once its QoS 1
 * publish is acknowledged; failed publishes are counted apart and never as sent.
 */
public final class Ledger {
  /** What one device delivered. */
  public static final class DeviceRecord {
    public final String deviceId;
    public final String siteId;
    public final String type;
    long messages;
    long readings;
    long firstSeq = -1;
    long lastSeq = -1;
    long malformed;
    long anomalies;
    long failed;

    DeviceRecord(String deviceId, String siteId, String type) {
      this.deviceId = deviceId;
      this.siteId = siteId;
      this.type = type;
    }

    public synchronized long messages() {
      return messages;
    }

    /** Readings as the edge counts them: one per metric of a good message, one per spoiled one. */
    public synchronized long readings() {
      return readings;
    }

    public synchronized long firstSeq() {
      return firstSeq;
    }

    public synchronized long lastSeq() {
      return lastSeq;
    }

    public synchronized long malformed() {
      return malformed;
    }

    public synchronized long anomalies() {
      return anomalies;
    }

    public synchronized long failed() {
      return failed;
    }
  }

  private final Map<String, DeviceRecord> devices = new ConcurrentHashMap<>();
  private final Map<Malformation, Long> malformedByKind = new EnumMap<>(Malformation.class);
  private final List<Episode> episodes = new ArrayList<>();

  void register(String deviceId, String siteId, String type) {
    devices.put(deviceId, new DeviceRecord(deviceId, siteId, type));
  }

  void good(String deviceId, long seq, int readings, int anomalies) {
    DeviceRecord record = devices.get(deviceId);
    synchronized (record) {
      record.messages++;
      record.readings += readings;
      record.anomalies += anomalies;
      if (record.firstSeq < 0 || seq < record.firstSeq) {
        record.firstSeq = seq;
      }
      record.lastSeq = Math.max(record.lastSeq, seq);
    }
  }

  void spoiled(String deviceId, Malformation kind) {
    DeviceRecord record = devices.get(deviceId);
    synchronized (record) {
      record.messages++;
      record.readings++;
      record.malformed++;
    }
    synchronized (malformedByKind) {
      malformedByKind.merge(kind, 1L, Long::sum);
    }
  }

  void episode(Episode episode) {
    synchronized (episodes) {
      episodes.add(episode);
    }
  }

  /** Every finished anomaly episode, in the order they ended. */
  public List<Episode> episodes() {
    synchronized (episodes) {
      return List.copyOf(episodes);
    }
  }

  void failed(String deviceId) {
    DeviceRecord record = devices.get(deviceId);
    synchronized (record) {
      record.failed++;
    }
  }

  /** Every device's record, by device id. */
  public Map<String, DeviceRecord> devices() {
    return new TreeMap<>(devices);
  }

  public Map<Malformation, Long> malformedByKind() {
    synchronized (malformedByKind) {
      return new EnumMap<>(malformedByKind);
    }
  }

  public long messages() {
    return devices.values().stream().mapToLong(DeviceRecord::messages).sum();
  }

  public long readings() {
    return devices.values().stream().mapToLong(DeviceRecord::readings).sum();
  }

  public long malformed() {
    return devices.values().stream().mapToLong(DeviceRecord::malformed).sum();
  }

  public long anomalies() {
    return devices.values().stream().mapToLong(DeviceRecord::anomalies).sum();
  }

  public long failed() {
    return devices.values().stream().mapToLong(DeviceRecord::failed).sum();
  }
}
