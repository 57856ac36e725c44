package dev.fieldline.edge.app;

import dev.fieldline.infra.tls.IssuedIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Mosquitto as a separate process on loopback, for the interoperability test and the
 * latency benchmark: TCP_NODELAY, a large in-flight window and queue, no persistence. Stopped by
 * its own PID only.
 */
public final class MosquittoBroker implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/sbin/mosquitto");

  private final Process process;
  private final int port;

  private MosquittoBroker(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static boolean installed() {
    return Files.isExecutable(BINARY);
  }

  /** Starts a broker on 127.0.0.1:{@code port}, its config and log in {@code dir}. */
  public static MosquittoBroker start(Path dir, int port) throws IOException, InterruptedException {
    return launch(dir, port, List.of("allow_anonymous true"));
  }

  /**
   * Starts a zero-trust broker on 127.0.0.1:{@code port}: mutual TLS only, {@code server}'s
   * certificate, clients of the same authority, the certificate's CN as the user name, and the
   * given ACL file. The identity files must be readable by the user Mosquitto runs as.
   */
  public static MosquittoBroker startSecure(Path dir, int port, IssuedIdentity server, Path aclFile)
      throws IOException, InterruptedException {
    return launch(
        dir,
        port,
        List.of(
            "cafile " + server.caCertificatePem().toAbsolutePath(),
            "certfile " + server.certificatePem().toAbsolutePath(),
            "keyfile " + server.privateKeyPem().toAbsolutePath(),
            "require_certificate true",
            "use_identity_as_username true",
            "allow_anonymous false",
            "acl_file " + aclFile.toAbsolutePath()));
  }

  private static MosquittoBroker launch(Path dir, int port, List<String> listenerSettings)
      throws IOException, InterruptedException {
    List<String> lines = new ArrayList<>(listenerSettings);
    lines.addAll(
        List.of(
            "set_tcp_nodelay true",
            "max_inflight_messages 1000",
            "max_queued_messages 1000000",
            "persistence false"));
    return startWith(dir, port, lines);
  }

  /**
   * Starts a broker on 127.0.0.1:{@code port} with exactly {@code settings} besides the listener
   * and the log: Mosquitto's own defaults for everything else. {@link #home} is its writable
   * folder.
   */
  public static MosquittoBroker startWith(Path dir, int port, List<String> settings)
      throws IOException, InterruptedException {
    Path home = home(dir);
    List<String> lines = new ArrayList<>();
    lines.add("listener " + port + " 127.0.0.1");
    lines.addAll(settings);
    lines.add("log_dest stdout");
    lines.add("");
    Path config = Files.writeString(home.resolve("mosquitto.conf"), String.join("\n", lines));
    Process process =
        new ProcessBuilder(BINARY.toString(), "-c", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(home.resolve("mosquitto.log").toFile())
            .start();
    MosquittoBroker broker = new MosquittoBroker(process, port);
    // Wait on the socket, not the log: as root, Mosquitto may not write its log where we look.
    long deadline = System.currentTimeMillis() + 10_000;
    while (!broker.accepts()) {
      if (System.currentTimeMillis() > deadline || !process.isAlive()) {
        broker.close(); // never leave a broker behind
        throw new IllegalStateException("mosquitto did not open port " + port);
      }
      Thread.sleep(50);
    }
    return broker;
  }

  /** The broker's folder under {@code dir}, writable by the user Mosquitto drops to as root. */
  public static Path home(Path dir) throws IOException {
    Path home = Files.createDirectories(dir.resolve("mosquitto"));
    home.toFile().setWritable(true, false);
    return home;
  }

  public String serverUri() {
    return "tcp://127.0.0.1:" + port;
  }

  /** The same listener for TLS clients (a broker from {@link #startSecure}). */
  public String tlsServerUri() {
    return "ssl://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  private boolean accepts() {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
