package dev.tickerlake.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through Debian's {@code /usr/bin/chromedriver}: both paths are given to Selenium,
 * so Selenium Manager never runs and nothing is downloaded; Chromium's own background traffic is switched off and every
 * host name resolves to nothing, so the browser reaches only the IP literals it is sent to (127.0.0.1). Console
 * messages of every level are kept for {@link #consoleErrors()}. Close it to quit the browser and the driver.
 * <p>
 * Without the two executables the tests are skipped (with the {@code apt-get} line that installs them), unless
 * {@code -Dtickerlake.browser.required=true} or {@code TICKERLAKE_BROWSER_REQUIRED=true} asks for a failure instead.
 */
public final class Browser implements AutoCloseable {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    /** Selenium's devtools warn that Chromium is newer than their CDP bindings: not used here (kept referenced). */
    private static final java.util.logging.Logger CDP_VERSION_FINDER =
            java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    private final ChromeDriverService service;
    private final ChromeDriver driver;

    private Browser(ChromeDriverService service, ChromeDriver driver) {
        this.service = service;
        this.driver = driver;
    }

    /** Starts headless Chromium with a 1280x900 window, or skips (fails, when a browser is required) without one. */
    public static Browser start() throws IOException {
        String missing = !Files.isExecutable(CHROMIUM) ? CHROMIUM.toString()
                : !Files.isExecutable(CHROMEDRIVER) ? CHROMEDRIVER.toString() : null;
        if (missing != null) {
            String message = missing + " is missing: apt-get install chromium chromium-driver";
            if (required()) {
                throw new IllegalStateException(message + " (a browser is required: tickerlake.browser.required / "
                        + "TICKERLAKE_BROWSER_REQUIRED)");
            }
            Assumptions.abort(message + " to run the browser tests");
        }
        CDP_VERSION_FINDER.setLevel(Level.SEVERE);
        Path logs = Path.of("target", "browser");
        Files.createDirectories(logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(logs.resolve("chromedriver.log").toFile())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                // no traffic of Chromium's own (updates, sync, metrics, safe browsing) and no host name resolves:
                // only the IP literal of the page under test is reachable
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--disable-default-apps",
                "--disable-breakpad", "--no-first-run", "--no-default-browser-check", "--metrics-recording-only",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--lang=en-US");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        try {
            return new Browser(service, new ChromeDriver(service, options));
        } catch (RuntimeException e) {
            service.stop();
            throw e;
        }
    }

    private static boolean required() {
        return Boolean.getBoolean("tickerlake.browser.required")
                || "true".equalsIgnoreCase(System.getenv("TICKERLAKE_BROWSER_REQUIRED"));
    }

    public WebDriver driver() {
        return driver;
    }

    /** Loads {@code url} (a full load: the page's memory, e.g. its credentials, is gone). */
    public void open(String url) {
        driver.get(url);
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** A wait on this browser, polling every 100 ms. */
    public WebDriverWait await(Duration timeout) {
        WebDriverWait wait = new WebDriverWait(driver, timeout);
        wait.pollingEvery(Duration.ofMillis(100));
        return wait;
    }

    /** Waits until the element {@code css} exists and carries {@code data-state="ready"}; returns it. */
    public WebElement awaitReady(String css, Duration timeout) {
        await(timeout).withMessage(() -> css + " data-state is " + state(css) + ", not ready")
                .until(d -> "ready".equals(state(css)));
        return find(css);
    }

    /** The {@code data-state} of the element {@code css}, or {@code "absent"}. */
    public String state(String css) {
        List<WebElement> found = findAll(css);
        return found.isEmpty() ? "absent" : found.get(0).getDomAttribute("data-state");
    }

    public Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** The console's messages since the last call (reading empties Chrome's buffer). */
    public List<LogEntry> console() {
        return driver.manage().logs().get(LogType.BROWSER).getAll();
    }

    /** The console's errors and Content-Security-Policy reports since the last call. */
    public List<String> consoleErrors() {
        return console().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue()
                        || entry.getMessage().toLowerCase(Locale.ROOT).contains("content security policy"))
                .map(entry -> entry.getLevel() + " " + entry.getMessage())
                .toList();
    }

    /** The viewport scrolled to the element {@code css} (its top at the window's top) as a screenshot. */
    public Path screenshot(String name, String css) {
        script("document.querySelector(arguments[0]).scrollIntoView({block: 'start'});", css);
        return screenshot(name);
    }

    /** The visible viewport as {@code target/screenshots/<name>.png}; returns the file. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path target = SCREENSHOTS.resolve(name + ".png");
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }
}
