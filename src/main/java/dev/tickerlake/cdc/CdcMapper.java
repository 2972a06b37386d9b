package dev.tickerlake.cdc;

import dev.tickerlake.upbit.FrameParser;
import dev.tickerlake.upbit.FrameRejectedException;

/**
 * The bean the CDC route calls: one raw Upbit frame in, one {@link Envelope} for {@code upbit-cdc} out, or a
 * {@link FrameRejectedException} whose {@code errorClass()} and message go to the dead-letter headers. Thread-safe.
 */
public final class CdcMapper {

    private final FrameParser parser;
    private final RowMapper rows = new RowMapper();
    private final CanalJsonEncoder encoder;
    private final StreamingRowReader fast;

    public CdcMapper() {
        this(FrameParser.DEFAULT_MAX_FRAME_BYTES);
    }

    public CdcMapper(int maxFrameBytes) {
        this(maxFrameBytes, CanalJsonEncoder.DEFAULT_STRING_TYPE);
    }

    /** @param stringType the canal {@code mysqlType} spelling of STRING columns (default {@code text}) */
    public CdcMapper(int maxFrameBytes, String stringType) {
        this.parser = new FrameParser(maxFrameBytes);
        this.encoder = new CanalJsonEncoder(CanalJsonEncoder.DEFAULT_DATABASE, stringType);
        this.fast = new StreamingRowReader(parser.jsonMapper(), maxFrameBytes);
    }

    /** The envelope of {@code frame}; throws {@link FrameRejectedException} (only) when it cannot be mapped. */
    public Envelope map(byte[] frame) {
        Row row = row(frame);
        return new Envelope(row.table().tableName(), row.key(), encoder.encode(row));
    }

    /**
     * The row of {@code frame}, as {@code RowMapper.map(FrameParser.parse(frame))} gives it, for a batch that puts
     * several rows in one envelope; throws {@link FrameRejectedException} (only) when it cannot be mapped. Read by the
     * streaming reader where it can, by the tree parser otherwise (every rejection among them).
     */
    public Row row(byte[] frame) {
        Row row = fast.read(frame);
        return row != null ? row : rows.map(parser.parse(frame));
    }

    /** The encoder of this mapper's envelopes. */
    public CanalJsonEncoder encoder() {
        return encoder;
    }
}
