package dev.tickerlake.upbit;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns a throwable into the one line a log or a health detail shows: its type and message, and its cause's when it has no message. */
final class Errors {

    private Errors() {
    }

    static String describe(Throwable t) {
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
}
