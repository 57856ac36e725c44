package dev.fieldline.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fieldline.infra.kafka.TopicReader;
import dev.fieldline.schema.Topics;
import dev.fieldline.support.tracing.TraceParent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * One demo run with every reading traced, looked at two ways (one run rather than one each: a demo
 * run is a minute and a half of the test suite).
 *
 * <p>In a browser: the web console in Debian's Chromium, headless, driven through its chromedriver.
 * The page loads without script errors, its numbers move while devices publish, its reconciliation
 * table is the one the console prints, a reading's waterfall crosses every tier and both regions,
 * and a service's status page shows its secret only by reference. Screenshots go to {@code
 * target/web-console/}. Skips, saying so, where Chromium or its driver is not installed.
 *
 * <p>Through its spans, caught by an in-memory exporter: a device's own {@code traceparent} is
 * continued by the edge, and that one reading's trace runs through the edge, its region's
 * aggregator and the global job into both regions' {@code global.aggregates}, in order, each span
 * the child of the one before. A malformed {@code traceparent} is counted and ignored. Every log
 * line of the run carries a correlation id, the trace id where there is one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class TracedDemoIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SHOTS = Path.of("target", "web-console");
  private static final AttributeKey<String> REGION = AttributeKey.stringKey("fieldline.region");
  private static final String DEVICE_TRACE = "5c1f0e4a2b3d4c6e8f9a0b1c2d3e4f50";
  private static final String DEVICE_SPAN = "a1b2c3d4e5f60718";

  private final InMemorySpanExporter exported = InMemorySpanExporter.create();
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
  private final ExecutorService runner = Executors.newSingleThreadExecutor();
  private LogCapture logs;
  private Demo demo;
  private Future<Boolean> run;

  @BeforeAll
  void startTheDemo() {
    logs = LogCapture.everything();
    demo =
        new Demo(
                DemoIT.twentySecondRun(false, 1.0),
                new Console(out, false, "test log"),
                List.of(SimpleSpanProcessor.create(exported)))
            .withWebConsole(0);
    run = runner.submit(() -> demo.run(out));
  }

  @AfterAll
  void stopTheDemo() throws Exception {
    runner.shutdownNow();
    // Null when startTheDemo itself failed: its error alone is reported, without a second one.
    try {
      if (demo != null) {
        demo.close();
      }
    } finally {
      if (logs != null) {
        logs.close();
      }
    }
  }

  @Test
  @Order(1)
  void shouldShowTheLivePipelineItsReconciliationAndAReadingsPathInABrowser() throws Exception {
    boolean browser = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
    if (!browser) {
      System.err.println(
          "TracedDemoIT's browser test SKIPPED: needs Debian's chromium and chromium-driver"
              + " (/usr/bin/chromium, /usr/bin/chromedriver); .ci/run installs them");
    }
    Assumptions.assumeTrue(browser, "Chromium and chromedriver are not installed");
    Files.createDirectories(SHOTS);
    try (Closing<ChromeDriver> chrome = new Closing<>(chrome(), ChromeDriver::quit)) {
      ChromeDriver page = chrome.value();
      await().atMost(Duration.ofMinutes(3)).until(() -> demo.web() != null || run.isDone());
      assertThat(demo.web()).as(buffer.toString(StandardCharsets.UTF_8)).isNotNull();

      page.get(demo.web().uri());
      await().atMost(Duration.ofSeconds(60)).until(() -> accepted(page, "eu-west") > 0);
      long before = accepted(page, "eu-west");
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(accepted(page, "eu-west")).isGreaterThan(before));
      shoot(page, "running.png");
      // While devices publish: aggregates reach the global tier in both regions, on the page.
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  field(page, "us-east", "global-in") > 0
                      && field(page, "eu-west", "global-in") > 0);
      shoot(page, "pipeline.png");

      boolean balanced = run.get(5, TimeUnit.MINUTES);
      String printed = buffer.toString(StandardCharsets.UTF_8);
      assertThat(balanced).as(printed).isTrue();

      // The reconciliation on the page, row by row, is the one the console printed.
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> !page.findElements(By.cssSelector("#reconciliation tbody tr")).isEmpty());
      List<String> pageRows = new ArrayList<>();
      for (WebElement row : page.findElements(By.cssSelector("#reconciliation tbody tr"))) {
        List<String> cells =
            row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
        pageRows.add(
            String.format(
                "%-9s %-24s %-26s %,12d = %-27s %,12d  %s",
                cells.get(0),
                cells.get(1),
                cells.get(2),
                Long.parseLong(cells.get(3).replace(",", "")),
                cells.get(4),
                Long.parseLong(cells.get(5).replace(",", "")),
                cells.get(6)));
      }
      List<String> printedRows =
          printed
              .lines()
              .filter(line -> line.matches("\\S+ +.+ = .+ +(ok|BEHIND|MISMATCH)"))
              .toList();
      assertThat(pageRows).isNotEmpty().containsExactlyElementsOf(printedRows);
      assertThat(page.findElement(By.id("verdict")).getText()).isEqualTo("every row balances");
      // Detection quality: the page's totals per region are the ones the console printed.
      List<String> pageQuality =
          cells(page, "#quality tbody tr.total").stream()
              .map(cells -> cells.get(2) + " " + cells.get(3))
              .toList();
      List<String> printedQuality =
          printed
              .lines()
              .filter(line -> line.startsWith("  all "))
              .map(line -> line.trim().split(" +"))
              .map(parts -> parts[1] + " " + parts[2])
              .toList();
      // Per region: the rules with the global features, then their shadows without them.
      assertThat(pageQuality).hasSize(4).containsExactlyElementsOf(printedQuality);
      // Residency on the page: us-east's global view holds eu-west's sites, never their ids.
      Set<String> euInside = demo.watches().get("eu-west").ownSites;
      List<List<String>> held =
          cells(
              page,
              "#residency tr[data-region='eu-west'][data-where=\"in us-east's global view\"]");
      assertThat(held).hasSize(1);
      String heldByUs = String.join(" ", held.get(0));
      assertThat(euInside).isNotEmpty();
      assertThat(heldByUs).doesNotContain("(none yet)");
      euInside.forEach(site -> assertThat(heldByUs).doesNotContain(site));
      // The arrows' backlogs: both groups' consumer lag is known (a number, not "-").
      for (String region : List.of("eu-west", "us-east")) {
        assertThat(field(page, region, "summaries-lag")).isGreaterThanOrEqualTo(0);
        assertThat(field(page, region, "export-lag")).isGreaterThanOrEqualTo(0);
      }
      page.executeScript("document.getElementById('reconciliation').scrollIntoView();");
      shoot(page, "reconciliation.png");
      page.executeScript("window.scrollTo(0, 0);");

      // One reading's path: the page offers a traced reading that reached every region.
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> !page.findElement(By.id("trace-device")).getAttribute("value").isEmpty());
      page.findElement(By.id("trace-go")).click();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !page.findElements(By.cssSelector("#trace-steps tbody tr")).isEmpty());
      List<WebElement> steps = page.findElements(By.cssSelector("#trace-steps tbody tr"));
      Set<String> tiers =
          steps.stream().map(step -> step.getAttribute("data-tier")).collect(Collectors.toSet());
      Set<String> globalRegions =
          steps.stream()
              .filter(step -> "global".equals(step.getAttribute("data-tier")))
              .map(step -> step.getAttribute("data-region"))
              .collect(Collectors.toSet());
      assertThat(tiers).contains("edge", "regional", "global");
      assertThat(globalRegions).containsExactlyInAnyOrder("eu-west", "us-east");
      shoot(page, "reading-path.png");

      List<?> errors = (List<?>) page.executeScript("return window.fieldlineErrors;");
      assertThat(errors).as("script errors on the page").isEmpty();

      // A service's status page: the eu-west aggregator's residency secret only by reference.
      RegionStack eu = demo.stacks().get("eu-west");
      String secret =
          Files.readString(demo.work().resolve("eu-west").resolve("residency.secret")).trim();
      page.get("http://127.0.0.1:" + eu.aggregator.httpPort() + "/");
      String status = page.findElement(By.tagName("body")).getText();
      assertThat(status).contains("residency").doesNotContain(secret);
      assertThat(page.getPageSource()).doesNotContain(secret);
      shoot(page, "aggregator-status.png");
    }
  }

  @Test
  @Order(2)
  void shouldFollowOneReadingFromItsDeviceIntoEveryRegionsGlobalCopy() throws Exception {
    assertThat(run.get(5, TimeUnit.MINUTES)).as(buffer.toString(StandardCharsets.UTF_8)).isTrue();
    RegionStack eu = demo.stacks().get("eu-west");

    // A device of a site of its own, so that its reading is the first of every window it joins.
    MqttClient device = new MqttClient(eu.mqtt.serverUri(), "trace-dev-1", new MemoryPersistence());
    device.connect(new MqttConnectionOptions());
    publish(device, "trace-site", "trace-dev-1", "00-" + DEVICE_TRACE + "-" + DEVICE_SPAN + "-01");
    publish(device, "trace-site-2", "trace-dev-2", "00-broken-traceparent");
    device.disconnect();
    device.close();

    for (RegionStack region : demo.stacks().values()) {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> carriesTheTrace(region));
    }
    assertThat(eu.edge.tracing().malformedTraceParents()).isEqualTo(1);
    assertThat(eu.edge.counters().accepted.sum()).isPositive();

    List<SpanData> trace =
        exported.getFinishedSpanItems().stream()
            .filter(span -> span.getTraceId().equals(DEVICE_TRACE))
            .toList();
    SpanData receive = only(trace, "edge.receive");
    assertThat(receive.getParentSpanId()).isEqualTo(DEVICE_SPAN);
    assertThat(only(trace, "edge.validate").getParentSpanId()).isEqualTo(receive.getSpanId());
    assertThat(only(trace, "edge.decide").getParentSpanId()).isEqualTo(receive.getSpanId());
    SpanData summary = only(trace, "edge.summary");
    assertThat(summary.getParentSpanId()).isEqualTo(receive.getSpanId());
    SpanData rollup =
        children(trace, "regional.rollup", summary).stream().findFirst().orElseThrow();
    assertThat(rollup.getAttributes().get(REGION)).isEqualTo("eu-west");
    SpanData received =
        children(trace, "global.receive", rollup).stream().findFirst().orElseThrow();
    List<SpanData> copies = children(trace, "global.replicate", received);
    assertThat(copies)
        .extracting(span -> span.getAttributes().get(REGION))
        .containsExactlyInAnyOrder("eu-west", "us-east");
    long[] starts = {
      receive.getStartEpochNanos(),
      summary.getStartEpochNanos(),
      rollup.getStartEpochNanos(),
      received.getStartEpochNanos(),
      copies.stream().mapToLong(SpanData::getStartEpochNanos).min().orElseThrow()
    };
    for (int i = 1; i < starts.length; i++) {
      assertThat(starts[i])
          .as("hop %d starts after hop %d", i, i - 1)
          .isGreaterThanOrEqualTo(starts[i - 1]);
    }
    // The demo's own store finds the reading, and its path reaches both regions.
    assertThat(ReadingPath.describe(demo.traces(), "trace-dev-1", 1))
        .contains("edge.receive", "regional.rollup", "global.replicate", "us-east");

    Set<String> traceIds = new HashSet<>();
    exported.getFinishedSpanItems().forEach(span -> traceIds.add(span.getTraceId()));
    assertThat(logs.events()).isNotEmpty();
    assertThat(logs.events())
        .allSatisfy(event -> assertThat(event.correlationId()).as(event.text()).isNotBlank());
    assertThat(logs.events())
        .filteredOn(event -> event.text().contains("rejected message"))
        .anySatisfy(event -> assertThat(traceIds).contains(event.correlationId()));
  }

  private static ChromeDriver chrome() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toString());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1500,1900");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
    return new ChromeDriver(service, options);
  }

  private static long accepted(ChromeDriver page, String region) {
    return field(page, region, "accepted");
  }

  /**
   * The cells' texts of the rows {@code selector} finds, read in one script: the page redraws its
   * live tables every second, so elements found a moment earlier may be gone.
   */
  @SuppressWarnings("unchecked")
  private static List<List<String>> cells(ChromeDriver page, String selector) {
    return (List<List<String>>)
        page.executeScript(
            "return [...document.querySelectorAll(arguments[0])]"
                + ".map(row => [...row.querySelectorAll('td')].map(td => td.textContent));",
            selector);
  }

  /**
   * A count in a region's pipeline picture, 0 while it is not drawn; read in one script, since the
   * picture is redrawn every second and an element found a moment earlier may be gone.
   */
  private static long field(ChromeDriver page, String region, String name) {
    Object text =
        page.executeScript(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;",
            ".pipeline[data-region='" + region + "'] [data-field='" + name + "']");
    return text == null ? 0 : Long.parseLong(text.toString().replace(",", ""));
  }

  private static void shoot(ChromeDriver page, String name) throws Exception {
    Path shot = page.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, SHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }

  /** An AutoCloseable around what is closed by another name (a driver quits). */
  private record Closing<T>(T value, java.util.function.Consumer<T> closer)
      implements AutoCloseable {
    @Override
    public void close() {
      closer.accept(value);
    }
  }

  private static void publish(MqttClient device, String site, String deviceId, String traceParent)
      throws Exception {
    String json =
        "{\"deviceId\":\""
            + deviceId
            + "\",\"type\":\"chiller\",\"ts\":"
            + System.currentTimeMillis()
            + ",\"seq\":1,\"metrics\":{\"temperature\":4.2}}";
    MqttMessage message = new MqttMessage(json.getBytes(StandardCharsets.UTF_8));
    message.setQos(1);
    MqttProperties properties = new MqttProperties();
    properties.setUserProperties(List.of(new UserProperty(TraceParent.NAME, traceParent)));
    message.setProperties(properties);
    device.publish("sites/" + site + "/devices/" + deviceId + "/telemetry", message);
  }

  /** Whether the region's global.aggregates holds a copy whose trace is the device's. */
  private static boolean carriesTheTrace(RegionStack region) {
    return TopicReader.readRecords(region.kafka.clientConfig(), Topics.GLOBAL_AGGREGATES.name())
        .stream()
        .map(record -> record.headers().lastHeader(TraceParent.NAME))
        .filter(header -> header != null)
        .map(Header::value)
        .anyMatch(value -> TraceParent.parse(value).getTraceId().equals(DEVICE_TRACE));
  }

  /** The spans named {@code name} whose parent is {@code parent}. */
  private static List<SpanData> children(List<SpanData> spans, String name, SpanData parent) {
    return spans.stream()
        .filter(span -> span.getName().equals(name))
        .filter(span -> span.getParentSpanId().equals(parent.getSpanId()))
        .toList();
  }

  private static SpanData only(List<SpanData> spans, String name) {
    List<SpanData> named = spans.stream().filter(span -> span.getName().equals(name)).toList();
    assertThat(named).as(name).hasSize(1);
    return named.get(0);
  }
}
