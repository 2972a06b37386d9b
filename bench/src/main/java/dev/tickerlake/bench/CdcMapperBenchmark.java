package dev.tickerlake.bench;

import java.util.concurrent.TimeUnit;

import dev.tickerlake.cdc.CdcMapper;
import dev.tickerlake.upbit.FrameParser;
import dev.tickerlake.upbit.SyntheticFrames;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * JMH: the CDC route's hot path on one thread, per frame of the synthetic mix (200 markets): {@code map} validates a
 * raw frame and builds its canal-json envelope (what the route's bean does per frame); {@code parse} is the parsing
 * part of it alone. Scores are frames per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CdcMapperBenchmark {

    static final int FRAMES = 10_000;

    private byte[][] frames;
    private CdcMapper mapper;
    private FrameParser parser;

    @Setup
    public void setUp() {
        SyntheticFrames generator = new SyntheticFrames(200, Workload.SEED);
        frames = new byte[FRAMES][];
        for (int i = 0; i < FRAMES; i++) {
            frames[i] = generator.next(Workload.T0 + i).json();
        }
        mapper = new CdcMapper();
        parser = new FrameParser();
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public void map(Blackhole out) {
        for (byte[] frame : frames) {
            out.consume(mapper.map(frame));
        }
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public void parse(Blackhole out) {
        for (byte[] frame : frames) {
            out.consume(parser.parse(frame));
        }
    }
}
