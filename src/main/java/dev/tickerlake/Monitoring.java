package dev.tickerlake;

import javax.management.JMException;
import javax.management.ObjectName;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.ManagementAgent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows tickerlake's own figures next to Camel's: each managed object becomes an MBean under {@code dev.tickerlake}
 * (through Camel's management agent, which reads its {@code @ManagedResource} annotations and unregisters it when the
 * context stops) and, when it is a {@link MeterBinder}, {@code tickerlake_*} metrics on the Prometheus registry that
 * {@code /observe/metrics} serves. Call it once the context has started (the agent and the registry exist then).
 */
final class Monitoring {

    static final String DOMAIN = "dev.tickerlake";
    private static final Logger LOG = LoggerFactory.getLogger(Monitoring.class);

    /** The name camel-micrometer-prometheus binds its registry under (the one /observe/metrics serves). */
    private static final String METRICS_REGISTRY = "metricsRegistry";

    private final CamelContext context;

    Monitoring(CamelContext context) {
        this.context = context;
    }

    /** Registers {@code managed} as {@code dev.tickerlake:type=<type>,name=<name>} and binds its metrics. */
    void manage(Object managed, String type, String name) {
        ManagementAgent agent = context.getManagementStrategy().getManagementAgent();
        if (agent != null) {
            try {
                agent.register(managed, objectName(type, name));
            } catch (JMException e) {
                LOG.warn("Cannot register the {} MBean {}: {}", type, name, e.getMessage());
            }
        }
        MeterRegistry metrics = context.getRegistry().lookupByNameAndType(METRICS_REGISTRY, MeterRegistry.class);
        if (managed instanceof MeterBinder binder && metrics != null) {
            binder.bindTo(metrics);
        }
    }

    static ObjectName objectName(String type, String name) throws JMException {
        String value = name.matches("[A-Za-z0-9_.-]+") ? name : ObjectName.quote(name);
        return new ObjectName(DOMAIN + ":type=" + type + ",name=" + value);
    }
}
