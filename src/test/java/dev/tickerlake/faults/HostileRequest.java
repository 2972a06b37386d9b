package dev.tickerlake.faults;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One generated request of {@link HostileHttpIT}: which server, method, request target and headers exactly as they go
 * on the wire, body bytes, and how it authenticates. A character U+DC80..U+DCFF in the target or a header stands for
 * the single raw byte 0x80..0xFF (bytes that are not UTF-8); everything else is sent as UTF-8.
 */
record HostileRequest(String category, Server server, String method, String target, List<Header> headers, byte[] body,
                      Auth auth, boolean brokenFraming) {

    enum Server { API, MANAGEMENT }

    /** How the request authenticates: no credentials, the right ones, a wrong password, or a malformed header. */
    enum Auth { NONE, VALID, WRONG, MALFORMED }

    record Header(String name, String value) {
    }

    /** The methods that change something, when the path is one that changes something. */
    static final Set<String> MUTATING_METHODS = Set.of("POST", "PUT", "PATCH", "DELETE");
    /** The admin API's mutating paths (after dot segments are removed): tags, a tag, rollback, sync stop and start. */
    private static final Pattern MUTATING_PATH = Pattern.compile(
            "^/api/(tables/[^/]+/[^/]+/(tags|tags/[^/]+|rollback)|sync/(stop|start))/?$");

    /** The bytes sent: request line, headers, a blank line, the body. */
    byte[] wire() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, method + " " + target + " HTTP/1.1\r\n");
        for (Header header : headers) {
            write(out, header.name() + ": " + header.value() + "\r\n");
        }
        write(out, "\r\n");
        out.writeBytes(body);
        return out.toByteArray();
    }

    /**
     * True when Vert.x's HTTP/1.1 decoder may refuse the request before any handler sees it (an empty 400, 414 or
     * 431): a method that is not a token, a space or control character in the target, a request line over 4096 bytes,
     * headers over 8192 bytes, a header name that is not a token, or framing headers that lie.
     */
    boolean mayBeRefusedByDecoder() {
        if (brokenFraming || !method.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+") || target.chars().anyMatch(c -> c <= ' ' || c == 0x7F)) {
            return true;
        }
        if ((method + " " + target + " HTTP/1.1").getBytes(StandardCharsets.UTF_8).length > 4000) {
            return true;
        }
        int headerBytes = 0;
        for (Header header : headers) {
            headerBytes += (header.name() + ": " + header.value() + "\r\n").getBytes(StandardCharsets.UTF_8).length;
            if (!header.name().matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                return true;
            }
        }
        return headerBytes > 8000;
    }

    boolean head() {
        return method.equals("HEAD");
    }

    /**
     * True for a mutating method on one of the admin API's mutating paths, as the server routes it: the path with
     * {@code %2E} decoded and dot segments removed (RFC 3986), the query left out.
     */
    boolean mutation() {
        return server == Server.API && MUTATING_METHODS.contains(method) && MUTATING_PATH.matcher(routedPath()).matches();
    }

    /**
     * The path a server routes: the path of an absolute-form target ({@code http://host/path}), without its query,
     * {@code %2e} read as '.', empty segments ({@code //api}) and dot segments removed.
     */
    String routedPath() {
        String path = target.replaceFirst("^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*", "");
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        path = path.replaceAll("(?i)%2e", ".");
        List<String> out = new ArrayList<>();
        String[] segments = path.split("/", -1);
        for (int i = 1; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.isEmpty() && i < segments.length - 1) {
                continue;
            }
            if (segment.equals(".")) {
                if (i == segments.length - 1) {
                    out.add("");
                }
            } else if (segment.equals("..")) {
                if (!out.isEmpty()) {
                    out.remove(out.size() - 1);
                }
                if (i == segments.length - 1) {
                    out.add("");
                }
            } else {
                out.add(segment);
            }
        }
        return "/" + String.join("/", out);
    }

    /** A printable one-line description (escaped, abbreviated) for failure messages. */
    String describe() {
        StringBuilder text = new StringBuilder();
        text.append('[').append(category).append("] ").append(server).append(' ').append(printable(method, 40))
                .append(' ').append(printable(target, 300)).append(" auth=").append(auth);
        for (Header header : headers) {
            text.append(" | ").append(printable(header.name(), 60)).append(": ").append(printable(header.value(), 120));
        }
        text.append(" | body ").append(body.length).append(" bytes");
        if (body.length > 0) {
            text.append(": ").append(printable(new String(body, 0, Math.min(body.length, 200), StandardCharsets.ISO_8859_1), 200));
        }
        return text.toString();
    }

    static String printable(String value, int max) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < value.length() && text.length() < max; i++) {
            char c = value.charAt(i);
            if (c >= 0xDC80 && c <= 0xDCFF) {
                text.append(String.format(Locale.ROOT, "\\x%02X", c - 0xDC00));
            } else if (c < 0x20 || c == 0x7F) {
                text.append(String.format(Locale.ROOT, "\\x%02X", (int) c));
            } else {
                text.append(c);
            }
        }
        return value.length() > max ? text + "...(" + value.length() + " chars)" : text.toString();
    }

    private static void write(ByteArrayOutputStream out, String text) {
        StringBuilder plain = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0xDC80 && c <= 0xDCFF) {
                out.writeBytes(plain.toString().getBytes(StandardCharsets.UTF_8));
                plain.setLength(0);
                out.write(c - 0xDC00);
            } else {
                plain.append(c);
            }
        }
        out.writeBytes(plain.toString().getBytes(StandardCharsets.UTF_8));
    }
}
