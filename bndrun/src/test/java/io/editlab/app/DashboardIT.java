package io.editlab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (Debian's headless Chromium through its chromedriver) against a
 * host started as users start it: a comparison started from the form and watched live, an editor
 * bundle installed by upload, an edit tried in the playground, and a change refused without the
 * token. Without the browser the tests are skipped, or fail when {@code EDITLAB_REQUIRE_BROWSER=1}
 * (CI); {@code .ci/install-browser} installs it.
 */
class DashboardIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path TARGET = Host.ROOT.resolve("bndrun/target");
    private static final Path FIXTURE_JAR = Host.ROOT.resolve(
            "bundles/testing/io.editlab.fixture.editor/target/io.editlab.fixture.editor-1.0.0-SNAPSHOT.jar");
    private static final Duration PAGE = Duration.ofSeconds(30);
    private static final Duration RUN = Duration.ofMinutes(10);
    private static final List<String> EDITORS = List.of("grace", "ft-l");
    private static final List<String> RATES = List.of("reliability", "generalization", "locality", "retention");
    private static final List<String> ENDED = List.of("finished", "failed", "cancelled", "interrupted");

    /** The tests use no DevTools protocol: quiet the warning that none matches this Chromium (held, as loggers are weak). */
    private static final Logger CDP_FINDER = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    private static Host host;
    /** Why there is no browser to test with, or null. */
    private static String noBrowser;

    private WebDriver browser;

    @BeforeAll
    static void startHost() throws IOException, InterruptedException {
        noBrowser = missingBrowser();
        if (noBrowser != null) {
            return; // each test is skipped, saying why
        }
        CDP_FINDER.setLevel(Level.SEVERE);
        Path data = TARGET.resolve("dashboard-it/data");
        Host.deleteTree(data.getParent());
        host = Host.start(data);
    }

    /**
     * Why the tests cannot run (Debian's Chromium or its chromedriver is not installed), or null.
     * Fails instead when {@code EDITLAB_REQUIRE_BROWSER=1}, as on CI.
     */
    private static String missingBrowser() {
        String missing = Stream.of(CHROMIUM, CHROMEDRIVER)
                .filter(path -> !Files.isExecutable(path))
                .map(Path::toString)
                .collect(Collectors.joining(" and "));
        if (missing.isEmpty()) {
            return null;
        }
        String why = missing + " missing: install with .ci/install-browser";
        if ("1".equals(System.getenv("EDITLAB_REQUIRE_BROWSER"))) {
            fail("EDITLAB_REQUIRE_BROWSER=1 but " + why);
        }
        return why;
    }

    @AfterAll
    static void stopHost() throws InterruptedException {
        if (host != null) {
            host.close();
        }
    }

    /**
     * A fresh browser with a fresh profile per test: nothing (such as a stored token) carries over.
     * Each gets its own chromedriver, as quitting a browser also stops its driver service. The
     * driver is given explicitly, so Selenium Manager is never asked to find or fetch one.
     */
    @BeforeEach
    void openBrowser(TestInfo test) throws IOException {
        Assumptions.assumeTrue(noBrowser == null, noBrowser);
        String name = test.getTestMethod().orElseThrow().getName();
        Path profile = TARGET.resolve("dashboard-it/profile-" + name);
        Host.deleteTree(profile);
        ChromeDriverService chromedriver = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(TARGET.resolve("dashboard-it/chromedriver-" + name + ".log")
                        .toFile())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1400,1600",
                "--user-data-dir=" + profile);
        browser = new ChromeDriver(chromedriver, options);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void comparisonStartedFromTheFormIsChartedLiveAndTabulated() throws Exception {
        open("/#token=" + host.token());
        assertTrue(
                browser.getCurrentUrl().contains("/ui/index.html"),
                "/ leads to the dashboard: " + browser.getCurrentUrl());
        assertEquals(host.token(), script("return localStorage.getItem('editlab.token')"), "the token is kept");
        assertFalse(browser.getCurrentUrl().contains("token="), "the token leaves the address bar");

        for (String editor : EDITORS) {
            WebElement box = waitFor(
                    PAGE,
                    "the editor " + editor + " in the form",
                    b -> b.findElement(By.cssSelector("#run-editors input[value='" + editor + "']")));
            box.click();
        }
        type("run-data", "builtin");
        type("run-edits", "8");
        type("run-batch", "2");
        type("run-checkpoint", "2");
        new Select(browser.findElement(By.id("run-eval"))).selectByValue("final");
        new Select(browser.findElement(By.id("run-order"))).selectByValue("file");
        browser.findElement(By.id("run-submit")).click();

        Pattern started = Pattern.compile("run (\\S+) started");
        String run = waitFor(PAGE, "the run to be created", b -> {
            Matcher matcher =
                    started.matcher(b.findElement(By.id("run-message")).getText());
            return matcher.find() ? matcher.group(1) : null;
        });

        waitFor(RUN, "reliability points for both editors", b -> {
            Map<String, Long> points = legendPoints("reliability");
            return EDITORS.stream().allMatch(editor -> points.getOrDefault(editor, 0L) > 0) ? points : null;
        });
        String status = waitFor(RUN, "the run to end", b -> {
            String now = b.findElement(By.id("live")).getDomAttribute("data-status");
            return now != null && ENDED.contains(now) ? now : null;
        });
        assertEquals("finished", status, pageMessages());

        JsonObject checkpoints =
                Host.json(host.get("/api/runs/" + run)).getAsJsonObject().getAsJsonObject("checkpoints");
        for (String metric : RATES) {
            Map<String, Long> points = legendPoints(metric);
            for (String editor : EDITORS) {
                long values = checkpoints.getAsJsonArray(editor).asList().stream()
                        .map(checkpoint -> checkpoint.getAsJsonObject().get(metric))
                        .filter(value -> value != null && !value.isJsonNull())
                        .count();
                assertEquals(
                        values,
                        points.getOrDefault(editor, 0L),
                        "every checkpoint value of " + editor + " is a point on the " + metric + " chart");
            }
        }

        By rows = By.cssSelector("#runs-table tr[data-run='" + run + "'][data-editor]");
        waitFor(
                PAGE,
                "a row per editor in the runs table",
                b -> b.findElements(rows).size() == EDITORS.size() ? true : null);
        Files.write(TARGET.resolve("dashboard.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        for (String editor : EDITORS) {
            WebElement row = browser.findElement(
                    By.cssSelector("#runs-table tr[data-run='" + run + "'][data-editor='" + editor + "']"));
            for (String metric : RATES) {
                String text = row.findElement(By.cssSelector("td[data-metric='" + metric + "']"))
                        .getText();
                double value = Double.parseDouble(text);
                assertTrue(value >= 0 && value <= 1, editor + " " + metric + " is a rate: " + text);
            }
        }
    }

    @Test
    void editorBundleUploadedThroughThePageIsListed() throws Exception {
        assertTrue(
                Files.isRegularFile(FIXTURE_JAR),
                "build bundles/testing/io.editlab.fixture.editor first: " + FIXTURE_JAR);
        open("/#token=" + host.token());
        waitFor(PAGE, "the bundles table", b -> b.findElement(By.cssSelector("#bundles-table tbody tr")));

        browser.findElement(By.id("bundle-upload")).sendKeys(FIXTURE_JAR.toString());

        waitFor(
                PAGE,
                "the fixture bundle, active, in the bundles table",
                b -> b.findElement(By.cssSelector(
                        "#bundles-table tr[data-bundle='io.editlab.fixture.editor'][data-state='active']")));
        waitFor(
                PAGE,
                "the fixture editor in the editors list",
                b -> b.findElement(By.cssSelector("#editors-list tr[data-editor='fixture']")));
        waitFor(
                PAGE,
                "the fixture editor in the run form",
                b -> b.findElement(By.cssSelector("#run-editors input[value='fixture']")));
        assertTrue(
                browser.findElement(By.id("bundle-message")).getText().contains("io.editlab.fixture.editor"),
                "the upload is reported: "
                        + browser.findElement(By.id("bundle-message")).getText());
    }

    @Test
    void playgroundShowsBaseAndEditedAnswers() throws IOException {
        open("/#token=" + host.token());
        waitFor(
                PAGE,
                "grace in the playground",
                b -> b.findElement(By.cssSelector("#play-editor option[value='grace']")));
        new Select(browser.findElement(By.id("play-editor"))).selectByValue("grace");
        browser.findElement(By.id("play-create")).click();
        waitFor(PAGE, "a session", b -> b.findElement(By.id("play-edit")).isEnabled() ? true : null);

        type("play-prompt", "The sky is");
        type("play-target", " Tokyo"); // a word of the built-in model's vocabulary
        browser.findElement(By.id("play-edit")).click();
        waitFor(
                PAGE,
                "the edit",
                b -> b.findElement(By.id("play-message")).getText().startsWith("batch 1 done") ? true : null);

        type("play-query", "The sky is");
        browser.findElement(By.id("play-generate")).click();
        waitFor(
                PAGE,
                "the answers",
                b -> b.findElement(By.id("play-edited")).getText().isEmpty() ? null : true);
        String base = browser.findElement(By.id("play-base")).getText().strip();
        String edited = browser.findElement(By.id("play-edited")).getText().strip();
        assertTrue(edited.startsWith("Tokyo"), "GRACE answers the edited prompt with its target: " + edited);
        assertFalse(base.startsWith("Tokyo"), "the base model does not: " + base);
    }

    /** A merged grid report (as ./editlab grid collect writes it) opened from disk: mean ± std per row. */
    @Test
    void gridReportOpenedFromAFileIsTabulatedWithItsSpread() throws IOException {
        Path file = Files.writeString(
                TARGET.resolve("dashboard-it/grid-results.json"),
                """
                {"grid": {"name": "frontier", "source": "grid.json", "cells": 3, "finished": 2,
                          "failed": [{"index": 2, "cell": "memit [default] builtin/builtin T=4 b=2 final seed 1", "reason": "boom"}],
                          "missing": []},
                 "editors": [
                   {"name": "grace", "config": {}, "bundle": "io.editlab.grace", "version": "1.0.0", "status": "ok",
                    "error": null, "final": {"reliability": 0.7, "reliability_std": 0.1414, "locality": 1.0,
                    "locality_std": null}, "checkpoints": [], "method": "grace", "variant": "default",
                    "model": {"id": "builtin"}, "dataset": {"path": "builtin"},
                    "protocol": {"edits": 4, "batch": 2, "eval": "final", "order": "shuffle", "seeds": [1, 2]}},
                   {"name": "memit", "config": {}, "bundle": null, "version": null, "status": "missing",
                    "error": "no seed finished", "final": {}, "checkpoints": [], "method": "memit", "variant": "default",
                    "model": {"id": "builtin"}, "dataset": {"path": "builtin"},
                    "protocol": {"edits": 4, "batch": 2, "eval": "final", "seeds": []}}],
                 "seconds": 12.5}
                """);
        open("/#token=" + host.token());
        browser.findElement(By.id("grid-file")).sendKeys(file.toString());
        WebElement reliability = waitFor(
                PAGE,
                "the grid's rows",
                b -> b.findElement(
                        By.cssSelector("#grid-table tr[data-editor='grace'] td[data-metric='reliability']")));
        assertEquals("0.700 ± 0.141", reliability.getText());
        assertEquals(
                "1.000",
                browser.findElement(By.cssSelector("#grid-table tr[data-editor='grace'] td[data-metric='locality']"))
                        .getText());
        String setting = browser.findElement(By.cssSelector("#grid-table tr[data-editor='grace'] td.protocol"))
                .getText();
        assertEquals("builtin on builtin, T=4, batch 2, shuffle order, eval final", setting);
        String message = browser.findElement(By.id("grid-message")).getText();
        assertTrue(message.startsWith("grid frontier: 2 of 3 cells finished; failed: cell 2 (boom)"), message);

        Path notReport = Files.writeString(TARGET.resolve("dashboard-it/not-a-report.json"), "{\"x\": 1}");
        browser.findElement(By.id("grid-file")).sendKeys(notReport.toString());
        waitFor(
                PAGE,
                "the refusal",
                b -> b.findElement(By.id("grid-message"))
                                .getText()
                                .equals("not-a-report.json: not a results.json of EditLab (no \"editors\" list)")
                        ? true
                        : null);
    }

    @Test
    void changeWithoutTokenIsRefusedWithAClearMessage() {
        assertTrue(
                Files.isRegularFile(FIXTURE_JAR),
                "build bundles/testing/io.editlab.fixture.editor first: " + FIXTURE_JAR);
        open("/");
        waitFor(PAGE, "the bundles table", b -> b.findElement(By.cssSelector("#bundles-table tbody tr")));
        browser.findElement(By.id("bundle-upload")).sendKeys(FIXTURE_JAR.toString());
        WebElement banner = waitFor(
                PAGE,
                "the refusal message",
                b -> b.findElement(By.id("auth-message")).isDisplayed() ? b.findElement(By.id("auth-message")) : null);
        assertTrue(banner.getText().contains("401") && banner.getText().contains("token"), banner.getText());
    }

    private void open(String path) {
        browser.get(host.base().resolve(path).toString());
    }

    private void type(String id, String text) {
        WebElement input = browser.findElement(By.id(id));
        input.clear();
        input.sendKeys(text);
    }

    private Object script(String code) {
        return ((JavascriptExecutor) browser).executeScript(code);
    }

    /** editor -> number of points, as the legend of the chart of {@code metric} says. */
    @SuppressWarnings("unchecked")
    private Map<String, Long> legendPoints(String metric) {
        return (Map<String, Long>) script("return Object.fromEntries([...document.querySelectorAll("
                + "'ul.legend[data-metric=\"" + metric + "\"] li')]"
                + ".map(li => [li.dataset.editor, Number(li.dataset.points)]))");
    }

    /**
     * Waits until {@code condition} gives a non-null value; a timeout names what was awaited and
     * shows the page's messages.
     */
    private <T> T waitFor(Duration timeout, String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(browser, timeout)
                .ignoring(StaleElementReferenceException.class)
                .withMessage(() -> "waiting for " + what + "; page says: " + pageMessages())
                .until(condition);
    }

    private String pageMessages() {
        return browser.findElements(By.cssSelector(".message, #run-stage, #health, #auth-message")).stream()
                .map(element -> element.getDomAttribute("id") + "=" + element.getText())
                .collect(Collectors.joining("; "));
    }
}
