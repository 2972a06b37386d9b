package dev.tickerlake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The check of a Jolokia POST body before Jolokia's own parser sees it (which failed these with a 500). */
class JolokiaEndpointTest {

    @Test
    void requestsJolokiaShouldJudgePass() {
        for (String body : new String[] {"{\"type\":\"version\"}", "{\"type\":\"nope\"}",
                "[{\"type\":\"version\"},{\"type\":\"read\",\"mbean\":\"java.lang:type=Memory\",\"attribute\":\"HeapMemoryUsage\"}]",
                "{\"type\":\"exec\",\"mbean\":\"a:b=c\",\"operation\":\"op\",\"arguments\":[{\"a\":[{\"b\":[1,2]}]}]}",
                " \n{\"type\":\"version\"}\n"}) {
            assertThat(JolokiaEndpoint.malformedPost(bytes(body))).as(body).isNull();
        }
    }

    @Test
    void malformedBodiesAreRefusedWithAReason() {
        assertThat(JolokiaEndpoint.malformedPost(bytes("{"))).startsWith("the body is not a JSON request");
        assertThat(JolokiaEndpoint.malformedPost(bytes("["))).startsWith("the body is not a JSON request");
        assertThat(JolokiaEndpoint.malformedPost(bytes("{\"type\":\"version\"} x"))).startsWith("the body is not a JSON request");
        assertThat(JolokiaEndpoint.malformedPost(bytes(""))).startsWith("the body is empty");
        assertThat(JolokiaEndpoint.malformedPost(bytes("[]"))).contains("empty array");
        assertThat(JolokiaEndpoint.malformedPost(bytes("{\"type\":[1]}"))).contains("no \"type\" string");
        assertThat(JolokiaEndpoint.malformedPost(bytes("{\"type\":null}"))).contains("no \"type\" string");
        assertThat(JolokiaEndpoint.malformedPost(bytes("{}"))).contains("no \"type\" string");
        assertThat(JolokiaEndpoint.malformedPost(bytes("\"x\""))).contains("not a JSON object but string");
        assertThat(JolokiaEndpoint.malformedPost(bytes("[{\"type\":\"version\"},1]"))).startsWith("request 1 of the array");
        assertThat(JolokiaEndpoint.malformedPost(new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'}))
                .startsWith("the body is not a JSON request");
    }

    @Test
    void nestingDeeperThanTheLimitIsRefusedWithoutRecursingThroughIt() {
        String justDeepEnough = "[".repeat(JolokiaEndpoint.MAX_NESTING - 1) + "{\"type\":\"version\"}"
                + "]".repeat(JolokiaEndpoint.MAX_NESTING - 1);
        assertThat(JolokiaEndpoint.malformedPost(bytes(justDeepEnough))).isNotNull().doesNotContain("nesting depth");
        for (String deep : new String[] {"[".repeat(200_000) + "]".repeat(200_000),
                "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000),
                "{\"type\":\"read\",\"mbean\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}"}) {
            assertThat(JolokiaEndpoint.malformedPost(bytes(deep))).contains("nesting depth");
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
