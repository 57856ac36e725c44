package dev.fieldline.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The demo's web console in Debian's Chromium, headless, driven through its chromedriver: the page
 * loads without script errors, its numbers move while devices publish, its reconciliation table is
 * the one the console prints, a reading's waterfall crosses every tier and both regions, and a
 * service's status page shows its secret only by reference. Screenshots go to {@code
 * target/web-console/}. Skips, saying so, where Chromium or its driver is not installed.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class WebConsoleIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SHOTS = Path.of("target", "web-console");

  @Test
  void shouldShowTheLivePipelineItsReconciliationAndAReadingsPathInABrowser() throws Exception {
    boolean browser = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
    if (!browser) {
      System.err.println(
          "WebConsoleIT SKIPPED: needs Debian's chromium and chromium-driver (/usr/bin/chromium,"
              + " /usr/bin/chromedriver); .ci/run installs them");
    }
    Assumptions.assumeTrue(browser, "Chromium and chromedriver are not installed");
    Files.createDirectories(SHOTS);

    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    ExecutorService runner = Executors.newSingleThreadExecutor();
    try (Demo demo =
            new Demo(DemoIT.twentySecondRun(false, 1.0), new Console(out, false, "test log"))
                .withWebConsole(0);
        Closing<ChromeDriver> chrome = new Closing<>(chrome(), ChromeDriver::quit)) {
      ChromeDriver page = chrome.value();
      Future<Boolean> run = runner.submit(() -> demo.run(out));
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
    } finally {
      runner.shutdownNow();
    }
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
}
