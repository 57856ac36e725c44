package dev.fieldline.support.http;

import dev.fieldline.support.config.SecretRef;
import dev.fieldline.support.config.Validated;
import dev.fieldline.support.tls.TlsContexts;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;

/**
 * The {@code http.*} keys every service shares: where its ops port listens, TLS with client
 * certificates, who may call what, and the limits that keep bad clients from starving it.
 */
public class HttpSettings implements Validated {
  /** Address to bind; {@code 0.0.0.0} so Prometheus can scrape the service. */
  public String host = "0.0.0.0";

  /** Port to bind; 0 picks a free one. */
  public int port = 0;

  public Tls tls = new Tls();
  public AccessRules access = new AccessRules();
  public Limits limits = new Limits();

  public HttpSettings() {}

  public HttpSettings(int port) {
    this.port = port;
  }

  /** HTTPS with the service's own certificate; clients must present one of the same authority. */
  public static class Tls {
    public boolean enabled = false;

    /** The service's certificate and key (PKCS12 or JKS): the same files as its Kafka identity. */
    public String keystore = "";

    public SecretRef keystorePassword = new SecretRef();

    /** The authority that client certificates must chain to. */
    public String truststore = "";

    public SecretRef truststorePassword = new SecretRef();

    /**
     * A TLS context presenting the service's certificate and trusting the authority: the server's
     * and, for calls to other instances, the client's.
     */
    public SSLContext sslContext() {
      try {
        return TlsContexts.context(
            TlsContexts.keyManagers(
                Path.of(keystore),
                keystorePassword.resolve("http.tls.keystore-password").toCharArray()),
            TlsContexts.trustManagers(
                Path.of(truststore),
                truststorePassword.resolve("http.tls.truststore-password").toCharArray()));
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalStateException(
            "http.tls: cannot load " + keystore + " or " + truststore + ": " + e.getMessage(), e);
      }
    }
  }

  /** Roles are the certificate subject's OU ({@code OU=service}). */
  public static class AccessRules {
    /** Who may call endpoints that name devices: device queries, traces. */
    public List<String> dataRoles = new ArrayList<>(List.of("admin", "service"));

    /** Who may read /metrics and /health (device names in /health only with a data role). */
    public List<String> opsRoles = new ArrayList<>(List.of("admin", "service", "scraper"));

    /**
     * Under TLS, answer /health/live (up or down, nothing else) without a client certificate, for
     * health checks that cannot present one.
     */
    public boolean openLiveness = false;

    /** Without TLS, serve device data to clients beyond loopback (logged as a warning). */
    public boolean plaintextDataBeyondLoopback = false;
  }

  /** What one client may take of the server. */
  public static class Limits {
    /** Request line plus headers; larger requests get 414 or 431. */
    public int maxHeaderBytes = 8 * 1024;

    /** A connection that sends or reads nothing for this long is closed. */
    public Duration idleTimeout = Duration.ofSeconds(10);

    /** Threads answering requests. */
    public int threads = 8;

    /** Requests waiting for a thread; beyond it connections are refused rather than queued. */
    public int queue = 64;

    /** Open connections; at the limit, idle ones are closed after a second. */
    public int maxConnections = 512;
  }

  public boolean loopbackOnly() {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.startsWith("127.") || h.equals("::1");
  }

  @Override
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (port < 0 || port > 65_535) {
      problems.add("http.port: 0 to 65535 (got " + port + ")");
    }
    if (tls.enabled) {
      if (tls.keystore.isBlank()) {
        problems.add("http.tls.keystore: required when http.tls.enabled is true");
      }
      if (tls.truststore.isBlank()) {
        problems.add(
            "http.tls.truststore: required when http.tls.enabled is true (the authority clients'"
                + " certificates chain to)");
      }
    }
    if (limits.maxHeaderBytes < 1024 || limits.maxHeaderBytes > 1024 * 1024) {
      problems.add(
          "http.limits.max-header-bytes: 1024 to 1048576 (got " + limits.maxHeaderBytes + ")");
    }
    if (limits.idleTimeout.isNegative() || limits.idleTimeout.isZero()) {
      problems.add("http.limits.idle-timeout: must be positive");
    }
    if (limits.threads < 1) {
      problems.add("http.limits.threads: at least 1 (got " + limits.threads + ")");
    }
    if (limits.queue < 1) {
      problems.add("http.limits.queue: at least 1 (got " + limits.queue + ")");
    }
    if (limits.maxConnections < 2) {
      problems.add("http.limits.max-connections: at least 2 (got " + limits.maxConnections + ")");
    }
    return problems;
  }
}
