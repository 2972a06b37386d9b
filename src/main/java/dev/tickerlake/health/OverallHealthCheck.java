package dev.tickerlake.health;

import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A check that counts in overall health only ({@code /observe/health}): neither readiness nor liveness, so a DOWN
 * exchange or a failed sync job neither takes the admin API out of service nor gets the process restarted.
 */
public abstract class OverallHealthCheck extends AbstractHealthCheck {

    protected OverallHealthCheck(String id) {
        super("tickerlake", id);
    }

    @Override
    public final boolean isReadiness() {
        return false;
    }

    @Override
    public final boolean isLiveness() {
        return false;
    }
}
