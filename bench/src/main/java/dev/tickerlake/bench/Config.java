package dev.tickerlake.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** tickerlake's packaged settings ({@code application.properties} on the classpath), as the application reads them. */
final class Config {

    private static final Properties APPLICATION = load();

    private Config() {
    }

    /** The value of a key, without placeholders resolved (the keys the harness reads have none). */
    static String application(String key) {
        String value = APPLICATION.getProperty(key);
        if (value == null) {
            throw new IllegalStateException("application.properties has no " + key);
        }
        return value.trim();
    }

    /** {@code tickerlake.paimon.table-options}: the options of every table tickerlake creates. */
    static Map<String, String> tableOptions() {
        return BenchOptions.tableOptions(application("tickerlake.paimon.table-options"));
    }

    private static Properties load() {
        Properties properties = new Properties();
        try (InputStream in = Config.class.getClassLoader().getResourceAsStream("application.properties")) {
            if (in == null) {
                throw new IllegalStateException("application.properties is not on the classpath");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
