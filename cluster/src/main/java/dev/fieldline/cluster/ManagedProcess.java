package dev.fieldline.cluster;

import java.util.List;
import java.util.Map;

/**
 * One OS process of the cluster, as {@code cluster.json} records it: enough to find it again from
 * another process ({@code status}, {@code down}) and to start it again the same way (a fault test
 * restarting a Kafka node on its data and ports).
 *
 * @param name unique, e.g. {@code kafka-eu-west-2}
 * @param role what it is ({@link Role})
 * @param region its region, or empty for the global tier
 * @param pid its process id while it runs
 * @param port the port it serves (broker, REST, MQTT, HTTP)
 * @param health how to ask whether it is healthy: an {@code http://} URL answering 200, a {@code
 *     tcp://host:port} accepting connections, or empty (alive is healthy)
 * @param log its output (appended across restarts)
 * @param command the command line that starts it
 * @param environment variables set for it besides the inherited ones
 */
public record ManagedProcess(
    String name,
    Role role,
    String region,
    long pid,
    int port,
    String health,
    String log,
    List<String> command,
    Map<String, String> environment) {

  /** The kinds of process a cluster has. */
  public enum Role {
    KAFKA,
    MOSQUITTO,
    EDGE_AGENT,
    AGGREGATOR,
    FLEET,
    JOBMANAGER,
    TASKMANAGER,
    PROMETHEUS
  }

  public ManagedProcess {
    command = List.copyOf(command);
    environment = Map.copyOf(environment);
  }

  /** The same process started again with {@code newPid}. */
  ManagedProcess withPid(long newPid) {
    return new ManagedProcess(name, role, region, newPid, port, health, log, command, environment);
  }

  /** Whether the process is running now. */
  public boolean alive() {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
