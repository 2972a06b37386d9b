package dev.tickerlake.upbit;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns a throwable into the one line a log or a health detail shows: the root cause's type and message. */
final class Errors {

    private Errors() {
    }

    static String describe(Throwable t) {
        Throwable root = t;
        while ((root instanceof CompletionException || root instanceof ExecutionException
                || (root.getMessage() == null && root.getCause() != null)) && root.getCause() != null) {
            root = root.getCause();
        }
        while (root.getCause() != null && root.getCause() != root && root.getMessage() != null
                && root.getMessage().equals(String.valueOf(root.getCause()))) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
