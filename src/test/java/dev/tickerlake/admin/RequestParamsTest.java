package dev.tickerlake.admin;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tickerlake.lake.WhereCondition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestParamsTest {

    @Test
    void namesAreLowerCaseLettersDigitsAndUnderscoresUpTo64() {
        assertThat(RequestParams.name("table", "ticker")).isEqualTo("ticker");
        assertThat(RequestParams.name("tag", "before_rollback_2")).isEqualTo("before_rollback_2");
        assertThat(RequestParams.name("tag", "a".repeat(64))).hasSize(64);

        for (String bad : new String[] {"Ticker", "tick-er", "tick er", "ticker$snapshots", "../etc", "a".repeat(65), ""}) {
            assertBadRequest(() -> RequestParams.name("table", bad), "invalid_name");
        }
        assertBadRequest(() -> RequestParams.name("table", null), "invalid_name");
    }

    @Test
    void snapshotIdsAreDigitsOnly() {
        assertThat(RequestParams.snapshotId("snapshot", "42")).isEqualTo(42L);
        assertThat(RequestParams.optionalSnapshotId("before", null)).isNull();
        assertThat(RequestParams.optionalSnapshotId("before", " ")).isNull();
        for (String bad : new String[] {"-1", "1.5", "abc", "12345678901234567890", "0x10"}) {
            assertBadRequest(() -> RequestParams.snapshotId("snapshot", bad), "invalid_snapshot");
        }
        assertThat(RequestParams.isSnapshotId("123")).isTrue();
        assertThat(RequestParams.isSnapshotId("release_1")).isFalse();
    }

    @Test
    void limitsDefaultWhenAbsentAndAreCappedAtTheirMaximum() {
        assertThat(RequestParams.limit(null, 100, 10_000)).isEqualTo(100);
        assertThat(RequestParams.limit("", 100, 10_000)).isEqualTo(100);
        assertThat(RequestParams.limit("7", 100, 10_000)).isEqualTo(7);
        assertThat(RequestParams.limit("20000", 100, 10_000)).isEqualTo(10_000);
        assertThat(RequestParams.limit("99999999999999999999", 100, 10_000)).isEqualTo(10_000);
        for (String bad : new String[] {"0", "-5", "ten", "1e3"}) {
            assertBadRequest(() -> RequestParams.limit(bad, 100, 10_000), "invalid_limit");
        }
    }

    @Test
    void timestampsAreEpochMillisOrIso8601InUtcUnlessAnOffsetIsGiven() {
        long expected = Instant.parse("2024-05-01T00:00:00.123Z").toEpochMilli();
        assertThat(RequestParams.timestamp("timestamp", Long.toString(expected))).isEqualTo(expected);
        assertThat(RequestParams.timestamp("timestamp", "2024-05-01T00:00:00.123Z")).isEqualTo(expected);
        assertThat(RequestParams.timestamp("timestamp", "2024-05-01T09:00:00.123+09:00")).isEqualTo(expected);
        // An unencoded '+' arrives as a space.
        assertThat(RequestParams.timestamp("timestamp", "2024-05-01T09:00:00.123 09:00")).isEqualTo(expected);
        assertThat(RequestParams.timestamp("timestamp", "2024-05-01T00:00:00.123")).isEqualTo(expected);
        assertThat(RequestParams.timestamp("timestamp", "2024-05-01 00:00:00.123")).isEqualTo(expected);
        assertThat(RequestParams.timestamp("timestamp", "2024-05-01")).isEqualTo(expected - 123);
        for (String bad : new String[] {"yesterday", "2024-13-01", "2024-05-01T25:00:00Z", "1714521600000.5"}) {
            assertBadRequest(() -> RequestParams.timestamp("timestamp", bad), "invalid_timestamp");
        }
    }

    /** A valid ISO-8601 instant beyond epoch milliseconds' range failed the call with a 500 "long overflow". */
    @Test
    void anInstantOutsideEpochMillisecondsIsAnInvalidTimestamp() {
        for (String far : new String[] {"-999999999-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "-292275055-05-16T16:47:04.191Z",
                "+292278994-08-17T07:12:55.808Z"}) {
            assertBadRequest(() -> RequestParams.timestamp("timestamp", far), "invalid_timestamp");
        }
        assertThat(RequestParams.timestamp("timestamp", "+292278994-08-17T07:12:55.807Z")).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void whereIsColumnColonValueAndTheValueMayContainColons() {
        assertThat(RequestParams.whereCondition("market:KRW-BTC")).isEqualTo(new WhereCondition("market", "KRW-BTC"));
        assertThat(RequestParams.whereCondition("timestamp:2024-05-01T00:00:00Z"))
                .isEqualTo(new WhereCondition("timestamp", "2024-05-01T00:00:00Z"));
        assertThat(RequestParams.whereCondition("symbol:")).isEqualTo(new WhereCondition("symbol", ""));
        for (String bad : new String[] {"market", ":KRW-BTC", " :x", ""}) {
            assertBadRequest(() -> RequestParams.whereCondition(bad), "invalid_where");
        }
    }

    @Test
    void whereTakesNothingOneTextOrARepeatedParameter() {
        assertThat(RequestParams.where(null)).isEmpty();
        assertThat(RequestParams.where("market:KRW-BTC")).containsExactly(new WhereCondition("market", "KRW-BTC"));
        assertThat(RequestParams.where(List.of("market:KRW-BTC", "dt:2024-05-01")))
                .containsExactly(new WhereCondition("market", "KRW-BTC"), new WhereCondition("dt", "2024-05-01"));
        assertThat(RequestParams.where(new String[] {"dt:2024-05-01"})).containsExactly(new WhereCondition("dt", "2024-05-01"));
        assertBadRequest(() -> RequestParams.where(List.of("market:KRW-BTC", "broken")), "invalid_where");
    }

    @Test
    void flagsAreJsonBooleansOnly() {
        JsonNode body = RequestParams.jsonObject("{\"yes\": true, \"no\": false, \"none\": null}", "yes", "no", "none");
        assertThat(RequestParams.flag(body, "yes", false)).isTrue();
        assertThat(RequestParams.flag(body, "no", true)).isFalse();
        assertThat(RequestParams.flag(body, "none", true)).isTrue();
        assertThat(RequestParams.flag(body, "absent", false)).isFalse();
        for (String bad : new String[] {"1", "0", "\"true\"", "\"TRUE\"", "\"false\"", "\"yes\"", "[]", "{}"}) {
            JsonNode json = RequestParams.jsonObject("{\"dryRun\": " + bad + "}", "dryRun");
            assertBadRequest(() -> RequestParams.flag(json, "dryRun", false), "invalid_flag");
        }
    }

    @Test
    void aBodyIsOneJsonObjectWithTheCallsFieldsOnly() {
        assertThat(RequestParams.jsonObject("{\"snapshot\": 3}", "snapshot", "tag").path("snapshot").asLong()).isEqualTo(3);
        assertThat(RequestParams.jsonObject(Map.of("tag", "x"), "snapshot", "tag").path("tag").asText()).isEqualTo("x");
        assertThat(RequestParams.jsonObject("{\"tag\": \"x\"}".getBytes(), "tag").path("tag").asText()).isEqualTo("x");
        for (Object bad : new Object[] {null, "", "not json", "[]", "\"x\"", "3", "{\"snapshot\": 3} {\"snapshot\": 4}",
                "{\"snapshot\": 3, \"dryrun\": true}", "{\"Snapshot\": 3}"}) {
            assertBadRequest(() -> RequestParams.jsonObject(bad, "snapshot", "tag"), "invalid_body");
        }
        JsonNode json = RequestParams.jsonObject("{\"snapshot\": 3, \"tag\": [\"x\"], \"t\": true}", "snapshot", "tag", "t");
        assertThat(RequestParams.text(json, "snapshot")).isEqualTo("3");
        assertThat(RequestParams.text(json, "absent")).isNull();
        assertBadRequest(() -> RequestParams.text(json, "tag"), "invalid_body");
        assertBadRequest(() -> RequestParams.text(json, "t"), "invalid_body");
    }

    @Test
    void anApiExceptionCarriesItsStatusAndTheErrorBody() {
        ApiException e = ApiException.conflict("tag_exists", "tag 'x' already exists");
        assertThat(e.getStatus()).isEqualTo(409);
        assertThat(e.getBody()).containsExactly(
                org.assertj.core.api.Assertions.entry("error", "tag_exists"),
                org.assertj.core.api.Assertions.entry("detail", "tag 'x' already exists"));
        assertThat(ApiException.notFound("no_such_tag", "x").getStatus()).isEqualTo(404);
        assertThat(ApiException.badRequest("invalid_where", "x").getStatus()).isEqualTo(400);
    }

    static void assertBadRequest(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String error) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.getStatus()).isEqualTo(400);
            assertThat(e.getError()).isEqualTo(error);
        });
    }
}
