package dev.tickerlake.admin;

import java.util.Locale;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;

/**
 * The admin API's header filter: requests come in as platform-http's default filter takes them; answers carry only the
 * headers the API itself sets ({@code Content-Type}, {@code Retry-After}, {@code Allow}, {@code WWW-Authenticate}).
 * Without it every query parameter left on the message ({@code limit}, {@code where}, ...) was echoed as a response
 * header, and one holding a control character (a {@code where=%00:x}) failed the answer with a plain-text 500.
 */
public final class ApiHeaderFilter extends HttpHeaderFilterStrategy {

    private static final Set<String> ANSWER_HEADERS = Set.of("content-type", "retry-after", "allow", "www-authenticate");

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !ANSWER_HEADERS.contains(headerName.toLowerCase(Locale.ROOT))
                || super.applyFilterToCamelHeaders(headerName, headerValue, exchange);
    }
}
