package dev.tickerlake.upbit;

/**
 * A frame that cannot be turned into a row. Expected for bad input: carries a {@link RejectReason} for the
 * dead-letter header {@code tickerlake-error-class} and a human message for {@code tickerlake-error-message}.
 */
public class FrameRejectedException extends RuntimeException {

    private final RejectReason reason;

    public FrameRejectedException(RejectReason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }

    /** The short error class, e.g. {@code not-json}; Camel's simple language reads {@code ${exception.errorClass}}. */
    public String errorClass() {
        return reason.errorClass();
    }
}
