package dev.tickerlake.faults;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Watches, twice a second, what an operator would see of the sync job: the overall health and its paimon-sync check,
 * and the job's JMX state; prints a {@code [faults]} line whenever that changes, and keeps every distinct sighting.
 */
final class SyncWatch implements AutoCloseable {

    /** One distinct view: overall status, the paimon-sync check's status and message, JMX state and Flink status. */
    record Sighting(Instant at, String health, String syncCheck, String syncMessage, String state, String flinkStatus,
                    int restarts) {

        String describe() {
            return "health " + health + ", paimon-sync " + syncCheck + (syncMessage == null ? "" : " (" + syncMessage
                    + ")") + ", job " + state + "/" + flinkStatus + ", restarts " + restarts;
        }

        private boolean sameAs(Sighting other) {
            return other != null && Objects.equals(health, other.health) && Objects.equals(syncCheck, other.syncCheck)
                    && Objects.equals(withoutNumbers(syncMessage), withoutNumbers(other.syncMessage))
                    && Objects.equals(state, other.state)
                    && Objects.equals(flinkStatus, other.flinkStatus) && restarts == other.restarts;
        }
    }

    /** "no checkpoint completed for 16 s" and "... 17 s" are one sighting. */
    private static String withoutNumbers(String message) {
        return message == null ? null : message.replaceAll("\\d+", "#");
    }

    private final ExternalLake lake;
    private final String scenario;
    private final List<Sighting> sightings = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopped;

    SyncWatch(ExternalLake lake, String scenario) {
        this.lake = lake;
        this.scenario = scenario;
        this.thread = new Thread(this::run, "sync-watch");
        thread.setDaemon(true);
        thread.start();
    }

    synchronized List<Sighting> sightings() {
        return List.copyOf(sightings);
    }

    /** Sightings from {@code from} on (the one in force at {@code from} included). */
    synchronized List<Sighting> since(Instant from) {
        List<Sighting> result = new ArrayList<>();
        Sighting inForce = null;
        for (Sighting s : sightings) {
            if (s.at().isBefore(from)) {
                inForce = s;
            } else {
                result.add(s);
            }
        }
        if (inForce != null) {
            result.add(0, inForce);
        }
        return result;
    }

    private void run() {
        Sighting last = null;
        while (!stopped) {
            Sighting now = look();
            if (stopped) {
                return;
            }
            if (!now.sameAs(last)) {
                synchronized (this) {
                    sightings.add(now);
                }
                System.out.println("[faults] " + scenario + ": " + now.describe());
                last = now;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private Sighting look() {
        String health = "?";
        String check = "?";
        String message = null;
        try {
            JsonNode root = lake.health();
            health = root.path("status").asText();
            List<String> down = new ArrayList<>();
            for (JsonNode c : root.path("checks")) {
                if (!"UP".equals(c.path("status").asText())) {
                    down.add(c.path("name").asText());
                }
                if (c.path("name").asText().equals("paimon-sync")) {
                    check = c.path("status").asText();
                    message = c.hasNonNull("message") ? c.path("message").asText() : null;
                }
            }
            if (!down.isEmpty()) {
                health += " " + down;
            }
        } catch (Exception e) {
            health = "unanswered (" + e.getClass().getSimpleName() + ")";
        }
        String state = "?";
        String flink = "?";
        int restarts = -1;
        try {
            state = String.valueOf(lake.syncJobAttribute("State"));
            flink = String.valueOf(lake.syncJobAttribute("FlinkStatus"));
            restarts = ((Number) lake.syncJobAttribute("Restarts")).intValue();
        } catch (Exception e) {
            state = "no MBean (" + e.getClass().getSimpleName() + ")";
        }
        return new Sighting(Instant.now(), health, check, message, state, flink, restarts);
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.interrupt();
        thread.join(Duration.ofSeconds(10).toMillis());
    }
}
