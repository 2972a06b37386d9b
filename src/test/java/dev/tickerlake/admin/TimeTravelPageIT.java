package dev.tickerlake.admin;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tickerlake.EmbeddedModeIT;
import dev.tickerlake.faults.FaultWorkload;
import dev.tickerlake.testing.Browser;
import dev.tickerlake.testing.RunningTickerlake;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The time-travel page (issue 16) in headless Chromium against a tickerlake fed with a looping replay, so new snapshots
 * keep landing: what the page shows is checked against the admin API's own answers (rows, diffs, tags, refusals), and
 * the page's headers, console and narrow layout. One tickerlake and one browser for the class; screenshots of every
 * view go to {@code target/screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TimeTravelPageIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Set<String> TABLES = Set.of("upbit.ticker", "upbit.trade", "upbit.orderbook");
    private static final String TICKER = "/api/tables/upbit/ticker";
    private static final String USER = "ops";
    private static final String PASSWORD = "page-" + Long.toHexString(new Random().nextLong());
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private static final Duration VIEW = Duration.ofSeconds(20);
    private static final Duration LIVE = Duration.ofSeconds(40);
    /** The market view reads up to 40 snapshots one after the other (rows reads are limited to 2 at once). */
    private static final Duration MARKET = Duration.ofSeconds(90);

    @TempDir
    static Path dir;

    private static long started;
    private static Browser browser;
    private static RunningTickerlake app;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        started = System.nanoTime();
        browser = Browser.start();
        // 12 markets over 10 minutes of exchange time, replayed 5x (two minutes a pass, ≈ 50 frames/s: little load) and
        // looped: every 1 s checkpoint commits new ticker updates, trades and orderbooks for as long as the class runs.
        FaultWorkload workload = FaultWorkload.builder(dir.resolve("page.jsonl")).frames(6_000).markets(12).write();
        Map<String, String> settings = new HashMap<>();
        settings.put("tickerlake.source", "replay");
        settings.put("tickerlake.replay.file", workload.file().toString());
        settings.put("tickerlake.replay.speed", "5");
        settings.put("tickerlake.replay.loop", "true");
        settings.put("tickerlake.paimon.enabled", "true");
        settings.put("tickerlake.flink.checkpoint-interval", "1s");
        settings.put("tickerlake.admin.users", USER + ":" + PASSWORD);
        settings.put("camel.server.host", "127.0.0.1");
        app = RunningTickerlake.start(dir.resolve("data"), settings);
        base = "http://127.0.0.1:" + app.property("camel.server.port");
        EmbeddedModeIT.awaitReady(app);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
            for (String table : TABLES) {
                if (snapshotIds(table.replace('.', '/'), 3).size() < 3) {
                    return false;
                }
            }
            return true;
        });
        progress("app ready with 3 snapshots per table, %d s after the start", seconds(started));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (app != null) {
                app.close();
            }
            progress("class time %d s", seconds(started));
        }
    }

    @Test
    @Order(1)
    void theOverviewListsTheThreeTablesWithTheirLatestSnapshots() throws Exception {
        Map<String, Long> before = latestSnapshots();
        assertThat(before.keySet()).as("the API's tables").isEqualTo(TABLES);

        browser.open(base + "/");
        browser.awaitReady("#overview", VIEW);
        Map<String, Long> shown = new HashMap<>();
        for (WebElement row : browser.findAll("#overview tbody tr[data-table]")) {
            shown.put(row.getDomAttribute("data-table"), Long.parseLong(
                    row.findElement(org.openqa.selenium.By.cssSelector("td.snapshot")).getText().trim()));
        }
        Map<String, Long> after = latestSnapshots();
        browser.screenshot("overview");

        assertThat(shown.keySet()).as("tables on the overview").isEqualTo(TABLES);
        shown.forEach((table, id) -> assertThat(id).as("latest snapshot of %s on the overview", table)
                .isBetween(before.get(table), after.get(table)));
    }

    @Test
    @Order(2)
    void anOldSnapshotShowsExactlyTheApisRowsAlsoFilteredAndAfterAReload() throws Exception {
        List<String> fields = fields(TICKER);
        List<Long> ids = snapshotIds("upbit/ticker", 1000);
        long oldest = ids.get(ids.size() - 1);

        // by URL
        browser.open(base + "/?table=upbit.ticker&view=rows&snapshot=" + oldest);
        JsonNode rows = api(TICKER + "/rows?snapshot=" + oldest + "&limit=50").path("rows");
        assertThat(rows.size()).as("rows at snapshot %d", oldest).isPositive();
        awaitRows(oldest, fields, rows);

        // by a click on the chart's first point: the oldest retained snapshot
        browser.open(base + "/?table=upbit.ticker&view=timeline");
        browser.awaitReady("#snapshot-list", VIEW);
        WebElement plot = browser.await(VIEW)
                .until(d -> browser.findAll("#timeline-chart .u-over").stream().findFirst().orElse(null));
        new Actions(browser.driver()).moveToElement(plot, -plot.getSize().getWidth() / 2 + 2, 0).click().perform();
        awaitRows(oldest, fields, rows);
        assertThat(query(browser.driver().getCurrentUrl())).as("the URL after a click on the chart")
                .containsEntry("view", List.of("rows")).containsEntry("snapshot", List.of(String.valueOf(oldest)));

        // by the timeline's button
        long old = snapshotIds("upbit/ticker", 3).get(2);
        browser.open(base + "/?table=upbit.ticker&view=timeline");
        browser.awaitReady("#snapshot-list", VIEW);
        String button = "#snapshot-list tbody tr[data-snapshot-id=\"" + old + "\"] button.view-rows";
        browser.await(VIEW).until(d -> !browser.findAll(button).isEmpty());
        browser.find(button).click();
        JsonNode oldRows = api(TICKER + "/rows?snapshot=" + old + "&limit=50").path("rows");
        awaitRows(old, fields, oldRows);
        assertThat(query(browser.driver().getCurrentUrl())).as("the URL after the timeline's button")
                .containsEntry("view", List.of("rows")).containsEntry("snapshot", List.of(String.valueOf(old)));

        // a where filter set on the page
        String market = oldRows.get(oldRows.size() - 1).path("market").asText();
        JsonNode filtered = api(TICKER + "/rows?snapshot=" + old + "&where="
                + URLEncoder.encode("market:" + market, StandardCharsets.UTF_8) + "&limit=50").path("rows");
        assertThat(filtered.size()).as("rows of %s at %d", market, old).isBetween(1, oldRows.size() - 1);
        selectOption(browser.find("#where-column"), "market");
        browser.find("#where-value").clear();
        browser.find("#where-value").sendKeys(market);
        browser.find("#where-add").click();
        browser.find("#rows-apply").click();
        awaitRows(old, fields, filtered);
        assertThat(browser.find("#where-list").getText()).as("the active filters").contains(market);
        Map<String, List<String>> url = query(browser.driver().getCurrentUrl());
        assertThat(url).as("the URL with a filter").containsEntry("table", List.of("upbit.ticker"))
                .containsEntry("snapshot", List.of(String.valueOf(old)))
                .containsEntry("where", List.of("market:" + market));
        browser.screenshot("rows", "#table-section");

        browser.driver().navigate().refresh();
        awaitRows(old, fields, filtered);
        assertThat(query(browser.driver().getCurrentUrl())).as("the URL after a reload").isEqualTo(url);
    }

    @Test
    @Order(3)
    void theNextPageShowsTheApisRowsAtOffset50() throws Exception {
        String trade = "/api/tables/upbit/trade";
        List<String> fields = fields(trade);
        long snapshot = snapshotIds("upbit/trade", 1).get(0);
        JsonNode second = api(trade + "/rows?snapshot=" + snapshot + "&limit=50&offset=50").path("rows");
        assertThat(second.size()).as("trades after the first 50 at snapshot %d", snapshot).isPositive();

        browser.open(base + "/?table=upbit.trade&view=rows&snapshot=" + snapshot);
        awaitRows(snapshot, fields, api(trade + "/rows?snapshot=" + snapshot + "&limit=50").path("rows"));
        browser.find("#rows-next").click();
        awaitRows(snapshot, fields, second);
        assertThat(browser.find("#rows-page").getText()).as("#rows-page").isEqualTo("page 2");
        assertThat(query(browser.driver().getCurrentUrl())).as("the URL of page 2")
                .containsEntry("page", List.of("2")).containsEntry("snapshot", List.of(String.valueOf(snapshot)));
    }

    @Test
    @Order(4)
    void theDiffViewMatchesTheApisDiff() throws Exception {
        List<String> fields = fields(TICKER);
        List<String> keys = primaryKeys(TICKER);
        long[] pair = null;
        JsonNode diff = null;
        List<Long> ids = snapshotIds("upbit/ticker", 12);
        for (int i = ids.size() - 1; i > 0 && pair == null; i--) {
            JsonNode candidate = api(TICKER + "/diff?from=" + ids.get(i) + "&to=" + ids.get(i - 1));
            if (!candidate.path("truncated").asBoolean() && kinds(candidate).contains("+U")) {
                pair = new long[] {ids.get(i), ids.get(i - 1)};
                diff = candidate;
            }
        }
        assertThat(pair).as("two snapshots of %s with updates between them", ids).isNotNull();

        browser.open(base + "/?table=upbit.ticker&view=diff");
        browser.awaitReady("#diff-table", VIEW);
        // the page offers points in #diff-points (and fills the inputs if still empty): let it finish first
        browser.await(VIEW).until(d -> !browser.findAll("#diff-points option").isEmpty());
        browser.find("#diff-from").clear();
        browser.find("#diff-from").sendKeys(String.valueOf(pair[0]));
        browser.find("#diff-to").clear();
        browser.find("#diff-to").sendKeys(String.valueOf(pair[1]));
        browser.find("#diff-apply").click();

        JsonNode changes = diff.path("changes");
        List<List<String>> expectedChanged = changedColumns(changes, fields, keys);
        String problem;
        try {
            browser.await(VIEW).until(d -> "ready".equals(browser.state("#diff-table"))
                    && diffProblem(changes, fields, expectedChanged) == null);
            problem = null;
        } catch (TimeoutException e) {
            problem = diffProblem(changes, fields, expectedChanged);
        }
        browser.screenshot("diff", "#table-section");
        assertThat(problem).as("the diff view against the API's diff %d..%d", pair[0], pair[1]).isNull();

        Map<String, Long> counts = new HashMap<>();
        changes.forEach(change -> counts.merge(change.path("kind").asText(), 1L, Long::sum));
        List<Long> summary = numbers(browser.find("#diff-summary").getText());
        assertThat(summary).as("#diff-summary '%s' against the API's counts per kind %s",
                browser.find("#diff-summary").getText(), counts)
                .contains(counts.getOrDefault("+I", 0L), counts.getOrDefault("+U", 0L), counts.getOrDefault("-D", 0L));
        assertThat(query(browser.driver().getCurrentUrl())).as("the URL of the diff")
                .containsEntry("from", List.of(String.valueOf(pair[0])))
                .containsEntry("to", List.of(String.valueOf(pair[1])));
    }

    @Test
    @Order(5)
    void aNewSnapshotAppearsOnTheTimelineWithoutAReload() throws Exception {
        browser.open(base + "/?table=upbit.ticker&view=timeline");
        browser.awaitReady("#snapshot-list", VIEW);
        browser.script("window.__noReload = 1;");
        long latest = latestSnapshots().get("upbit.ticker");
        browser.await(LIVE).withMessage(() -> "no snapshot newer than " + latest + " on the timeline")
                .until(d -> shownSnapshotIds().stream().anyMatch(id -> id > latest));
        browser.screenshot("timeline", "#table-section");

        assertThat(browser.script("return window.__noReload;")).as("the marker set before (gone after a reload)")
                .isEqualTo(1L);
        List<Long> shown = shownSnapshotIds();
        assertThat(shown).as("#snapshot-list, newest first").isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(snapshotIds("upbit/ticker", 1000)).as("the API's snapshots").containsAll(shown);
    }

    @Test
    @Order(6)
    void aTagCreatedOnThePageIsInTheApiAndDeletingItRemovesIt() throws Exception {
        String tag = "page_" + Long.toHexString(new Random().nextLong() & 0xffffffL);
        long snapshot = snapshotIds("upbit/ticker", 3).get(2);
        browser.open(base + "/?table=upbit.ticker&view=tags");
        browser.awaitReady("#tag-list", VIEW);
        browser.find("#signin-user").sendKeys(USER);
        browser.find("#signin-password").sendKeys(PASSWORD);
        browser.find("#signin").click();
        browser.await(VIEW).until(d -> browser.find("#signin-status").getText().contains("signed in as " + USER));

        browser.find("#tag-name").sendKeys(tag);
        browser.find("#tag-snapshot").sendKeys(String.valueOf(snapshot));
        browser.find("#tag-create").click();
        String item = "#tag-list li[data-tag=\"" + tag + "\"]";
        browser.await(VIEW).withMessage(() -> tag + " not on #tag-list; #message: " + browser.find("#message").getText())
                .until(d -> !browser.findAll(item).isEmpty());
        browser.screenshot("tags", "#table-section");
        assertThat(browser.find("#message").getText()).as("#message after creating a tag").isEmpty();
        assertThat(tags()).as("the API's tags").containsEntry(tag, snapshot);

        browser.find(item + " button.tag-delete").click();
        acceptAnyAlert();
        browser.await(VIEW).withMessage(() -> tag + " still on #tag-list; #message: " + browser.find("#message").getText())
                .until(d -> browser.findAll(item).isEmpty());
        assertThat(tags()).as("the API's tags after the delete on the page").doesNotContainKey(tag);
    }

    @Test
    @Order(7)
    void notSignedInTheRollbackDryRunShowsThe401ReasonAndRollsNothingBack() throws Exception {
        List<Long> before = snapshotIds("upbit/ticker", 1000);
        browser.open(base + "/?table=upbit.ticker&view=tags");
        browser.awaitReady("#tag-list", VIEW);
        assertThat(browser.find("#signin-status").getText()).as("after a load").doesNotContain("signed in as");
        browser.find("#rollback-target").sendKeys(String.valueOf(before.get(before.size() - 1)));
        browser.find("#rollback-dry-run").click();
        String expected = "401 unauthorized: this call needs HTTP basic authentication";
        browser.await(VIEW).withMessage(() -> "#message is '" + browser.find("#message").getText() + "'")
                .until(d -> browser.find("#message").getText().trim().equals(expected));

        assertThat(browser.find("#rollback-confirm").isEnabled()).as("#rollback-confirm after a refused dry run")
                .isFalse();
        assertThat(snapshotIds("upbit/ticker", 1000)).as("the snapshots after the refused dry run")
                .containsAll(before);
        assertThat(api("/api/sync").path("state").asText()).as("the sync job").isEqualTo("RUNNING");
    }

    @Test
    @Order(8)
    void thePageCarriesItsSecurityAndCacheHeadersAndTheConsoleStaysCleanOnEveryView() throws Exception {
        for (String path : List.of("/", "/ui/js/main.js", "/ui/lib/uplot/uPlot.esm.js")) {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as("GET %s", path).isEqualTo(200);
            assertThat(answer.headers().firstValue("Content-Security-Policy")).as("CSP of %s", path).hasValue(CSP);
            assertThat(answer.headers().firstValue("Content-Type")).as("Content-Type of %s", path).hasValueSatisfying(
                    type -> assertThat(type).contains(path.equals("/") ? "text/html" : "javascript"));
            String etag = answer.headers().firstValue("ETag").orElse(null);
            String cache = answer.headers().firstValue("Cache-Control").orElse("");
            if (path.startsWith("/ui/lib/") && cache.contains("immutable")) {
                // the contract's first idea for the WebJar; its URL names no version, so no-cache + ETag is as good
                assertThat(cache).as("Cache-Control of %s", path).contains("max-age=31536000");
                continue;
            }
            assertThat(cache).as("Cache-Control of %s", path).isEqualTo("no-cache");
            assertThat(etag).as("ETag of %s", path).isNotNull();
            HttpResponse<String> again = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                    .header("If-None-Match", etag).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(again.statusCode()).as("GET %s again with If-None-Match: its ETag", path).isEqualTo(304);
            assertThat(again.headers().firstValue("Content-Security-Policy")).as("CSP of the 304 of %s", path)
                    .hasValue(CSP);
        }

        List<Long> ids = snapshotIds("upbit/ticker", 3);
        String market = api(TICKER + "/rows?snapshot=" + ids.get(0) + "&limit=1").path("rows").get(0)
                .path("market").asText();
        browser.open(base + "/");
        // the console is read at all (an error of the test's own), and what earlier tests left (their 401s) is gone
        browser.script("console.error('tickerlake console probe');");
        assertThat(browser.consoleErrors()).as("the console as read").anyMatch(e -> e.contains("tickerlake console probe"));
        Map<String, String> views = new java.util.LinkedHashMap<>();
        views.put("overview", "/|#overview");
        views.put("timeline", "/?table=upbit.ticker&view=timeline|#snapshot-list");
        views.put("rows", "/?table=upbit.ticker&view=rows&snapshot=" + ids.get(2) + "&where=market:" + market
                + "|#rows-table");
        views.put("diff", "/?table=upbit.ticker&view=diff&from=" + ids.get(2) + "&to=" + ids.get(0) + "|#diff-table");
        views.put("market", "/?table=upbit.ticker&view=market&key=" + market + "&column=price|#market-table");
        views.put("tags", "/?table=upbit.ticker&view=tags|#tag-list");
        List<String> errors = new ArrayList<>();
        for (Map.Entry<String, String> view : views.entrySet()) {
            String[] urlAndResult = view.getValue().split("\\|");
            browser.open(base + urlAndResult[0]);
            browser.awaitReady(urlAndResult[1], view.getKey().equals("market") ? MARKET : VIEW);
            browser.screenshot(view.getKey(), view.getKey().equals("overview") ? "body" : "#table-section");
            if (view.getKey().equals("market")) {
                assertMarketValues(market);
            }
            browser.consoleErrors().forEach(error -> errors.add(view.getKey() + ": " + error));
        }
        assertThat(errors).as("console errors and CSP reports").isEmpty();
    }

    @Test
    @Order(9)
    void aNarrowWindowHasNoHorizontalScroll() throws Exception {
        Dimension wide = browser.driver().manage().window().getSize();
        browser.driver().manage().window().setSize(new Dimension(480, 900));
        try {
            browser.open(base + "/");
            browser.awaitReady("#overview", VIEW);
            browser.screenshot("narrow");
            assertThat(horizontalOverflow()).as("overview at 480 px: scrollWidth - innerWidth").isLessThanOrEqualTo(0);

            long old = snapshotIds("upbit/ticker", 3).get(2);
            browser.open(base + "/?table=upbit.ticker&view=rows&snapshot=" + old);
            browser.awaitReady("#rows-table", VIEW);
            browser.screenshot("narrow-rows", "#view-rows");
            assertThat(horizontalOverflow()).as("rows view at 480 px: scrollWidth - innerWidth").isLessThanOrEqualTo(0);
        } finally {
            browser.driver().manage().window().setSize(wide);
        }
    }

    /** {@code #market-table} lists the market's price at sampled snapshots: the newest as the API reads it. */
    private static void assertMarketValues(String market) throws Exception {
        List<WebElement> values = browser.findAll("#market-table tbody tr[data-snapshot-id]");
        assertThat(values).as("the market's values").isNotEmpty();
        WebElement newest = values.get(values.size() - 1);
        String sampled = newest.getDomAttribute("data-snapshot-id");
        JsonNode rows = api(TICKER + "/rows?snapshot=" + sampled + "&where=market:" + market + "&limit=1").path("rows");
        String shown = newest.findElements(org.openqa.selenium.By.tagName("td")).get(2).getText();
        if (rows.isEmpty()) {
            assertThat(shown).as("price of %s at %s, which has no row", market, sampled).doesNotContainPattern("\\d");
            return;
        }
        JsonNode price = rows.get(0).path("price");
        // the chart's table groups digits (29,810.5): the same number
        assertThat(sameValue(price, shown.replace(",", ""))).as("price of %s at %s: shown '%s', the API's %s", market,
                sampled, shown, price).isTrue();
    }

    // --- the page

    /** Waits until {@code #rows-table} is ready at {@code snapshot} and shows exactly {@code rows}; fails with the difference. */
    private static void awaitRows(long snapshot, List<String> fields, JsonNode rows) {
        String problem;
        try {
            browser.await(VIEW).until(d -> rowsProblem(snapshot, fields, rows) == null);
            problem = null;
        } catch (TimeoutException e) {
            problem = rowsProblem(snapshot, fields, rows);
        }
        assertThat(problem).as("#rows-table against the API's rows at snapshot %d", snapshot).isNull();
    }

    private static String rowsProblem(long snapshot, List<String> fields, JsonNode rows) {
        if (!"ready".equals(browser.state("#rows-table"))) {
            return "#rows-table data-state " + browser.state("#rows-table");
        }
        List<WebElement> point = browser.findAll("#rows-snapshot");
        String shownSnapshot = point.isEmpty() ? null : point.get(0).getDomAttribute("data-snapshot-id");
        if (!String.valueOf(snapshot).equals(shownSnapshot)) {
            return "#rows-snapshot data-snapshot-id " + shownSnapshot;
        }
        Table table = table("#rows-table");
        if (!table.header().equals(fields)) {
            return "header " + table.header() + ", the table's fields " + fields;
        }
        if (table.rows().size() != rows.size()) {
            return table.rows().size() + " rows shown, the API answered " + rows.size();
        }
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < fields.size(); c++) {
                JsonNode value = rows.get(r).get(fields.get(c));
                String cell = table.rows().get(r).get(c);
                if (!sameValue(value, cell)) {
                    return "row " + r + " column " + fields.get(c) + ": shown '" + cell + "', the API's " + value;
                }
            }
        }
        return null;
    }

    private static String diffProblem(JsonNode changes, List<String> fields, List<List<String>> expectedChanged) {
        if (!"ready".equals(browser.state("#diff-table"))) {
            return "#diff-table data-state " + browser.state("#diff-table");
        }
        Table table = table("#diff-table");
        // the fields in their order, after the page's own columns (the kind); ticker has a field named "change" too
        int first = -1;
        for (int k = 0; k + fields.size() <= table.header().size() && first < 0; k++) {
            if (table.header().subList(k, k + fields.size()).equals(fields)) {
                first = k;
            }
        }
        if (first < 0) {
            return "header " + table.header() + ", the table's fields in order " + fields;
        }
        List<Integer> columns = new ArrayList<>();
        for (int c = 0; c < fields.size(); c++) {
            columns.add(first + c);
        }
        if (table.rows().size() != changes.size()) {
            return table.rows().size() + " changes shown, the API answered " + changes.size();
        }
        for (int r = 0; r < changes.size(); r++) {
            JsonNode change = changes.get(r);
            if (!change.path("kind").asText().equals(table.kinds().get(r))) {
                return "change " + r + ": kind " + table.kinds().get(r) + ", the API's " + change.path("kind");
            }
            for (int c = 0; c < fields.size(); c++) {
                JsonNode value = change.path("row").get(fields.get(c));
                String cell = table.rows().get(r).get(columns.get(c));
                if (!sameValue(value, cell)) {
                    return "change " + r + " column " + fields.get(c) + ": shown '" + cell + "', the API's " + value;
                }
            }
            List<String> marked = new ArrayList<>();
            for (int c = 0; c < fields.size(); c++) {
                if (table.changed().get(r).contains(columns.get(c))) {
                    marked.add(fields.get(c));
                }
            }
            if (!marked.equals(expectedChanged.get(r))) {
                return "change " + r + " (" + change.path("kind").asText() + "): td.changed on " + marked
                        + ", the columns that differ from its -U " + expectedChanged.get(r);
            }
        }
        return null;
    }

    /** A result table as shown: header texts, cell texts, each row's {@code data-kind}, each row's {@code td.changed} indexes. */
    record Table(List<String> header, List<List<String>> rows, List<String> kinds, List<Set<Integer>> changed) {
    }

    @SuppressWarnings("unchecked")
    private static Table table(String css) {
        Map<String, Object> read = (Map<String, Object>) browser.script("""
                const table = document.querySelector(arguments[0]);
                const header = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
                const trs = [...table.querySelectorAll('tbody tr')];
                return {
                  header,
                  rows: trs.map(tr => [...tr.cells].map(td => td.textContent)),
                  kinds: trs.map(tr => tr.getAttribute('data-kind')),
                  changed: trs.map(tr => [...tr.cells].flatMap((td, i) => td.classList.contains('changed') ? [i] : []))
                };""", css);
        List<Set<Integer>> changed = new ArrayList<>();
        for (List<Long> indexes : (List<List<Long>>) read.get("changed")) {
            changed.add(new LinkedHashSet<>(indexes.stream().map(Long::intValue).toList()));
        }
        return new Table((List<String>) read.get("header"), (List<List<String>>) read.get("rows"),
                (List<String>) read.get("kinds"), changed);
    }

    private static List<Long> shownSnapshotIds() {
        return browser.findAll("#snapshot-list tbody tr[data-snapshot-id]").stream()
                .map(row -> Long.parseLong(row.getDomAttribute("data-snapshot-id"))).toList();
    }

    private static long horizontalOverflow() {
        return (Long) browser.script(
                "return document.documentElement.scrollWidth - window.innerWidth;");
    }

    private static void selectOption(WebElement select, String value) {
        Select options = new Select(select);
        try {
            options.selectByValue(value);
        } catch (org.openqa.selenium.NoSuchElementException e) {
            options.selectByVisibleText(value);
        }
    }

    private static void acceptAnyAlert() {
        try {
            browser.driver().switchTo().alert().accept();
        } catch (NoAlertPresentException none) {
            // the page asked nothing
        }
    }

    /**
     * A cell shows the API's value: strings as they are, null as empty, numbers as the same number (JavaScript prints
     * {@code 6.5E7} as {@code 65000000}: same value, another spelling).
     */
    static boolean sameValue(JsonNode value, String cell) {
        if (value == null || value.isNull()) {
            return cell.isEmpty();
        }
        if (value.isNumber()) {
            try {
                return cell.equals(value.asText()) || new BigDecimal(cell.trim()).compareTo(value.decimalValue()) == 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return cell.equals(value.isValueNode() ? value.asText() : value.toString());
    }

    /** For each change, the columns a {@code +U} changes against its {@code -U} (same primary key); none for the others. */
    private static List<List<String>> changedColumns(JsonNode changes, List<String> fields, List<String> keys) {
        List<List<String>> changed = new ArrayList<>();
        Map<List<String>, JsonNode> before = new HashMap<>();
        for (JsonNode change : changes) {
            JsonNode row = change.path("row");
            List<String> key = keys.stream().map(k -> row.path(k).asText()).toList();
            List<String> columns = new ArrayList<>();
            switch (change.path("kind").asText()) {
                case "-U" -> before.put(key, row);
                case "+U" -> {
                    JsonNode old = before.remove(key);
                    for (String field : fields) {
                        if (old != null && !sameJson(old.get(field), row.get(field))) {
                            columns.add(field);
                        }
                    }
                }
                default -> { }
            }
            changed.add(columns);
        }
        return changed;
    }

    private static boolean sameJson(JsonNode a, JsonNode b) {
        if (a == null || b == null || a.isNull() || b.isNull()) {
            return (a == null || a.isNull()) == (b == null || b.isNull());
        }
        return a.isNumber() && b.isNumber() ? a.decimalValue().compareTo(b.decimalValue()) == 0 : a.equals(b);
    }

    // --- the API

    /** GET on the API, 200 expected; a 429 (the page's own reads hold both read slots) is retried after its Retry-After. */
    private static JsonNode api(String path) throws Exception {
        HttpResponse<String> answer = app.api(path);
        for (int retry = 0; answer.statusCode() == 429 && retry < 20; retry++) {
            Thread.sleep(1000L * Long.parseLong(answer.headers().firstValue("Retry-After").orElse("1")));
            answer = app.api(path);
        }
        assertThat(answer.statusCode()).as("GET %s: %s", path, answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    private static List<String> fields(String table) throws Exception {
        List<String> names = new ArrayList<>();
        api(table).path("fields").forEach(field -> names.add(field.path("name").asText()));
        return names;
    }

    private static List<String> primaryKeys(String table) throws Exception {
        List<String> names = new ArrayList<>();
        api(table).path("primaryKeys").forEach(key -> names.add(key.asText()));
        return names;
    }

    /** The newest {@code limit} snapshot ids of {@code db/table}, newest first. */
    private static List<Long> snapshotIds(String table, int limit) throws Exception {
        List<Long> ids = new ArrayList<>();
        api("/api/tables/" + table + "/snapshots?limit=" + limit).path("snapshots")
                .forEach(snapshot -> ids.add(snapshot.path("id").asLong()));
        return ids;
    }

    private static Map<String, Long> latestSnapshots() throws Exception {
        Map<String, Long> latest = new HashMap<>();
        api("/api/tables").path("tables").forEach(table -> latest.put(
                table.path("database").asText() + "." + table.path("table").asText(),
                table.path("latestSnapshot").path("id").asLong(-1)));
        return latest;
    }

    private static Map<String, Long> tags() throws Exception {
        Map<String, Long> tags = new HashMap<>();
        api(TICKER + "/tags").path("tags").forEach(tag -> tags.put(tag.path("name").asText(),
                tag.path("snapshot").asLong()));
        return tags;
    }

    private static Set<String> kinds(JsonNode diff) {
        Set<String> kinds = new LinkedHashSet<>();
        diff.path("changes").forEach(change -> kinds.add(change.path("kind").asText()));
        return kinds;
    }

    // --- small things

    /** The URL's query parameters, decoded, in order (a repeated name keeps every value). */
    static Map<String, List<String>> query(String url) {
        Map<String, List<String>> parameters = new java.util.LinkedHashMap<>();
        String query = URI.create(url).getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                parameters.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            }
        }
        return parameters;
    }

    private static List<Long> numbers(String text) {
        List<Long> numbers = new ArrayList<>();
        Matcher matcher = Pattern.compile("\\d+").matcher(text);
        while (matcher.find()) {
            numbers.add(Long.parseLong(matcher.group()));
        }
        return numbers;
    }

    private static long seconds(long sinceNanos) {
        return Duration.ofNanos(System.nanoTime() - sinceNanos).toSeconds();
    }

    private static void progress(String format, Object... args) {
        System.out.println("[page] " + String.format(format, args));
    }
}
