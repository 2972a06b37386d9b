package dev.tickerlake.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket to 127.0.0.1: sends the request's bytes exactly as given (what {@code HttpClient}
 * refuses to send: odd methods, raw bytes in the target, duplicated or restricted headers, lying framing) and reads
 * one answer (Content-Length, chunked, or until the server closes). One connection per request.
 */
final class RawHttp {

    /** One answer; {@code status} is -1 when the server closed the connection without answering. */
    record Answer(int status, Map<String, String> headers, byte[] body) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static final int MAX_BODY = 16 << 20;

    private RawHttp() {
    }

    static Answer send(int port, byte[] request, boolean head, int timeoutMillis) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException closedWhileSending) {
                // The server may answer (413, 431) and close before the whole request is written: read what it said.
            }
            InputStream in = socket.getInputStream();
            String statusLine;
            try {
                statusLine = line(in);
                // An interim answer (100 Continue to an Expect header) comes before the real one: skip it.
                while (statusLine != null && statusLine.matches("HTTP/1\\.[01] 1(00|02|03)( .*)?")) {
                    for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
                        // interim headers are not kept
                    }
                    statusLine = line(in);
                }
            } catch (SocketTimeoutException | java.net.SocketException e) {
                statusLine = null;
            }
            if (statusLine == null || statusLine.isEmpty()) {
                return new Answer(-1, Map.of(), new byte[0]);
            }
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                throw new IOException("not an HTTP status line: " + statusLine);
            }
            int status = Integer.parseInt(parts[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                if (colon > 0) {
                    String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                    String value = header.substring(colon + 1).trim();
                    headers.merge(name, value, (a, b) -> a + ", " + b);
                }
            }
            byte[] body;
            if (head || status == 204 || status == 304 || status / 100 == 1) {
                body = new byte[0];
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                body = chunked(in);
            } else if (headers.containsKey("content-length")) {
                body = in.readNBytes(Math.min(MAX_BODY, Integer.parseInt(headers.get("content-length").trim())));
            } else {
                body = in.readNBytes(MAX_BODY);
            }
            return new Answer(status, headers, body);
        }
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            if (size == null) {
                throw new IOException("chunked answer ended early");
            }
            int semicolon = size.indexOf(';');
            int length = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
            if (length == 0) {
                for (String trailer = line(in); trailer != null && !trailer.isEmpty(); trailer = line(in)) {
                    // trailers are not used
                }
                return body.toByteArray();
            }
            if (body.size() + length > MAX_BODY) {
                throw new IOException("answer larger than " + MAX_BODY + " bytes");
            }
            body.write(in.readNBytes(length));
            line(in);
        }
    }

    /** One CRLF- (or LF-) terminated line as ISO-8859-1; null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
            if (line.length() > 1 << 20) {
                throw new IOException("header line longer than 1 MiB");
            }
        }
        return line.length() == 0 ? null : line.toString();
    }
}
