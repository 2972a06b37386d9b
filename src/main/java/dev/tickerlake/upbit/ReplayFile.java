package dev.tickerlake.upbit;

import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.zip.GZIPInputStream;

import dev.tickerlake.support.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays a JSON-lines file of recorded frames (one line = one frame; {@code .gz} files are read compressed).
 * Blank lines are skipped; every other line goes to the sink as it is, malformed or not, with the origin
 * {@code <file name>:<line number>}; a line longer than {@code maxFrameBytes} goes as its first bytes and its size
 * ({@link FrameSink#acceptOversized}), so memory stays bounded whatever the file holds.
 * <p>
 * Pace: the frames' own pace, read from their message time ({@code timestamp}, or {@code tms} in SIMPLE format),
 * divided by {@code speed}; {@code speed = 0} sends as fast as the sink takes them; a line without a readable time is
 * sent at once. With {@code loop}, the file is replayed again and again, each later pass with its {@code timestamp},
 * {@code trade_timestamp} ({@code tms}, {@code ttms}) fields shifted so that it starts now, and never before the
 * previous pass ended; every other byte is kept as recorded.
 */
public final class ReplayFile extends FrameSourceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayFile.class);

    private final Path file;
    private final String fileName;
    private final double speed;
    private final boolean loop;
    private final Duration progressInterval;
    private final int maxFrameBytes;
    private volatile long currentLine;

    private ReplayFile(Builder b) {
        super("replay:" + b.file.getFileName(), b.stateListener);
        this.file = b.file;
        this.fileName = String.valueOf(b.file.getFileName());
        this.speed = b.speed;
        this.loop = b.loop;
        this.progressInterval = b.progressInterval;
        this.maxFrameBytes = b.maxFrameBytes;
    }

    public static Builder builder(Path file) {
        return new Builder(file);
    }

    /**
     * Starts the replay on its own thread.
     *
     * @throws IllegalStateException when the file is not a readable regular file (a configuration error)
     */
    @Override
    public synchronized void start(FrameSink sink) {
        Objects.requireNonNull(sink, "sink");
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalStateException("Replay file " + file.toAbsolutePath() + " is not a readable file");
        }
        markStarting();
        startWorker(() -> replay(sink), "replay-" + fileName);
    }

    /** Completes with the number of frames sent when the replay stops: end of file (no loop), close, or an I/O error (exceptionally). */
    public CompletableFuture<Long> completion() {
        return runCompletion();
    }

    private void replay(FrameSink sink) {
        long startNanos = System.nanoTime();
        long size = sizeOf(file);
        state(SourceState.UP, null);
        LOG.info("Replay {}: {} bytes, speed {}, loop {}", file, size, speed == 0 ? "max" : speed, loop);
        Progress progress = new Progress(startNanos, size);
        long firstTime = FrameTimestamps.UNREADABLE;
        long shift = 0;
        int pass = 0;
        try {
            while (!closed()) {
                long passLatest = FrameTimestamps.UNREADABLE;
                long passFrames = 0;
                Pacer pacer = new Pacer();
                try (Counting counted = new Counting(Files.newInputStream(file));
                     LineReader lines = new LineReader(fileName.endsWith(".gz")
                             ? new GZIPInputStream(counted, 65536) : counted, maxFrameBytes)) {
                    long lineNumber = 0;
                    byte[] line;
                    while (!closed() && (line = lines.next()) != null) {
                        lineNumber++;
                        currentLine = lineNumber;
                        if (lines.oversized()) {
                            emitOversized(sink, line, lines.size(), fileName + ":" + lineNumber);
                            passFrames++;
                            continue;
                        }
                        if (isBlank(line)) {
                            continue;
                        }
                        byte[] frame = shift == 0 ? line : FrameTimestamps.shift(line, shift);
                        if (speed > 0 || loop) {
                            long time = FrameTimestamps.messageTime(frame);
                            if (time != FrameTimestamps.UNREADABLE) {
                                if (firstTime == FrameTimestamps.UNREADABLE) {
                                    firstTime = time;
                                }
                                passLatest = Math.max(passLatest, time);
                                if (speed > 0) {
                                    pacer.await(time);
                                }
                            }
                        }
                        emit(sink, frame, fileName + ":" + lineNumber);
                        passFrames++;
                        progress.maybeLog(counted.count, pass);
                    }
                }
                if (!loop || closed()) {
                    break;
                }
                if (passFrames == 0) {
                    LOG.warn("Replay {}: no frame in the file; not looping", file);
                    break;
                }
                pass++;
                if (firstTime != FrameTimestamps.UNREADABLE) {
                    shift = Math.max(System.currentTimeMillis() - firstTime, passLatest + 1 - firstTime);
                }
                LOG.info("Replay {}: pass {} starts, timestamps shifted by {} ms", fileName, pass + 1, shift);
            }
            if (!closed()) {
                double seconds = (System.nanoTime() - startNanos) / 1e9;
                state(SourceState.COMPLETED, null);
                LOG.info("Replay {} finished: {} frames in {} s ({} frames/s)", fileName, emitted(),
                        String.format(Locale.ROOT, "%.1f", seconds),
                        String.format(Locale.ROOT, "%.0f", emitted() / Math.max(seconds, 1e-3)));
            }
            completeRun();
        } catch (InterruptedException e) {
            completeRun();
        } catch (IOException | RuntimeException e) {
            if (closed()) {
                completeRun();
                return;
            }
            String cause = Errors.describe(e);
            error("replay " + fileName + " line " + currentLine + ": " + cause);
            state(SourceState.DOWN, cause);
            LOG.warn("Replay {} stopped at line {}: {}", file, currentLine, cause);
            runCompletion().completeExceptionally(e);
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /** Waits until a frame's time, scaled by the speed, has come, measured from the pass's first timed frame. */
    private final class Pacer {
        private long anchorTime = FrameTimestamps.UNREADABLE;
        private long anchorNanos;

        void await(long time) throws InterruptedException {
            if (anchorTime == FrameTimestamps.UNREADABLE) {
                anchorTime = time;
                anchorNanos = System.nanoTime();
                return;
            }
            long dueNanos = anchorNanos + (long) ((time - anchorTime) * 1_000_000.0 / speed);
            long waitNanos = dueNanos - System.nanoTime();
            if (waitNanos > 0) {
                TimeUnit.NANOSECONDS.sleep(waitNanos);
            }
        }
    }

    /** One progress line every interval: frames sent, recent rate, and for a finite run the ETA. */
    private final class Progress {
        private final long startNanos;
        private final long size;
        private long nextLogNanos;

        Progress(long startNanos, long size) {
            this.startNanos = startNanos;
            this.size = size;
            this.nextLogNanos = startNanos + progressInterval.toNanos();
        }

        void maybeLog(long bytesRead, int pass) {
            long now = System.nanoTime();
            if (now < nextLogNanos) {
                return;
            }
            nextLogNanos = now + progressInterval.toNanos();
            String rate = String.format(Locale.ROOT, "%.0f", framesPerSecond());
            if (loop) {
                LOG.info("Replay {}: {} frames sent, {} frames/s, pass {}", fileName, emitted(), rate, pass + 1);
            } else {
                double done = size > 0 ? Math.min(1.0, (double) bytesRead / size) : 0;
                double elapsed = (now - startNanos) / 1e9;
                String eta = done > 0 ? String.format(Locale.ROOT, "%.0f s", elapsed * (1 - done) / done) : "unknown";
                LOG.info("Replay {}: {} frames sent, {} frames/s, {}% read, ETA {}", fileName, emitted(), rate,
                        String.format(Locale.ROOT, "%.0f", done * 100), eta);
            }
        }
    }

    /** Counts the bytes read from the file (compressed bytes for a .gz file), for progress. */
    private static final class Counting extends FilterInputStream {
        volatile long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

    /**
     * Splits a byte stream into lines at {@code \n}, without the line end ({@code \r\n} too) and without decoding. A
     * line longer than the limit keeps only its first {@code limit} bytes ({@link #oversized()} tells, {@link #size()}
     * gives its whole length): memory stays bounded whatever the file holds.
     */
    static final class LineReader implements Closeable {
        private final InputStream in;
        private final byte[] buffer = new byte[65536];
        private final FrameBuffer line;
        private int position;
        private int limit;
        private boolean first = true;

        LineReader(InputStream in, int maxLineBytes) {
            this.in = in;
            this.line = new FrameBuffer(maxLineBytes);
        }

        /** The next line (its first bytes when it is oversized), or null at the end of the stream. */
        byte[] next() throws IOException {
            line.reset();
            boolean any = false;
            while (true) {
                if (position == limit) {
                    int n = in.read(buffer, 0, buffer.length);
                    position = 0;
                    limit = Math.max(n, 0);
                    if (n <= 0) {
                        return any ? finish() : null;
                    }
                }
                any = true;
                int start = position;
                while (position < limit && buffer[position] != '\n') {
                    position++;
                }
                line.append(buffer, start, position - start);
                if (position < limit) {
                    position++;
                    return finish();
                }
            }
        }

        /** Whether the last line was longer than the limit. */
        boolean oversized() {
            return line.oversized();
        }

        /** The last line's whole length in bytes. */
        long size() {
            return line.size();
        }

        private byte[] finish() {
            int from = 0;
            int length = line.keptLength();
            if (first) {
                first = false;
                if (length >= 3 && line.at(0) == (byte) 0xEF && line.at(1) == (byte) 0xBB && line.at(2) == (byte) 0xBF) {
                    from = 3;
                }
            }
            int end = length;
            if (!line.oversized() && end > from && line.at(end - 1) == '\r') {
                end--;
            }
            byte[] kept = line.kept();
            return from == 0 && end == kept.length ? kept : Arrays.copyOfRange(kept, from, end);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Settings of a {@link ReplayFile}. */
    public static final class Builder {
        private final Path file;
        private double speed = 1.0;
        private boolean loop;
        private Duration progressInterval = Duration.ofSeconds(5);
        private int maxFrameBytes = FrameParser.DEFAULT_MAX_FRAME_BYTES;
        private BiConsumer<SourceState, String> stateListener;

        private Builder(Path file) {
            this.file = Objects.requireNonNull(file, "file");
        }

        /** Multiple of the recorded pace (2 = twice as fast); 0 = as fast as possible. Default 1. */
        public Builder speed(double speed) {
            if (!(speed >= 0) || Double.isInfinite(speed)) {
                throw new IllegalArgumentException("replay speed must be >= 0 (0 = as fast as possible): " + speed);
            }
            this.speed = speed;
            return this;
        }

        /** Replay again from the start at the end, timestamps shifted to now. Default false. */
        public Builder loop(boolean loop) {
            this.loop = loop;
            return this;
        }

        /** How often progress is logged; default 5 s. */
        public Builder progressInterval(Duration progressInterval) {
            if (progressInterval.isNegative() || progressInterval.isZero()) {
                throw new IllegalArgumentException("progress interval must be positive");
            }
            this.progressInterval = progressInterval;
            return this;
        }

        /**
         * Longest line read whole (bytes); a longer one is handed on as its first bytes and its size, to become a
         * dead letter. Default 64 KiB ({@code tickerlake.cdc.max-frame-bytes}).
         */
        public Builder maxFrameBytes(int maxFrameBytes) {
            if (maxFrameBytes <= 0) {
                throw new IllegalArgumentException("max frame bytes must be positive: " + maxFrameBytes);
            }
            this.maxFrameBytes = maxFrameBytes;
            return this;
        }

        /** Told of every state change (UP, COMPLETED, DOWN with its cause, STOPPED). */
        public Builder stateListener(BiConsumer<SourceState, String> stateListener) {
            this.stateListener = stateListener;
            return this;
        }

        public ReplayFile build() {
            return new ReplayFile(this);
        }
    }
}
