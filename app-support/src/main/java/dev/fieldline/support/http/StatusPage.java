package dev.fieldline.support.http;

import dev.fieldline.support.config.ConfigLoader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * {@code GET /} on a service's ops port: a small page for a person, refreshed every five seconds:
 * health with its reasons, the service's own counters ({@code fieldline_*}) with their rates since
 * the page was last shown, and the effective config. Secrets never appear: config holds only
 * references to them ({@code file:}, {@code env:}), and a password-like key in a Kafka client's
 * plain map is refused at start-up. Everything shown is HTML-escaped.
 */
public final class StatusPage implements OpsRoute {
  private final String service;
  private final String config;
  private final PrometheusMeterRegistry metrics;
  private final Supplier<HealthReport> health;
  private final Map<String, double[]> previous = new ConcurrentHashMap<>();

  /**
   * @param service what the page's title names, e.g. {@code edge agent gw-eu-1}
   * @param config the effective config object (rendered as YAML)
   */
  public StatusPage(
      String service,
      Object config,
      PrometheusMeterRegistry metrics,
      Supplier<HealthReport> health) {
    this.service = service;
    this.config = ConfigLoader.toYaml(config);
    this.metrics = metrics;
    this.health = health;
  }

  @Override
  public OpsReply answer(OpsRequest request) {
    HealthReport report = health.get();
    StringBuilder html = new StringBuilder(8_192);
    html.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"refresh\" content=\"5\"><title>")
        .append(escape(service))
        .append("</title><style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}")
        .append("table{border-collapse:collapse}td,th{padding:2px 12px 2px 0;text-align:left}")
        .append("td.n{text-align:right;font-variant-numeric:tabular-nums}")
        .append(".UP{color:#1a7f37}.DEGRADED{color:#9a6700}.DOWN{color:#cf222e}")
        .append("pre{background:#f6f8fa;padding:1em}</style></head><body>");
    html.append("<h1>")
        .append(escape(service))
        .append(" <span id=\"status\" class=\"")
        .append(report.status())
        .append("\">")
        .append(report.status())
        .append("</span></h1>");
    if (!report.degraded().isEmpty()) {
      html.append("<ul id=\"degraded\">");
      report
          .degraded()
          .forEach(reason -> html.append("<li>").append(escape(reason)).append("</li>"));
      html.append("</ul>");
    }
    html.append("<h2>Health</h2><table id=\"health\">");
    report.details().forEach((key, value) -> row(html, key, String.valueOf(value)));
    if (request.grants().contains(Access.DATA)) {
      report.deviceDetails().forEach((key, value) -> row(html, key, String.valueOf(value)));
    }
    html.append("</table><h2>Counters</h2>")
        .append("<table id=\"counters\"><tr><th>meter</th><th>value</th><th>per second</th></tr>");
    long now = System.nanoTime();
    for (Meter meter : ownMeters()) {
      double value = value(meter);
      String id = name(meter);
      double[] before = previous.put(id, new double[] {value, now});
      String rate =
          before == null || now <= before[1]
              ? ""
              : String.format("%.1f", (value - before[0]) / ((now - before[1]) / 1e9));
      html.append("<tr><td>")
          .append(escape(id))
          .append("</td><td class=\"n\">")
          .append(escape(format(value)))
          .append("</td><td class=\"n\">")
          .append(escape(rate))
          .append("</td></tr>");
    }
    html.append("</table><h2>Effective config</h2><pre id=\"config\">")
        .append(escape(config))
        .append("</pre></body></html>");
    return new OpsReply(report.ready() ? 200 : 503, "text/html; charset=utf-8", html.toString());
  }

  private List<Meter> ownMeters() {
    List<Meter> own = new ArrayList<>();
    for (Meter meter : metrics.getMeters()) {
      if (meter.getId().getName().startsWith("fieldline")) {
        own.add(meter);
      }
    }
    own.sort(Comparator.comparing(StatusPage::name));
    return own;
  }

  private static String name(Meter meter) {
    StringBuilder name = new StringBuilder(meter.getId().getName());
    List<Tag> tags = meter.getId().getTags();
    if (!tags.isEmpty()) {
      name.append('{');
      for (int i = 0; i < tags.size(); i++) {
        name.append(i == 0 ? "" : ",")
            .append(tags.get(i).getKey())
            .append('=')
            .append(tags.get(i).getValue());
      }
      name.append('}');
    }
    return name.toString();
  }

  private static double value(Meter meter) {
    if (meter instanceof Counter counter) {
      return counter.count();
    }
    if (meter instanceof FunctionCounter counter) {
      return counter.count();
    }
    if (meter instanceof Gauge gauge) {
      return gauge.value();
    }
    if (meter instanceof Timer timer) {
      return timer.count();
    }
    for (var measurement : meter.measure()) {
      return measurement.getValue(); // the first statistic: a count or a value
    }
    return Double.NaN;
  }

  private static String format(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? String.format("%,d", (long) value)
        : String.format("%,.3f", value);
  }

  private static void row(StringBuilder html, String key, String value) {
    html.append("<tr><th>")
        .append(escape(key))
        .append("</th><td>")
        .append(escape(value))
        .append("</td></tr>");
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
