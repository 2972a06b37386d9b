package dev.tickerlake.support;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/** Turns a throwable into the one line a log, a health detail or a JSON field shows. */
public final class Errors {

    private Errors() {
    }

    /** Its type and message, and its cause's when it has no message; completion wrappers are looked through. */
    public static String describe(Throwable t) {
        Throwable shown = t;
        while ((shown instanceof CompletionException || shown instanceof ExecutionException) && shown.getCause() != null) {
            shown = shown.getCause();
        }
        while (shown.getMessage() == null && shown.getCause() != null && shown.getCause().getClass() == shown.getClass()) {
            shown = shown.getCause();
        }
        String message = shown.getMessage();
        String text = shown.getClass().getSimpleName();
        if (message != null && !message.isBlank()) {
            return text + ": " + message;
        }
        Throwable cause = shown.getCause();
        return cause == null || cause == shown ? text : text + " (" + describe(cause) + ")";
    }

    /**
     * The root cause first, its type as {@code typeName} tells it (fully qualified), then the outermost message when it
     * adds something (e.g. "recovery is suppressed"); on one line.
     */
    public static String describeRootFirst(Throwable error, Function<Throwable, String> typeName) {
        Throwable root = root(error);
        String text = rootCause(root, typeName);
        if (root != error && error.getMessage() != null && !error.getMessage().equals(root.getMessage())) {
            text += " (" + error.getMessage() + ")";
        }
        return text.replaceAll("\\s*\\R\\s*", " ");
    }

    /** The root cause's simple type name (as {@code typeName} tells it, fully qualified) and message. */
    public static String rootCause(Throwable error, Function<Throwable, String> typeName) {
        Throwable root = root(error);
        String name = typeName.apply(root);
        return name.substring(name.lastIndexOf('.') + 1) + ": " + root.getMessage();
    }

    private static Throwable root(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
