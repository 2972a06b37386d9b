package dev.tickerlake.faults;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fault-injecting HTTP proxy on 127.0.0.1 in front of an S3 server: it passes every request through unchanged (the
 * signature stays valid: the client signs the proxy's host, and the S3 server checks what it received), until
 * {@link #denyWritesUnder(String)} makes it answer S3's non-retryable {@code 403 AccessDenied} to every write
 * (PUT, POST, DELETE) of a key under a prefix, as a bucket policy changed under a running job would, or
 * {@link #denyDataFileWritesUnder(String)} to the writes of Paimon data files only (keys under a {@code bucket-N/}
 * directory). A refusal is a complete, well-formed HTTP exchange: the proxy reads whatever request body the client
 * sends before it closes the connection, so the client sees the 403 and never a reset connection, which its retry
 * policies would retry instead of failing.
 */
final class S3FaultProxy implements AutoCloseable {

    private static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final Set<String> WRITES = Set.of("PUT", "POST", "DELETE");

    private final InetSocketAddress upstream;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong denied = new AtomicLong();
    private static final int MAX_DENIALS_KEPT = 20;
    private static final int DRAIN_MILLIS = 5_000;

    private final List<String> denials = new CopyOnWriteArrayList<>();
    private volatile String denyPrefix;
    private volatile boolean dataFilesOnly;
    private volatile boolean closed;

    /** Listens on a free port on 127.0.0.1 and forwards to {@code upstreamPort} on 127.0.0.1. */
    S3FaultProxy(int upstreamPort) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        this.upstream = new InetSocketAddress(loopback, upstreamPort);
        this.server = new ServerSocket(0, 50, loopback);
        Thread acceptor = new Thread(this::acceptLoop, "s3-fault-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The endpoint clients use instead of the S3 server's, e.g. {@code http://127.0.0.1:41234}. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** From now on, writes of keys under {@code pathPrefix} (path style, e.g. {@code /paimon/warehouse}) get a 403. */
    void denyWritesUnder(String pathPrefix) {
        dataFilesOnly = false;
        denyPrefix = pathPrefix;
    }

    /**
     * From now on, writes of Paimon data files (keys with a {@code /bucket-} directory: data and changelog files) under
     * {@code pathPrefix} get a 403; schemas, manifests, snapshots and hints are still written. Only the sync job's
     * writer writes these, when it flushes at a checkpoint, so it is the writer task that fails, at once: nothing
     * else waits on them (Paimon retries a failed snapshot commit, and only logs a table it could not create).
     */
    void denyDataFileWritesUnder(String pathPrefix) {
        dataFilesOnly = true;
        denyPrefix = pathPrefix;
    }

    /** Passes everything through again. */
    void allowAll() {
        denyPrefix = null;
    }

    long requests() {
        return requests.get();
    }

    /** Requests answered 403 so far. */
    long denied() {
        return denied.get();
    }

    /** The first requests answered 403, as {@code METHOD /path}. */
    List<String> denials() {
        return List.copyOf(denials);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Thread thread = new Thread(() -> serve(client), "s3-fault-proxy-" + client.getPort());
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                if (!closed) {
                    System.out.println("[faults] S3 proxy: accept failed: " + e);
                }
            }
        }
    }

    private void serve(Socket client) {
        sockets.add(client);
        Socket server = new Socket();
        sockets.add(server);
        try {
            server.connect(upstream, 5_000);
            Thread responses = new Thread(() -> pipe(server, client), "s3-fault-proxy-back-" + client.getPort());
            responses.setDaemon(true);
            responses.start();
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = new BufferedOutputStream(server.getOutputStream());
            while (true) {
                byte[] head = readHead(in);
                if (head == null) {
                    break;
                }
                requests.incrementAndGet();
                Request request = Request.parse(head);
                if (refused(request)) {
                    deny(client, in, request);
                    break;
                }
                out.write(head);
                if (request.expectContinue) {
                    // The client sends the body only once the server has answered 100 Continue to the head.
                    out.flush();
                }
                copyBody(in, out, request);
                out.flush();
            }
        } catch (IOException e) {
            // A peer went away; both sides are closed below, as a real connection would be.
        } finally {
            closeQuietly(client);
            closeQuietly(server);
            sockets.remove(client);
            sockets.remove(server);
        }
    }

    private boolean refused(Request request) {
        String prefix = denyPrefix;
        return prefix != null && WRITES.contains(request.method) && request.path.startsWith(prefix)
                && (!dataFilesOnly || request.path.substring(prefix.length()).contains("/bucket-"));
    }

    /**
     * Answers 403 AccessDenied and closes the connection: reads the body first unless the client awaits a 100 (then
     * the client sends none, or one it started before the answer, which is read and dropped after it), so that the
     * client reads the answer instead of a reset.
     */
    private void deny(Socket client, InputStream in, Request request) throws IOException {
        if (!request.expectContinue) {
            copyBody(in, OutputStream.nullOutputStream(), request);
        }
        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>"
                + "<Message>Access Denied (injected by the fault suite)</Message><Resource>" + request.path
                + "</Resource><RequestId>fault-" + denied.incrementAndGet() + "</RequestId></Error>";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\nContent-Length: " + bytes.length
                + "\r\nConnection: close\r\n\r\n";
        OutputStream out = client.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        client.shutdownOutput();
        // Read until the client closes its side (it reads the answer first), for at most a few seconds.
        long answered = System.nanoTime();
        long after = 0;
        String end = "client closed";
        client.setSoTimeout(DRAIN_MILLIS);
        try {
            after = in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            end = e.getClass().getSimpleName();
        }
        if (denials.size() < MAX_DENIALS_KEPT) {
            denials.add(request.method + " " + request.path + " (" + (request.expectContinue ? "100-continue, " : "")
                    + request.contentLength + " bytes" + (request.chunked ? " chunked" : "") + "; then " + after
                    + " bytes, " + end + " after " + (System.nanoTime() - answered) / 1_000_000 + " ms)");
        }
    }

    private static void pipe(Socket from, Socket to) {
        byte[] buffer = new byte[64 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // Closed by the other direction or by a peer.
        } finally {
            closeQuietly(to);
            closeQuietly(from);
        }
    }

    /** The request line and headers up to and including the blank line; null at a clean end of stream. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int last4 = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("connection closed inside a request head");
            }
            head.write(b);
            last4 = (last4 << 8) | b;
            if (last4 == 0x0D0A0D0A) {
                return head.toByteArray();
            }
            if (head.size() > MAX_HEAD_BYTES) {
                throw new IOException("request head larger than " + MAX_HEAD_BYTES + " bytes");
            }
        }
    }

    private static void copyBody(InputStream in, OutputStream out, Request request) throws IOException {
        if (request.chunked) {
            copyChunked(in, out);
        } else {
            copyExactly(in, out, request.contentLength);
        }
    }

    private static void copyExactly(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException("connection closed inside a request body");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    /** Chunked transfer coding: size line, data, CRLF, ..., a zero-size chunk, trailers, blank line. */
    private static void copyChunked(InputStream in, OutputStream out) throws IOException {
        while (true) {
            String sizeLine = readLine(in, out);
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim(), 16);
            if (size == 0) {
                while (!readLine(in, out).isEmpty()) {
                    // trailers
                }
                return;
            }
            copyExactly(in, out, size + 2);
        }
    }

    /** Reads one CRLF-terminated line, copying it to {@code out}; returns it without the CRLF. */
    private static String readLine(InputStream in, OutputStream out) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(32);
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside a chunked body");
            }
            out.write(b);
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.US_ASCII);
            }
            line.write(b);
            previous = b;
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    /** What the proxy needs from a request head. */
    private record Request(String method, String path, long contentLength, boolean chunked, boolean expectContinue) {

        static Request parse(byte[] head) throws IOException {
            String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\r\n");
            String[] requestLine = lines[0].split(" ");
            if (requestLine.length < 3) {
                throw new IOException("not an HTTP request line: " + lines[0]);
            }
            long contentLength = 0;
            boolean chunked = false;
            boolean expectContinue = false;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> contentLength = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "expect" -> expectContinue = value.equalsIgnoreCase("100-continue");
                    default -> { }
                }
            }
            String target = requestLine[1];
            int query = target.indexOf('?');
            String path = query >= 0 ? target.substring(0, query) : target;
            return new Request(requestLine[0].toUpperCase(Locale.ROOT), path, contentLength, chunked, expectContinue);
        }
    }
}
