package dev.fieldline.support.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.BlockingArrayQueue;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's ops port: {@code GET /metrics} (Prometheus text format), {@code GET /health} (JSON;
 * 200 when ready, 503 otherwise), {@code GET /health/live}, plus the routes a service adds, each
 * with the {@link Access} it needs.
 *
 * <p>On Jetty, because what a port reachable by the network needs is what a web server does well:
 * TLS with client certificates, a bounded request line and headers, idle timeouts, a bounded pool
 * and queue that refuse rather than grow, reading without a thread per connection (a client that
 * sends a byte a minute holds no thread), and paths parsed strictly (encoded separators, dot
 * segments above the root and invalid UTF-8 are a 400 before any route sees them).
 *
 * <p>With {@code http.tls.enabled}, only clients with a certificate of the service's authority get
 * past the handshake (unless {@code http.access.open-liveness}, and then only to {@code
 * /health/live}), and the certificate's role decides what they may read. Without TLS, routes that
 * name devices answer only loopback clients unless configured otherwise.
 */
public final class OpsHttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OpsHttpServer.class);

  private final HttpSettings settings;
  private final Server server;
  private final ServerConnector connector;

  /** Routes by path; a path ending in '/' is a prefix. Reverse order: longest prefix first. */
  private final Map<String, Route> routes =
      new ConcurrentSkipListMap<>(java.util.Comparator.reverseOrder());

  private record Route(Access access, OpsRoute handler) {}

  private OpsHttpServer(HttpSettings settings) {
    this.settings = settings;
    HttpSettings.Limits limits = settings.limits;
    // One acceptor and one selector thread on top of the request threads.
    QueuedThreadPool pool =
        new QueuedThreadPool(
            limits.threads + 2,
            Math.min(2, limits.threads + 2),
            60_000,
            new BlockingArrayQueue<>(limits.queue));
    pool.setName("ops-http");
    pool.setDaemon(true);
    pool.setReservedThreads(0);
    server = new Server(pool);
    server.setStopTimeout(0);

    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(limits.maxHeaderBytes);
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setUriCompliance(UriCompliance.RFC3986);
    HttpConnectionFactory http11 = new HttpConnectionFactory(http);
    if (settings.tls.enabled) {
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      // Clients reach a service by whatever name their network gives it; the certificate, not
      // the Host header, identifies both ends.
      secure.setSniHostCheck(false);
      secure.setSniRequired(false);
      http.addCustomizer(secure);
      connector =
          new ServerConnector(
              server, 1, 1, new SslConnectionFactory(tls(settings), http11.getProtocol()), http11);
    } else {
      connector = new ServerConnector(server, 1, 1, http11);
    }
    connector.setHost(settings.host);
    connector.setPort(settings.port);
    connector.setIdleTimeout(limits.idleTimeout.toMillis());
    server.addConnector(connector);
    NetworkConnectionLimit connections =
        new NetworkConnectionLimit(limits.maxConnections, connector);
    connections.setEndPointIdleTimeout(1_000);
    server.addBean(connections);

    ErrorHandler errors = new ErrorHandler();
    errors.setShowStacks(false);
    errors.setShowCauses(false);
    errors.setShowMessageInTitle(false);
    errors.setDefaultResponseMimeType("text/plain");
    server.setErrorHandler(errors);
    server.setHandler(new Dispatcher());
  }

  /** Binds and starts a server with /metrics, /health and /health/live. */
  public static OpsHttpServer start(
      HttpSettings settings, PrometheusMeterRegistry metrics, Supplier<HealthReport> health) {
    OpsHttpServer ops = new OpsHttpServer(settings);
    ops.route(
        "/metrics",
        Access.OPS,
        request -> new OpsReply(200, "text/plain; version=0.0.4", metrics.scrape()));
    ops.route(
        "/health/live", Access.LIVENESS, request -> OpsReply.json(200, "{\"status\":\"UP\"}"));
    ops.route(
        "/health",
        Access.OPS,
        request -> {
          HealthReport report = health.get();
          return OpsReply.json(
              report.ready() ? 200 : 503, report.toJson(request.grants().contains(Access.DATA)));
        });
    return ops.start();
  }

  /** Binds and starts a server with only the routes added to it (before or after start). */
  public static OpsHttpServer startBare(HttpSettings settings) {
    return new OpsHttpServer(settings).start();
  }

  private OpsHttpServer start() {
    try {
      server.start();
    } catch (Exception e) {
      try {
        server.stop();
      } catch (Exception ignored) {
        // Nothing started that needs stopping.
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException(
            "cannot bind the ops HTTP server to " + settings.host + ":" + settings.port, io);
      }
      throw new IllegalStateException("cannot start the ops HTTP server: " + e.getMessage(), e);
    }
    if (settings.tls.enabled) {
      log.info(
          "ops endpoint on {} (mutual TLS; ops roles {}, data roles {}{})",
          uri(),
          settings.access.opsRoles,
          settings.access.dataRoles,
          settings.access.openLiveness ? "; /health/live open" : "");
    } else if (settings.loopbackOnly()) {
      log.info("ops endpoint on {} (loopback, no TLS)", uri());
    } else {
      log.warn(
          "ops endpoint on {} listens beyond loopback WITHOUT TLS: metrics and health in the clear;"
              + " {}; set http.tls.enabled for mutual TLS",
          uri(),
          settings.access.plaintextDataBeyondLoopback
              ? "device data to ANY client that reaches the port"
              : "device data only to loopback clients");
    }
    return this;
  }

  /**
   * Serves a {@link StatusPage} at {@code /} (health, counters, effective config), to the same
   * callers as {@code /health}.
   */
  public void statusPage(
      String service,
      Object config,
      PrometheusMeterRegistry metrics,
      Supplier<HealthReport> health) {
    route("/", Access.OPS, new StatusPage(service, config, metrics, health));
  }

  /** Adds a route; a path ending in '/' (other than "/" itself) takes every path under it. */
  public void route(String path, Access access, OpsRoute handler) {
    routes.put(path, new Route(access, handler));
  }

  public int port() {
    return connector.getLocalPort();
  }

  /** {@code https} under TLS, else {@code http}. */
  public String scheme() {
    return settings.tls.enabled ? "https" : "http";
  }

  public String uri() {
    return scheme() + "://" + settings.host + ":" + port() + "/";
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      log.warn("ops HTTP server did not stop cleanly: {}", e.toString());
    }
  }

  private static SslContextFactory.Server tls(HttpSettings settings) {
    SslContextFactory.Server factory = new SslContextFactory.Server();
    factory.setSslContext(settings.tls.sslContext());
    factory.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    // Clients are identified by their certificate, not by the address they come from.
    factory.setEndpointIdentificationAlgorithm(null);
    if (settings.access.openLiveness) {
      factory.setWantClientAuth(true);
    } else {
      factory.setNeedClientAuth(true);
    }
    return factory;
  }

  /** What this caller may read; the routes' {@link Access} must be among them. */
  private Set<Access> grants(Caller caller, boolean loopbackClient) {
    Set<Access> grants = EnumSet.of(Access.LIVENESS);
    if (!settings.tls.enabled) {
      grants.add(Access.OPS);
      if (loopbackClient || settings.access.plaintextDataBeyondLoopback) {
        grants.add(Access.DATA);
      }
      return grants;
    }
    if (caller.anonymous()) {
      return grants;
    }
    if (settings.access.opsRoles.contains(caller.role())) {
      grants.add(Access.OPS);
    }
    if (settings.access.dataRoles.contains(caller.role())) {
      grants.add(Access.OPS);
      grants.add(Access.DATA);
    }
    return grants;
  }

  private static String refusal(Access access, Caller caller, boolean tls) {
    if (!tls) {
      return "device data is served only over TLS or to loopback clients";
    }
    if (caller.anonymous()) {
      return "a client certificate is required";
    }
    return "role '"
        + caller.role()
        + "' may not read "
        + access.name().toLowerCase(java.util.Locale.ROOT)
        + " endpoints";
  }

  private final class Dispatcher extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      OpsReply reply = answer(request);
      response.setStatus(reply.status());
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      if (reply.status() == 405) {
        response.getHeaders().put(HttpHeader.ALLOW, "GET");
      }
      Content.Sink.write(response, true, reply.body(), callback);
      return true;
    }

    private OpsReply answer(Request request) {
      if (!HttpMethod.GET.is(request.getMethod())) {
        return OpsReply.error(405, "only GET");
      }
      String path = Request.getPathInContext(request);
      Map.Entry<String, Route> match = match(path);
      if (match == null) {
        return OpsReply.error(404, "no such endpoint");
      }
      Caller caller = caller(request);
      Set<Access> grants =
          grants(caller, loopback(request.getConnectionMetaData().getRemoteSocketAddress()));
      Route route = match.getValue();
      if (!grants.contains(route.access())) {
        log.debug("refused {} to {}", path, caller);
        return OpsReply.error(403, refusal(route.access(), caller, settings.tls.enabled));
      }
      Map<String, String> query;
      try {
        query = query(request);
      } catch (RuntimeException e) {
        return OpsReply.error(400, "malformed query string");
      }
      List<String> segments;
      try {
        segments = segments(path.substring(Math.min(path.length(), match.getKey().length())));
      } catch (IllegalArgumentException e) {
        return OpsReply.error(400, "malformed path: " + e.getMessage());
      }
      OpsRequest opsRequest =
          new OpsRequest(
              path, segments, query, caller, grants, name -> request.getHeaders().get(name));
      try {
        return route.handler().answer(opsRequest);
      } catch (IOException | RuntimeException e) {
        log.warn("error answering {}: {}", path, e.toString(), e);
        return OpsReply.error(500, "internal error");
      }
    }

    private Map.Entry<String, Route> match(String path) {
      for (Map.Entry<String, Route> entry : routes.entrySet()) {
        String key = entry.getKey();
        boolean prefix = key.length() > 1 && key.endsWith("/");
        if (prefix ? path.startsWith(key) : path.equals(key)) {
          return entry;
        }
      }
      return null;
    }
  }

  private static Caller caller(Request request) {
    if (request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE)
        instanceof EndPoint.SslSessionData tls) {
      X509Certificate[] chain = tls.peerCertificates();
      if (chain != null && chain.length > 0) {
        return Caller.of(chain[0]);
      }
    }
    return Caller.ANONYMOUS;
  }

  private static boolean loopback(SocketAddress address) {
    return address instanceof InetSocketAddress inet
        && inet.getAddress() != null
        && inet.getAddress().isLoopbackAddress();
  }

  private static Map<String, String> query(Request request) {
    Map<String, String> values = new LinkedHashMap<>();
    Fields fields = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
    for (Fields.Field field : fields) {
      values.put(field.getName(), field.getValue());
    }
    return values;
  }

  /** The segments of a canonical path, each percent-decoded as strict UTF-8. */
  private static List<String> segments(String rest) {
    List<String> segments = new ArrayList<>();
    for (String segment : rest.split("/")) {
      if (!segment.isEmpty()) {
        segments.add(PercentDecoding.strict(segment));
      }
    }
    return segments;
  }
}
