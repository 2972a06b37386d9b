package dev.tickerlake.admin;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;

/**
 * The admin API's header filter: requests come in as platform-http's default filter takes them; answers carry only the
 * headers the API itself sets ({@code Content-Type}, {@code Retry-After}, {@code Allow}, {@code WWW-Authenticate}).
 * Without it every query parameter left on the message ({@code limit}, {@code where}, ...) was echoed as a response
 * header, and one holding a control character (a {@code where=%00:x}) failed the answer with a plain-text 500.
 * The time-travel page's routes use one with their own list (ETag, Cache-Control, Content-Security-Policy, ...).
 */
public final class ApiHeaderFilter extends HttpHeaderFilterStrategy {

    private static final String API_ANSWER_HEADERS = "content-type,retry-after,allow,www-authenticate";

    /** Answer headers platform-http's default filter would drop, sent when listed. */
    private static final Set<String> DROPPED_BY_DEFAULT = Set.of("cache-control");

    private final Set<String> answerHeaders;

    public ApiHeaderFilter() {
        this(API_ANSWER_HEADERS);
    }

    /** Lets only {@code answerHeaders} (comma-separated names, any case) out, whatever else the message holds. */
    public ApiHeaderFilter(String answerHeaders) {
        this.answerHeaders = Arrays.stream(answerHeaders.split(","))
                .map(name -> name.trim().toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        String name = headerName.toLowerCase(Locale.ROOT);
        return !answerHeaders.contains(name)
                || !DROPPED_BY_DEFAULT.contains(name) && super.applyFilterToCamelHeaders(headerName, headerValue, exchange);
    }
}
