package dev.tickerlake;

import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.main.MainSupport;
import org.apache.camel.spi.ShutdownStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT stop {@code java -jar} in order, before the JVM's shutdown hooks run. By default the JVM starts
 * every shutdown hook at once on those signals, Flink's among them: the MiniCluster's hook deletes the task managers'
 * temporary files while the sync job still runs ("File channel manager has shutdown"), so its stop-with-savepoint
 * failed and the next start resumed from the last checkpoint instead. Here the signal only asks Camel Main to stop
 * (the savepoint, the routes, then the servers); once it has stopped, the process exits with the status the JVM gives
 * that signal (128 + its number, e.g. 143), and only then do the hooks run, on a stopped MiniCluster. A second signal
 * exits at once, and so does a stop that takes longer than Camel Main would wait for it under its own shutdown hook
 * ({@code camel.main.shutdown-timeout} + 15 s); the hooks still run then.
 */
final class StopSignal {

    private static final Logger LOG = LoggerFactory.getLogger(StopSignal.class);

    /** What Camel Main's own shutdown hook adds to the routes' shutdown timeout before it gives up waiting. */
    private static final long EXTRA_STOP_MILLIS = 15_000;

    private final MainSupport main;
    private volatile int status = -1;

    private StopSignal(MainSupport main) {
        this.main = main;
    }

    /** Handles SIGTERM and SIGINT for {@code main} from now on. */
    static StopSignal install(MainSupport main) {
        StopSignal stop = new StopSignal(main);
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), stop::received);
            } catch (IllegalArgumentException e) {
                // A signal this platform or JVM (-Xrs) does not let us handle keeps the JVM's own handling.
                LOG.debug("SIG{} not handled: {}", name, e.getMessage());
            }
        }
        return stop;
    }

    /** The exit status of the signal that stopped the process, if one did. */
    OptionalInt exitStatus() {
        int current = status;
        return current < 0 ? OptionalInt.empty() : OptionalInt.of(current);
    }

    private synchronized void received(Signal signal) {
        int exit = 128 + signal.getNumber();
        if (status >= 0) {
            LOG.warn("SIG{} again while stopping: exiting now", signal.getName());
            exitLater(exit, 0);
            return;
        }
        status = exit;
        LOG.info("SIG{}: stopping (sync job savepoint, routes, servers)", signal.getName());
        exitLater(exit, maxStopMillis());
        main.completed();
    }

    private long maxStopMillis() {
        CamelContext context = main.getCamelContext();
        if (context == null) {
            return EXTRA_STOP_MILLIS;
        }
        ShutdownStrategy routes = context.getShutdownStrategy();
        return EXTRA_STOP_MILLIS + routes.getTimeUnit().toMillis(routes.getTimeout());
    }

    /** Exits after {@code delayMillis} unless the process has exited by then (a daemon thread: it never holds it). */
    private static void exitLater(int exit, long delayMillis) {
        Thread exiting = new Thread(() -> {
            try {
                TimeUnit.MILLISECONDS.sleep(delayMillis);
            } catch (InterruptedException e) {
                return;
            }
            if (delayMillis > 0) {
                LOG.warn("Not stopped within {} s: exiting now", delayMillis / 1000);
            }
            System.exit(exit);
        }, "tickerlake-stop-signal");
        exiting.setDaemon(true);
        exiting.start();
    }
}
