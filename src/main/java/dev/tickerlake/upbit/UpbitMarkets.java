package dev.tickerlake.upbit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads the list of KRW markets from Upbit's REST API ({@code GET <rest-base>/v1/market/all}). */
final class UpbitMarkets {

    static final String QUOTE_PREFIX = "KRW-";
    private static final ObjectMapper JSON = new ObjectMapper();

    private UpbitMarkets() {
    }

    static URI marketAllUri(URI restBase) {
        String base = restBase.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/market/all");
    }

    /** The KRW market codes, sorted; throws when the API does not answer 200 with a JSON array. */
    static List<String> fetchKrw(HttpClient http, URI restBase, Duration timeout) throws IOException, InterruptedException {
        URI uri = marketAllUri(restBase);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json")
                .GET().build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode() + " from " + uri);
        }
        JsonNode markets = JSON.readTree(response.body());
        if (markets == null || !markets.isArray()) {
            throw new IOException("not a JSON array from " + uri);
        }
        TreeSet<String> krw = new TreeSet<>();
        for (JsonNode market : markets) {
            String code = market.path("market").asText("");
            if (code.startsWith(QUOTE_PREFIX)) {
                krw.add(code);
            }
        }
        return List.copyOf(krw);
    }
}
