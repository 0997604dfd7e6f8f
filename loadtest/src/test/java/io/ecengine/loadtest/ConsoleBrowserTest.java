package io.ecengine.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.ecengine.engine.channel.marketplace.Marketplace;
import io.ecengine.http.Server;
import io.ecengine.loadtest.simulator.MarketplaceSimulator;
import io.ecengine.loadtest.simulator.SimShop;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operations console in a real browser (headless Chromium through chromedriver), against a real
 * engine on H2 and a marketplace over real HTTP: an operator signs in, sees a SKU's stock change
 * live after an API call, pauses a channel with the button and its confirmation, and the
 * marketplace receives 0. At a desktop width and at a phone width, with a screenshot of every page
 * it visits under {@code target/console-screenshots}, no page wider than the screen, and no error
 * in the browser's console.
 */
class ConsoleBrowserTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static Server server;
  private static MarketplaceSimulator simulator;
  private static String key;

  @BeforeAll
  static void start() throws Exception {
    boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!installed) {
      // CI installs both (see .ci/run); elsewhere the test is skipped with the reason.
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException("chromium and chromedriver must be installed in CI");
      }
      Assumptions.abort(
          "chromium or chromedriver is not installed (apt-get install chromium chromium-driver)");
    }
    Files.createDirectories(SCREENSHOTS);
    simulator = MarketplaceSimulator.start();
    server =
        Server.start(
            ConfigFactory.parseMap(
                Map.<String, Object>ofEntries(
                    Map.entry(
                        "ec.db.url",
                        "jdbc:h2:mem:ec-browser-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1"),
                    Map.entry("ec.db.user", "sa"),
                    Map.entry("ec.db.password", ""),
                    Map.entry("ec.http.port", 0),
                    Map.entry("ec.http.interface", "127.0.0.1"),
                    Map.entry("ec.http.admin-key", "browser-admin"),
                    Map.entry("pekko.remote.artery.canonical.port", 0),
                    Map.entry("pekko.coordinated-shutdown.exit-jvm", "off"),
                    Map.entry("pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on"),
                    // Each run adds a channel and a listing; a short directory age lets the fast
                    // path see the new listing at once instead of at the next reconcile.
                    Map.entry("ec.channels.directory-max-age", "200ms"),
                    Map.entry("ec.channels.reconcile-interval", "10 seconds"))));
    JsonNode tenant =
        call(
            "POST",
            "/v1/tenants",
            "browser-admin",
            Map.of("tenantId", "live-shop", "name", "Live shop"));
    key = tenant.get("apiKey").asText();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (simulator != null) {
      simulator.close();
    }
  }

  @ParameterizedTest(name = "at {0} px")
  @ValueSource(ints = {1280, 390})
  void operatorSeesStockLiveAndPausesAChannel(int width) throws Exception {
    String sku = "TEE-" + width;
    String channel = "amazon-" + width;
    // The Amazon shop of the simulator lists the T-shirt; the channel is set up with what the
    // shop accepts, as an operator would.
    SimShop shop = simulator.shop(Marketplace.AMAZON, "shop-" + width + ".example");
    String listing = "AMZ-TEE-" + width;
    shop.list(listing, 0);
    call("PUT", "/v1/skus/" + sku, key, Map.of("name", "Live T-shirt"));
    call(
        "POST",
        "/v1/skus/" + sku + "/adjustments",
        key,
        Map.of("adjustmentId", "in-1", "delta", 10, "reason", "receipt"));
    call(
        "PUT",
        "/v1/channels/" + channel,
        key,
        Map.of(
            "marketplace",
            Marketplace.AMAZON.id(),
            "baseUrl",
            shop.baseUrl(),
            "credentials",
            shop.credentials()));
    call(
        "PUT",
        "/v1/channels/" + channel + "/listings/" + sku,
        key,
        Map.of("ids", shop.listingIds(listing)));
    // An order from the shop's own web store: one unit fewer for Amazon to show.
    call(
        "POST",
        "/v1/orders",
        key,
        Map.of(
            "channelId",
            "web-store",
            "channelOrderId",
            "ORD-" + width,
            "lines",
            List.of(Map.of("sku", sku, "quantity", 1))));
    awaitShown(shop, listing, 9);

    ChromeDriver driver = browser(width);
    try {
      WebDriverWait wait = new WebDriverWait(driver, WAIT);
      driver.get("http://127.0.0.1:" + server.port() + "/");

      // Sign in with the tenant key; the overview streams in.
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key"))).sendKeys(key);
      driver.findElement(By.cssSelector("#sign-in button[type=submit]")).click();
      wait.until(ExpectedConditions.presenceOfElementLocated(By.id("opm-current")));
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("live"), "Live"));
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("main"), channel));
      assertThat(
              ((JavascriptExecutor) driver)
                  .executeScript("return sessionStorage.getItem('ec-console-key') !== null"))
          .isEqualTo(true);
      assertThat(driver.getCurrentUrl()).doesNotContain(key);
      seen(driver, "overview", width);

      // The SKU page shows its levels, and a change made through the API arrives by itself.
      driver.get("http://127.0.0.1:" + server.port() + "/#/skus/" + sku);
      wait.until(ExpectedConditions.textToBe(By.id("level-available"), "9"));
      wait.until(
          ExpectedConditions.presenceOfElementLocated(
              By.cssSelector("[data-channel='" + channel + "']")));
      call(
          "POST",
          "/v1/skus/" + sku + "/adjustments",
          key,
          Map.of("adjustmentId", "in-2", "delta", 5, "reason", "receipt"));
      wait.until(ExpectedConditions.textToBe(By.id("level-onHand"), "15"));
      wait.until(ExpectedConditions.textToBe(By.id("level-available"), "14"));
      wait.until(
          ExpectedConditions.textToBe(By.cssSelector("[data-channel='" + channel + "']"), "14"));
      wait.until(
          ExpectedConditions.textToBePresentInElementLocated(
              By.id("history-title"), "Event history"));
      assertThat(driver.findElement(By.id("main")).getText()).contains("On hand +5");
      awaitShown(shop, listing, 14);
      seen(driver, "sku", width);

      // The SKU list comes from the read side, a moment behind.
      driver.get("http://127.0.0.1:" + server.port() + "/#/skus");
      wait.until(ExpectedConditions.presenceOfElementLocated(By.linkText(sku)));
      seen(driver, "skus", width);

      // Pause selling (受注停止) with the button, confirm, and the marketplace is sent 0.
      driver.get("http://127.0.0.1:" + server.port() + "/#/channels/" + channel);
      WebElement pause = wait.until(ExpectedConditions.elementToBeClickable(By.id("pause")));
      assertThat(pause.getText()).contains("Pause selling").contains("受注停止");
      pause.click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
      seen(driver, "pause-confirm", width);
      driver.findElement(By.id("confirm-ok")).click();
      wait.until(
          ExpectedConditions.textToBePresentInElementLocated(By.id("channel-selling"), "Paused"));
      awaitShown(shop, listing, 0);
      wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-push='" + sku + "']"), "0"));
      seen(driver, "channel", width);

      driver.get("http://127.0.0.1:" + server.port() + "/#/channels");
      wait.until(ExpectedConditions.presenceOfElementLocated(By.linkText(channel)));
      assertThat(driver.findElement(By.id("main")).getText()).contains("Paused");
      seen(driver, "channels", width);

      // The other pages render with data.
      driver.get("http://127.0.0.1:" + server.port() + "/#/orders");
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("main"), "ORD-" + width));
      seen(driver, "orders", width);
      driver.findElement(By.linkText("ORD-" + width)).click();
      wait.until(
          ExpectedConditions.textToBePresentInElementLocated(By.id("order-timeline"), "Timeline"));
      assertThat(driver.findElement(By.id("main")).getText()).contains("Status ALLOCATED");
      seen(driver, "order", width);
      driver.get("http://127.0.0.1:" + server.port() + "/#/kpis");
      wait.until(ExpectedConditions.presenceOfElementLocated(By.id("kpi-lead-share")));
      seen(driver, "kpis", width);

      List<LogEntry> problems =
          driver.manage().logs().get(LogType.BROWSER).getAll().stream()
              .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
              .toList();
      assertThat(problems).as("browser console errors and warnings").isEmpty();
    } finally {
      driver.quit();
    }
  }

  private static ChromeDriver browser(int width) throws IOException {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toString());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=" + width + ",900",
        "--user-data-dir=" + Files.createTempDirectory("console-browser-"));
    options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    // Desktop Chromium will not make a window narrower than about 500 px, so a phone's screen is
    // emulated: the page then lays out for 390 CSS pixels as on a phone.
    if (width < 500) {
      driver.executeCdpCommand(
          "Emulation.setDeviceMetricsOverride",
          Map.of("width", width, "height", 844, "deviceScaleFactor", 2, "mobile", true));
    }
    return driver;
  }

  private static void awaitShown(SimShop shop, String listing, long units) {
    await().atMost(WAIT).untilAsserted(() -> assertThat(shop.shown(listing)).hasValue(units));
  }

  /**
   * Takes a screenshot of the page in view and checks that nothing on it is wider than the screen:
   * a wide table scrolls inside its own box, the page itself never sideways.
   */
  private static void seen(ChromeDriver driver, String page, int width) throws IOException {
    byte[] png = driver.getScreenshotAs(OutputType.BYTES);
    Files.write(SCREENSHOTS.resolve(page + "-" + width + ".png"), png);

    Supplier<String> whatIsTooWide =
        () -> page + " is wider than the screen; past its right edge: " + tooWide(driver, width);
    // A phone's browser zooms out until a page that is too wide fits, so the window grows too.
    assertThat(((Number) driver.executeScript("return window.innerWidth")).intValue())
        .as(whatIsTooWide)
        .isEqualTo(width);
    assertThat(
            ((Number) driver.executeScript("return document.documentElement.scrollWidth"))
                .intValue())
        .as(whatIsTooWide)
        .isLessThanOrEqualTo(width);
  }

  /** The first elements that reach past the right edge of the screen, not inside a scroll box. */
  private static Object tooWide(ChromeDriver driver, int width) {
    return driver.executeScript(
        """
        const width = arguments[0];
        const inScrollBox = (el) => {
          for (let p = el.parentElement; p; p = p.parentElement) {
            if (getComputedStyle(p).overflowX !== 'visible') return true;
          }
          return false;
        };
        const right = (el) => el.getBoundingClientRect().right;
        const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
          + (el.getAttribute('class') || '').split(/\\s+/).filter(Boolean)
            .map((c) => '.' + c).join('');
        return [...document.querySelectorAll('body *')]
          .filter((el) => right(el) > width + 0.5 && !inScrollBox(el))
          .slice(0, 8)
          .map((el) => name(el) + ' (right edge ' + Math.round(right(el)) + ')');
        """,
        width);
  }

  private static JsonNode call(String method, String path, String bearer, Object body)
      throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Authorization", "Bearer " + bearer)
                .header("Content-Type", "application/json")
                .method(
                    method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode())
        .as(method + " " + path + ": " + response.body())
        .isLessThan(300);
    return JSON.readTree(response.body());
  }
}
