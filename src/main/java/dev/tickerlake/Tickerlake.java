package dev.tickerlake;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

import org.apache.camel.main.Main;

/**
 * Entry point: Camel Main with the YAML routes from {@code classpath:camel/} and {@code application.properties}.
 *
 * <p>Camel Main rejects {@code --key=value}; tickerlake turns such arguments into override properties (they win over
 * the properties file and the environment) and hands every other argument to Camel Main. {@code --config=FILE} adds a
 * properties file that overrides the packaged {@code application.properties}.
 */
public final class Tickerlake {

    private Tickerlake() {
    }

    public static void main(String[] args) throws Exception {
        Main main = create(args);
        StopSignal signal = StopSignal.install(main);
        main.run(camelArguments(args));
        System.exit(signal.exitStatus().orElse(main.getExitCode()));
    }

    /** A Camel Main configured from the given command line, not yet started. */
    public static Main create(String... args) {
        // No main class given: package scanning over a 400 MB classpath costs seconds; the configuration is named.
        Main main = new Main();
        main.addMainListener(new TickerlakeConfiguration());
        packagedRoutes().ifPresent(main.configure()::withRoutesIncludePattern);
        for (String arg : args) {
            if (!isProperty(arg)) {
                continue;
            }
            String key = arg.substring(2, arg.indexOf('='));
            String value = arg.substring(arg.indexOf('=') + 1);
            if ("config".equals(key)) {
                // The first location that has a key wins: the given file before the packaged defaults.
                main.setPropertyPlaceholderLocations("file:" + value + ",classpath:application.properties;optional=true");
            } else {
                main.addOverrideProperty(key, value);
            }
        }
        return main;
    }

    /**
     * The route files, named one by one in name order, from the jar or (tests, IDE) the classes directory. In the jar,
     * Camel Main's default {@code classpath:camel/*} streams through the whole jar to find them (twice, ~7 s each for a
     * 400 MB jar); the jar's central directory lists them at once. The order is the same everywhere because Camel Main
     * makes a file's beans twice, before the configuration runs and again as it loads that file's routes (every file
     * but the first): a bean naming a bean of a later file would keep the first instance (TickerlakeConfiguration).
     */
    static Optional<String> packagedRoutes() {
        try {
            Path location = Path.of(Tickerlake.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            List<String> names;
            if (Files.isRegularFile(location)) {
                try (JarFile jar = new JarFile(location.toFile())) {
                    names = jar.stream().map(JarEntry::getName).toList();
                }
            } else if (Files.isDirectory(location.resolve("camel"))) {
                try (var files = Files.list(location.resolve("camel"))) {
                    names = files.map(file -> "camel/" + file.getFileName()).toList();
                }
            } else {
                return Optional.empty();
            }
            String routes = names.stream()
                    .filter(name -> name.startsWith("camel/") && name.endsWith(".yaml") && name.indexOf('/', 6) < 0)
                    .sorted()
                    .map(name -> "classpath:" + name)
                    .collect(Collectors.joining(","));
            return routes.isEmpty() ? Optional.empty() : Optional.of(routes);
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The arguments Camel Main understands itself (its short flags), i.e. all but {@code --key=value}. */
    static String[] camelArguments(String... args) {
        List<String> rest = new ArrayList<>();
        for (String arg : args) {
            if (!isProperty(arg)) {
                rest.add(arg);
            }
        }
        return rest.toArray(String[]::new);
    }

    private static boolean isProperty(String arg) {
        return arg.startsWith("--") && arg.indexOf('=') > 2;
    }
}
