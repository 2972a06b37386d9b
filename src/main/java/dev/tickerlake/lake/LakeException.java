package dev.tickerlake.lake;

/**
 * A lake call that cannot be answered as asked: what kind of refusal ({@link Kind}), a stable machine-readable
 * {@code code} (e.g. {@code no_such_tag}) and a {@code detail} in words a user can act on. The admin API maps the kind
 * to its HTTP status; the lake itself knows no HTTP.
 */
public class LakeException extends RuntimeException {

    /** Why the call is refused. */
    public enum Kind {
        /** The request itself is wrong: a malformed value, an unknown column, an unsupported table. */
        INVALID,
        /** The named table, snapshot or tag does not exist (or no longer does). */
        NOT_FOUND,
        /** The request conflicts with the current state, e.g. an existing tag. */
        CONFLICT,
        /** Answering would hold more than the read budget; the detail says how to narrow the request. */
        TOO_LARGE
    }

    private final Kind kind;
    private final String code;
    private final String detail;

    public LakeException(Kind kind, String code, String detail) {
        super(code + ": " + detail, null, false, false);
        this.kind = kind;
        this.code = code;
        this.detail = detail;
    }

    static LakeException invalid(String code, String detail) {
        return new LakeException(Kind.INVALID, code, detail);
    }

    static LakeException notFound(String code, String detail) {
        return new LakeException(Kind.NOT_FOUND, code, detail);
    }

    static LakeException conflict(String code, String detail) {
        return new LakeException(Kind.CONFLICT, code, detail);
    }

    static LakeException tooLarge(String code, String detail) {
        return new LakeException(Kind.TOO_LARGE, code, detail);
    }

    public Kind kind() {
        return kind;
    }

    /** Short machine-readable code, e.g. {@code unknown_column}. */
    public String code() {
        return code;
    }

    /** What was wrong, in words a user can act on. */
    public String detail() {
        return detail;
    }
}
