package dev.tickerlake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;

/** The command line: {@code --key=value} become override properties, the rest goes to Camel Main. */
class TickerlakeTest {

    @Test
    void keyValueArgumentsBecomeOverrideProperties() {
        Main main = Tickerlake.create("--tickerlake.source=replay", "--tickerlake.replay.speed=0", "-d", "30");

        assertThat(overrides(main))
                .containsEntry("tickerlake.source", "replay")
                .containsEntry("tickerlake.replay.speed", "0")
                .hasSize(2);
    }

    @Test
    void camelMainKeepsItsOwnFlagsOnly() {
        assertThat(Tickerlake.camelArguments("--tickerlake.source=replay", "-d", "30", "--help"))
                .containsExactly("-d", "30", "--help");
    }

    @Test
    void configArgumentPutsAPropertiesFileBeforeThePackagedOne() {
        Main main = Tickerlake.create("--config=/etc/tickerlake/prod.properties");

        assertThat(main.getPropertyPlaceholderLocations())
                .isEqualTo("file:/etc/tickerlake/prod.properties,classpath:application.properties;optional=true");
        assertThat(overrides(main)).isEmpty();
    }

    @Test
    void valueMayContainEqualsSigns() {
        Main main = Tickerlake.create("--tickerlake.upbit.markets=KRW-BTC,KRW-ETH", "--x.y=a=b");

        assertThat(overrides(main))
                .containsEntry("tickerlake.upbit.markets", "KRW-BTC,KRW-ETH")
                .containsEntry("x.y", "a=b");
    }

    private static Map<String, String> overrides(Main main) {
        Properties props = main.getOverrideProperties();
        Map<String, String> map = new HashMap<>();
        if (props == null) {
            return map;
        }
        props.stringPropertyNames().forEach(key -> map.put(key, props.getProperty(key)));
        return map;
    }
}
