package dev.tickerlake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The beans the routes call are declared in the route files ({@code - beans:}), each once, so that {@code camel run}
 * with the files a route needs has every bean {@code java -jar} has. Camel Main makes a file's beans again as it loads
 * that file's routes (every file but the first, in name order): a bean that names a bean of a later file would keep
 * the first instance, so only the first file may, its beans being made when first looked up.
 */
class RouteBeansTest {

    /** A bean a route step or a bean definition names: {@code ref: x}, {@code ${bean:x...}}, {@code #bean:x}, {@code #x}. */
    private static final Pattern REFERENCE = Pattern.compile(
            "(?:\\bref: *|redeliveryPolicyRef: *|\\$\\{bean:|#bean:|\"#(?!bean:))([A-Za-z][A-Za-z0-9]*)");

    @Test
    void everyBeanIsDeclaredInOneRouteFileOnly() throws IOException {
        Map<String, List<Path>> declared = new LinkedHashMap<>();
        for (Path file : routeFiles()) {
            beans(file).forEach(bean -> declared.computeIfAbsent(name(bean), k -> new ArrayList<>()).add(file));
        }

        assertThat(declared).as("beans declared in routes/").isNotEmpty()
                .allSatisfy((name, files) -> assertThat(files).as("files declaring %s", name).hasSize(1));
    }

    @Test
    void everyBeanARouteCallsIsDeclaredInARouteFile() throws IOException {
        List<String> declared = new ArrayList<>();
        for (Path file : routeFiles()) {
            beans(file).forEach(bean -> declared.add(name(bean)));
        }
        for (Path file : routeFiles()) {
            assertThat(references(Files.readString(file))).as("beans %s names", file).isSubsetOf(declared);
        }
    }

    @Test
    void aBeanNamesOnlyBeansOfItsOwnOrAnEarlierFileButInTheFirstFile() throws IOException {
        List<Path> files = routeFiles();
        List<String> earlier = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            List<Map<String, Object>> beans = beans(files.get(i));
            beans.forEach(bean -> earlier.add(name(bean)));
            if (i == 0) {
                continue;
            }
            for (Map<String, Object> bean : beans) {
                assertThat(references(String.valueOf(bean))).as("beans %s (%s) names", name(bean), files.get(i))
                        .isSubsetOf(earlier);
            }
        }
    }

    private static List<Path> routeFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> beans(Path file) throws IOException {
        List<Map<String, Object>> beans = new ArrayList<>();
        Object document = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
        for (Object item : (List<Object>) document) {
            Object list = ((Map<String, Object>) item).get("beans");
            if (list != null) {
                beans.addAll((List<Map<String, Object>>) list);
            }
        }
        return beans;
    }

    private static String name(Map<String, Object> bean) {
        return String.valueOf(bean.get("name"));
    }

    /** The bean names {@code text} refers to, comment lines left out. */
    private static List<String> references(String text) {
        List<String> names = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.trim().startsWith("#")) {
                continue;
            }
            Matcher m = REFERENCE.matcher(line);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }
}
