import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.hawt.embedded.Main;

/**
 * Hawtio on a running tickerlake, in its own JVM: {@code io.hawt:hawtio-embedded} on 127.0.0.1 with its Jolokia proxy
 * limited to this machine, plus a page at {@code /tickerlake/} that saves a Hawtio connection to tickerlake's
 * {@code /observe/jolokia} in the browser and opens Hawtio's Camel view on it.
 *
 * <p>Not part of tickerlake's build: {@code mvn -Phawtio} copies Hawtio's jars to {@code target/hawtio/} and runs this
 * file from source ({@code java -cp 'target/hawtio/lib/*' src/hawtio/Hawtio.java [--option=value ...]}).
 * Options: {@code --port} (8090), {@code --host} (127.0.0.1), {@code --tickerlake} (tickerlake's Jolokia URL,
 * {@code http://127.0.0.1:9876/observe/jolokia}), {@code --war} (Hawtio's war, default {@code hawtio.war} next to the
 * {@code lib} directory), {@code --work} (Jetty's temp files, default {@code target/hawtio/work}),
 * {@code --exit-with-parent} (false; stop when the process that started this one ends).
 */
public class Hawtio {

    /** Hawtio 3.0.0 keeps connections in the browser's localStorage and opens one with {@code ?con=<name>}. */
    private static final String CONNECT_PAGE = """
            <!doctype html>
            <meta charset="utf-8">
            <title>tickerlake in Hawtio</title>
            <p>Opening Hawtio on tickerlake (%1$s) ...</p>
            <script>
              const connection = {name: 'tickerlake', scheme: '%2$s', host: '%3$s', port: %4$d, path: '%5$s'};
              const connections = JSON.parse(localStorage.getItem('connect.connections') || '{}');
              connections[connection.name] = connection;
              localStorage.setItem('connect.connections', JSON.stringify(connections));
              location.replace('/hawtio/camel?con=' + connection.name);
            </script>
            """;

    /**
     * Hawtio's own Jolokia ({@code /hawtio/jolokia}, this JVM's MBeans; unused once connected to tickerlake) gets the
     * same treatment as tickerlake's: reads only, and nothing for pages from other origins.
     */
    private static final String OWN_JOLOKIA_POLICY = """
            <restrict>
              <commands><command>read</command><command>list</command><command>search</command><command>version</command></commands>
              <cors>
                <allow-origin>http://localhost:*</allow-origin>
                <allow-origin>http://127.0.0.1:*</allow-origin>
                <strict-checking/>
              </cors>
            </restrict>
            """;

    public static void main(String[] args) throws Exception {
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        Map<String, String> options = options(args);
        String host = options.getOrDefault("host", "127.0.0.1");
        int port = Integer.parseInt(options.getOrDefault("port", "8090"));
        URI tickerlake = new URI(options.getOrDefault("tickerlake", "http://127.0.0.1:9876/observe/jolokia"));
        Path lib = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
        Path war = Path.of(options.getOrDefault("war", lib.resolveSibling("hawtio.war").toString())).toAbsolutePath();
        Path work = Path.of(options.getOrDefault("work", "target/hawtio/work")).toAbsolutePath();
        if (!Files.isRegularFile(war)) {
            throw new IllegalArgumentException("Hawtio's war not found at " + war + " (mvn -Phawtio copies it there)");
        }

        // Hawtio's own login stays off: it would guard only this local console. tickerlake's management credentials,
        // when it has some, are asked for by Hawtio's connect dialog and sent on through the proxy.
        System.setProperty("hawtio.authenticationEnabled", "false");
        // The proxy (/hawtio/proxy/...) forwards only to this machine: no probing of the other local addresses.
        System.setProperty("hawtio.disableProxy", "false");
        System.setProperty("hawtio.proxyAllowlist", "localhost,127.0.0.1");
        System.setProperty("hawtio.localAddressProbing", "false");
        System.setProperty("java.awt.headless", "true");
        // Hawtio 3.0.0 puts Jetty's temp directory under ${user.home}/.hawtio/tmp.
        System.setProperty("user.home", work.toString());

        Files.createDirectories(work);
        Path policy = Files.writeString(work.resolve("jolokia-access.xml"), OWN_JOLOKIA_POLICY);
        System.setProperty("jolokia.policyLocation", policy.toUri().toString());

        Path plugins = work.resolve("plugins");
        writeConnectPage(plugins.resolve("tickerlake.war"), tickerlake);

        Main hawtio = new Main();
        hawtio.setHost(host);
        hawtio.setPort(port);
        hawtio.setWar(war.toString());
        hawtio.setPlugins(plugins.toString());
        hawtio.setOpenUrl(false);
        hawtio.setJointServerThread(false);
        hawtio.showWelcome(false);
        hawtio.run();
        if (Boolean.parseBoolean(options.getOrDefault("exit-with-parent", "false"))) {
            // Started by mvn -Phawtio: stop with Maven even when only Maven's process is killed.
            parent.ifPresent(process -> process.onExit().thenRun(() -> System.exit(0)));
        }
        System.out.printf("%nHawtio is up. Open http://%s:%d/tickerlake/ (Hawtio on %s)%n",
                "0.0.0.0".equals(host) ? "localhost" : host, port, tickerlake);
    }

    /** The static page Hawtio serves at /tickerlake/: a "war" directory in Hawtio's plugins directory. */
    private static void writeConnectPage(Path webapp, URI tickerlake) throws IOException, URISyntaxException {
        String scheme = tickerlake.getScheme();
        int port = tickerlake.getPort() > 0 ? tickerlake.getPort() : "https".equals(scheme) ? 443 : 80;
        String page = String.format(CONNECT_PAGE, tickerlake, scheme, tickerlake.getHost(), port, tickerlake.getPath());
        Files.createDirectories(webapp);
        Files.writeString(webapp.resolve("index.html"), page);
    }

    /** {@code --key=value} or {@code --key value}. */
    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("Unexpected argument: " + args[i]);
            }
            String option = args[i].substring(2);
            int equals = option.indexOf('=');
            if (equals >= 0) {
                options.put(option.substring(0, equals), option.substring(equals + 1));
            } else if (i + 1 < args.length) {
                options.put(option, args[++i]);
            } else {
                throw new IllegalArgumentException("No value for --" + option);
            }
        }
        return options;
    }
}
