package dev.tickerlake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Every YAML route file (the ones in {@code routes/}, beans included) is valid against
 * the Camel YAML DSL schema shipped in {@code camel-yaml-dsl} ({@code schema/camelYamlDsl.json}): a misspelt key or
 * a step in the wrong place fails here, before Camel Main or Camel JBang ever loads the file.
 */
class RoutesSchemaTest {

    private static final List<Path> ROUTE_DIRS = List.of(Path.of("routes"));
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Schema schema;

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream in = RoutesSchemaTest.class.getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
            assertThat(in).as("schema/camelYamlDsl.json from camel-yaml-dsl").isNotNull();
            // Draft 4, plus the schema's own "deprecated" annotation (not a draft-4 keyword; it validates nothing).
            Dialect draft4 = Dialect.builder(Dialects.getDraft4()).keyword(new NonValidationKeyword("deprecated")).build();
            schema = SchemaRegistry.withDefaultDialect(draft4).getSchema(in);
        }
    }

    static Stream<Path> routeFiles() throws IOException {
        Stream<Path> files = Stream.empty();
        for (Path dir : ROUTE_DIRS) {
            if (Files.isDirectory(dir)) {
                files = Stream.concat(files, Files.list(dir).filter(p -> p.toString().endsWith(".yaml")).toList().stream());
            }
        }
        return files.sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routeFiles")
    void routeFileIsValidAgainstTheCamelYamlDslSchema(Path file) throws IOException {
        List<Error> errors = schema.validate(yamlTree(Files.readString(file)));

        assertThat(errors).extracting(Error::toString).as("schema messages for %s", file).isEmpty();
    }

    /**
     * The files are found, not listed: every file in {@code routes/}, and every file Camel Main loads
     * from {@code classpath:camel/} (the build's copy of {@code routes/}), is one the schema test checks. A new route
     * file is checked without touching this test; one it would skip (another extension, a subdirectory) fails here.
     */
    @Test
    void everyRouteFileIsChecked() throws Exception {
        List<Path> checked = routeFiles().toList();
        for (Path dir : ROUTE_DIRS) {
            assertThat(dir).as("%s/ (the tests run in the project directory)", dir).isDirectory();
            assertThat(checked).as("the route files checked, against every file in %s/", dir)
                    .containsAll(filesIn(dir));
        }
        URL camel = RoutesSchemaTest.class.getClassLoader().getResource("camel");
        assertThat(camel).as("classpath:camel/, the routes Camel Main loads").isNotNull();
        List<Path> loaded = filesIn(Path.of(camel.toURI())).stream()
                .map(file -> Path.of("routes").resolve(file.getFileName().toString())).toList();
        assertThat(loaded).as("classpath:camel/").isNotEmpty();
        assertThat(checked).as("the route files checked, against every file in classpath:camel/").containsAll(loaded);
    }

    private static List<Path> filesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    @Test
    void anUnknownKeyInARouteIsReported() throws IOException {
        String buckets = Files.readString(Path.of("routes/buckets.camel.yaml"));
        String broken = buckets.replace("    description: Makes sure", "    descripton: Makes sure");
        assertThat(broken).isNotEqualTo(buckets);

        assertThat(schema.validate(yamlTree(broken))).extracting(Error::toString)
                .anySatisfy(message -> assertThat(message).contains("descripton"));
    }

    /** The YAML document as a JSON tree, read with the YAML engine Camel's own YAML DSL uses. */
    private static JsonNode yamlTree(String yaml) {
        Object document = new Load(LoadSettings.builder().build()).loadFromString(yaml);
        return JSON.valueToTree(document);
    }
}
