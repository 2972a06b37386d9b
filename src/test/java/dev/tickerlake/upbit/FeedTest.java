package dev.tickerlake.upbit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tickerlake.testing.CapturedLog;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feed hands frames to a real route; what that route fails to deliver is counted in the sink failures, logged once
 * per burst, and on close what is still on its way is told in one line.
 */
class FeedTest {

    @TempDir
    Path dir;

    private final CamelContext context = new DefaultCamelContext();
    private CapturedLog log;

    @BeforeEach
    void captureLog() {
        // Frames left on their way are abandoned at the end of a test, not awaited.
        context.getShutdownStrategy().setTimeout(1);
        log = CapturedLog.of(Feed.class);
    }

    @AfterEach
    void stop() {
        log.close();
        context.stop();
    }

    @Test
    void framesTheRouteFailsToDeliverAreCountedAndLoggedOncePerBurst() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:upbit-frame").process(exchange -> {
                    int call = calls.incrementAndGet();
                    if (call >= 4 && call <= 8) {
                        throw new IllegalStateException("Kafka refused frame " + call);
                    }
                });
            }
        });
        Feed feed = startFeed(10, Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.stats().state() == SourceState.COMPLETED);

        assertThat(feed.stats().framesEmitted()).isEqualTo(10);
        assertThat(feed.stats().sinkFailures()).isEqualTo(5);
        assertThat(feed.stats().lastError()).contains("Kafka refused frame 8");
        assertThat(log.lines()).filteredOn(line -> line.contains("not delivered to Kafka")).singleElement()
                .asString().startsWith("WARN").contains("frames.jsonl:4").contains("Kafka refused frame 4");
        assertThat(log.lines()).filteredOn(line -> line.contains("reach Kafka again")).singleElement()
                .asString().contains("5 frames were lost");
        feed.close();
    }

    @Test
    void closeSaysHowManyFramesWereNotDelivered() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // Kafka that does not answer: the frames stay on their way.
                from("direct:upbit-frame").delay(60_000).asyncDelayed();
            }
        });
        Feed feed = startFeed(3, Duration.ofMillis(200));
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.stats().framesEmitted() == 3);

        feed.close();

        assertThat(log.lines()).filteredOn(line -> line.startsWith("WARN Feed stopped")).singleElement().asString()
                .contains("3 frames not delivered to Kafka");
    }

    /** A feed replaying {@code frames} ticker frames as fast as the route takes them, into {@code direct:upbit-frame}. */
    private Feed startFeed(int frames, Duration drainTimeout) throws Exception {
        Path replay = dir.resolve("frames.jsonl");
        Files.write(replay, Collections.nCopies(frames, Frames.line("ticker.jsonl", 0)));
        Properties settings = new Properties();
        settings.setProperty("tickerlake.source", "replay");
        settings.setProperty("tickerlake.replay.file", replay.toString());
        settings.setProperty("tickerlake.replay.speed", "0");
        context.getPropertiesComponent().setInitialProperties(settings);
        context.start();
        Feed feed = new Feed(context, "direct:upbit-frame", 10, drainTimeout);
        feed.start();
        return feed;
    }
}
