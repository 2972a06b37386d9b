package dev.tickerlake.cdc.bench;

import java.util.List;

import dev.tickerlake.cdc.CdcMapper;
import dev.tickerlake.upbit.FrameParser;
import dev.tickerlake.upbit.Frames;

/**
 * A rough throughput figure for {@link CdcMapper#map} over the fixture frames (not a test, no assertion), as
 * frames per wall-clock second and per CPU second of the measuring thread:
 * {@code java -cp <test classpath> dev.tickerlake.cdc.bench.CdcMapperBench [seconds]}.
 */
public final class CdcMapperBench {

    private CdcMapperBench() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        List<byte[]> frames = Frames.all().stream().map(Frames::utf8).toList();
        CdcMapper mapper = new CdcMapper();
        FrameParser parser = new FrameParser();
        long bytes = frames.stream().mapToLong(f -> f.length).sum();
        System.out.printf("%d fixture frames, %d bytes on average%n", frames.size(), bytes / frames.size());

        for (boolean measured : new boolean[] {false, true}) {
            // the first pass only warms up the JIT; on a shared machine compilation takes a while
            System.out.println(measured ? "measured:" : "warm-up:");
            run("map", frames, seconds, f -> mapper.map(f).value().length);
            run("parse only", frames, seconds, f -> parser.parse(f).fields().size());
            run("identify only", frames, seconds, f -> parser.identify(f).market().length());
        }
    }

    private static void run(String name, List<byte[]> frames, double seconds, java.util.function.ToIntFunction<byte[]> work) {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long count = 0;
        long sink = 0;
        long start = System.nanoTime();
        long cpuStart = threads.getCurrentThreadCpuTime();
        while (System.nanoTime() < deadline) {
            for (byte[] frame : frames) {
                sink += work.applyAsInt(frame);
            }
            count += frames.size();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        // frames per CPU-second is the steadier figure on a shared machine
        System.out.printf("%-14s %,10.0f frames/s wall, %,10.0f frames per CPU-s  (%,d frames, %.1f s wall, %.1f s CPU; %d)%n",
                name, count / elapsed, count / cpu, count, elapsed, cpu, sink % 10);
    }
}
