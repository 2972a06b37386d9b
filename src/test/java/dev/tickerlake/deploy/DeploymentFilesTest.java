package dev.tickerlake.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The deployment files (docker-compose.yml, Dockerfile, .env.example, k8s/) agree with what the application reads:
 * ports, health paths, buckets and property keys come from {@code application.properties} and Camel's own defaults.
 */
class DeploymentFilesTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Pattern COMPOSE_VARIABLE = Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern ENV_PLACEHOLDER = Pattern.compile("\\{\\{env:([A-Za-z0-9_]+)");
    /** Read by the JVM itself, not by tickerlake. */
    private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

    private static Properties app;
    private static Map<String, JsonNode> camelMainOptions;
    private static Map<String, Object> compose;
    private static Map<String, Object> services;

    @BeforeAll
    static void load() throws IOException {
        app = properties(ROOT.resolve("application.properties"));
        camelMainOptions = new LinkedHashMap<>();
        try (InputStream in = DeploymentFilesTest.class.getClassLoader()
                .getResourceAsStream("META-INF/camel-main-configuration-metadata.json")) {
            assertThat(in).as("Camel Main's option catalogue on the classpath").isNotNull();
            for (JsonNode option : new ObjectMapper().readTree(in).get("properties")) {
                camelMainOptions.put(option.get("name").asText(), option);
            }
        }
        compose = map(resolveMergeKeys(yaml(ROOT.resolve("docker-compose.yml"))));
        services = map(compose.get("services"));
    }

    // ---- docker-compose -------------------------------------------------------------------------------------------

    @Test
    void composeRunsMinioWithBucketInitKafkaFlinkAndTickerlake() {
        assertThat(services).containsKeys("minio", "minio-init", "kafka", "jobmanager", "taskmanager", "tickerlake");
        assertThat(image("minio")).startsWith("minio/minio");
        assertThat(image("minio-init")).startsWith("minio/mc");
        assertThat(image("kafka")).startsWith("apache/kafka:3.9.1");
        assertThat(image("jobmanager")).startsWith("flink:1.20");
        assertThat(image("taskmanager")).startsWith("flink:1.20");
        assertThat(service("tickerlake")).containsKey("build");
        assertThat(map(service("kafka").get("environment"))).containsEntry("KAFKA_PROCESS_ROLES", "broker,controller");
    }

    @Test
    void tickerlakePublishesTheAdminApiAndManagementPorts() {
        assertThat(containerPorts("tickerlake")).containsExactlyInAnyOrder(serverPort(), managementPort());
        assertThat(containerPorts("minio")).contains(9000, 9001);
        assertThat(containerPorts("jobmanager")).contains(8081);
    }

    @Test
    void tickerlakeHealthcheckAsksForReadinessOnTheManagementPort() {
        String test = healthcheck("tickerlake");

        assertThat(test).contains(healthPath() + "/ready").contains(":" + managementPort() + "/");
        assertThat(healthcheck("minio")).isNotBlank();
        assertThat(healthcheck("kafka")).isNotBlank();
    }

    @Test
    void servicesStartAfterWhatTheyNeedIsHealthyOrDone() {
        assertThat(dependsOn("tickerlake")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "minio", "service_healthy",
                "minio-init", "service_completed_successfully",
                "kafka", "service_healthy"));
        assertThat(dependsOn("minio-init")).containsExactlyEntriesOf(Map.of("minio", "service_healthy"));
        assertThat(dependsOn("taskmanager")).containsExactlyEntriesOf(Map.of("jobmanager", "service_healthy"));
        services.keySet().forEach(name -> dependsOn(name).forEach((target, condition) -> {
            if (condition.equals("service_healthy")) {
                assertThat(healthcheck(target)).as("%s waits for %s to be healthy", name, target).isNotBlank();
            }
        }));
    }

    @Test
    void dataLivesOnDeclaredNamedVolumes() {
        Set<String> declared = map(compose.get("volumes")).keySet();
        Map<String, String> tickerlakeVolumes = new LinkedHashMap<>();
        services.forEach((name, definition) -> {
            for (Object volume : list(map(definition).get("volumes"))) {
                String source = volume.toString().substring(0, volume.toString().indexOf(':'));
                assertThat(source).as("volume of %s", name).doesNotStartWith(".").doesNotStartWith("/");
                assertThat(declared).as("named volumes").contains(source);
                if (name.equals("tickerlake")) {
                    tickerlakeVolumes.put(source, volume.toString().split(":")[1]);
                }
            }
        });
        assertThat(list(service("minio").get("volumes"))).isNotEmpty();
        assertThat(list(service("kafka").get("volumes"))).isNotEmpty();
        assertThat(tickerlakeVolumes).containsValue(environment("tickerlake").get("TICKERLAKE_DATA_DIR"));
    }

    @Test
    void everyComposeVariableIsDocumentedInEnvExample() throws IOException {
        Set<String> used = new LinkedHashSet<>();
        Matcher m = COMPOSE_VARIABLE.matcher(read("docker-compose.yml"));
        while (m.find()) {
            used.add(m.group(1));
        }
        Set<String> documented = Arrays.stream(read(".env.example").split("\n"))
                .filter(line -> line.matches("[A-Za-z_][A-Za-z0-9_]*=.*"))
                .map(line -> line.substring(0, line.indexOf('=')))
                .collect(Collectors.toCollection(LinkedHashSet::new));

        assertThat(used).isNotEmpty();
        assertThat(documented).containsAll(used);
        assertThat(read(".gitignore").lines()).contains(".env");
    }

    @Test
    void credentialsComeFromEnvFileOnly() throws IOException {
        assertThat(read("docker-compose.yml")).doesNotContainIgnoringCase("minioadmin");
        assertThat(tickerlakeServices()).hasSize(2);
        for (String service : tickerlakeServices()) {
            Map<String, String> tickerlake = environment(service);
            for (String name : List.of("S3_ACCESS_KEY", "S3_SECRET_KEY", "TICKERLAKE_ADMIN_USERS")) {
                assertThat(tickerlake.get(name)).as("%s of %s", name, service).matches("\\$\\{[A-Z_]+(:[?-].*)?}");
            }
        }
        // The Flink containers get MinIO's keys through the S3A credential chain's variables, never in their
        // configuration (Flink would write it into its config file, and log the access key).
        for (String service : List.of("jobmanager", "taskmanager")) {
            Map<String, String> env = environment(service);
            assertThat(env.get("AWS_ACCESS_KEY_ID")).as(service).matches("\\$\\{MINIO_ROOT_USER:\\?.*}");
            assertThat(env.get("AWS_SECRET_ACCESS_KEY")).as(service).matches("\\$\\{MINIO_ROOT_PASSWORD:\\?.*}");
            assertThat(flinkProperties(service).keySet()).as(service)
                    .noneMatch(key -> key.matches(".*(access|secret)[.-]key"));
        }
        for (String name : List.of("MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD")) {
            assertThat(environment("minio").get(name)).as(name).matches("\\$\\{" + name + ":\\?.*}");
        }
        // The example's secrets are placeholders nobody could mistake for real ones.
        Properties example = properties(ROOT.resolve(".env.example"));
        for (String name : example.stringPropertyNames()) {
            if (name.matches(".*(PASSWORD|USERS)")) {
                assertThat(example.getProperty(name)).as(name).contains("change-me");
            }
        }
    }

    @Test
    void everyTickerlakeVariableIsOneTheAppReads() {
        assertThat(tickerlakeServices()).contains("tickerlake").hasSize(2);
        for (String service : tickerlakeServices()) {
            Map<String, String> env = environment(service);

            assertThat(env).as(service).containsKeys("S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY",
                    "KAFKA_BOOTSTRAP_SERVERS", "TICKERLAKE_DATA_DIR", "CAMEL_MANAGEMENT_HOST");
            assertThat(env.keySet()).allSatisfy(name -> assertThat(isReadByTheApp(name)).as(name).isTrue());
            assertThat(env).containsEntry("CAMEL_MANAGEMENT_HOST", "0.0.0.0");
        }
        assertThat(isReadByTheApp("TICKERLAKE_FLINK_MODE")).isTrue();
        assertThat(isReadByTheApp("TICKERLAKE_FLINK_JOBMANAGER")).isTrue();
        assertThat(isReadByTheApp("TICKERLAKE_NO_SUCH_SETTING")).isFalse();
    }

    /**
     * Services without a profile always start, so both tickerlakes have one: {@code embedded}, active by default
     * through COMPOSE_PROFILES in .env, and {@code flink}; an explicit {@code --profile} replaces COMPOSE_PROFILES.
     * Either way exactly one tickerlake runs (two would run two sync jobs on the same tables).
     */
    @Test
    void exactlyOneTickerlakePerProfileAndTheFlinkProfileRunsItInRemoteMode() throws IOException {
        Set<String> defaultProfiles = Set.of(properties(ROOT.resolve(".env.example")).getProperty("COMPOSE_PROFILES", "")
                .split(","));

        List<String> plain = activeTickerlakes(defaultProfiles);
        List<String> flink = activeTickerlakes(Set.of("flink"));

        assertThat(plain).as("`docker compose up` (COMPOSE_PROFILES=%s)", defaultProfiles).containsExactly("tickerlake");
        assertThat(environment("tickerlake").getOrDefault("TICKERLAKE_FLINK_MODE", "embedded")).isEqualTo("embedded");
        assertThat(environment("tickerlake")).doesNotContainKey("TICKERLAKE_FLINK_JOBMANAGER");
        assertThat(active(defaultProfiles)).doesNotContain("jobmanager", "taskmanager");

        assertThat(flink).as("`docker compose --profile flink up`").hasSize(1);
        String remote = flink.get(0);
        assertThat(active(Set.of("flink"))).contains("minio", "minio-init", "kafka", "jobmanager", "taskmanager");
        assertThat(environment(remote)).containsEntry("TICKERLAKE_FLINK_MODE", "remote")
                .containsEntry("TICKERLAKE_FLINK_JOBMANAGER", "jobmanager:" + jobManagerRestPort());
        assertThat(containerPorts("jobmanager")).contains(jobManagerRestPort());
        // Everything else as the embedded-mode service: same image, data volume, endpoints and credentials.
        assertThat(service(remote)).containsEntry("build", service("tickerlake").get("build"))
                .containsEntry("image", image("tickerlake"))
                .containsEntry("volumes", service("tickerlake").get("volumes"))
                .containsEntry("healthcheck", service("tickerlake").get("healthcheck"))
                .containsEntry("stop_grace_period", service("tickerlake").get("stop_grace_period"));
        Map<String, String> remoteEnv = new LinkedHashMap<>(environment(remote));
        remoteEnv.remove("TICKERLAKE_FLINK_MODE");
        remoteEnv.remove("TICKERLAKE_FLINK_JOBMANAGER");
        assertThat(remoteEnv).isEqualTo(environment("tickerlake"));

        // Started once the JobManager's REST API answers, and after the TaskManager.
        assertThat(dependsOn(remote)).containsAllEntriesOf(dependsOn("tickerlake"))
                .containsEntry("jobmanager", "service_healthy").containsEntry("taskmanager", "service_started");
        assertThat(healthcheck("jobmanager")).contains("/dev/tcp/127.0.0.1/" + jobManagerRestPort());
        // Compose refuses to start a service whose dependency is not active: each profile set is complete.
        for (Set<String> profiles : List.of(defaultProfiles, Set.of("flink"))) {
            for (String name : active(profiles)) {
                assertThat(active(profiles)).as("%s's dependencies with profiles %s", name, profiles)
                        .containsAll(dependsOn(name).keySet());
            }
        }
        // Both profiles at once (COMPOSE_PROFILES=embedded,flink) cannot run two: they bind the same host ports.
        assertThat(list(service(remote).get("ports"))).isEqualTo(list(service("tickerlake").get("ports")));
    }

    @Test
    void flinkContainersHaveTheS3PluginAndTheirS3AndCheckpointSettings() {
        String flinkVersion = pomProperty("flink.version");
        for (String name : List.of("jobmanager", "taskmanager")) {
            Map<String, String> properties = flinkProperties(name);

            // The image's patch is the one tickerlake's Flink client is built with, and names the plugin's jar.
            assertThat(image(name)).as(name).startsWith("flink:" + flinkVersion + "-").endsWith("java17");
            assertThat(environment(name)).as(name)
                    .containsEntry("ENABLE_BUILT_IN_PLUGINS", "flink-s3-fs-hadoop-" + flinkVersion + ".jar");
            assertThat(properties).as(name).containsEntry("jobmanager.rpc.address", "jobmanager")
                    .containsEntry("s3.endpoint", environment("tickerlake").get("S3_ENDPOINT"))
                    .containsEntry("s3.path.style.access", "true")
                    .containsEntry("execution.checkpointing.dir", app.getProperty("tickerlake.flink.checkpoint-dir"))
                    .containsEntry("execution.checkpointing.savepoint-dir",
                            app.getProperty("tickerlake.flink.savepoint-dir"));
            assertThat(bucketOf(properties.get("execution.checkpointing.dir"))).as("created by minio-init")
                    .isIn(Arrays.asList(app.getProperty("tickerlake.s3.buckets").split(",")));
        }
        assertThat(Integer.parseInt(flinkProperties("taskmanager").get("taskmanager.numberOfTaskSlots")))
                .as("slots for tickerlake.flink.parallelism")
                .isGreaterThanOrEqualTo(Integer.parseInt(app.getProperty("tickerlake.flink.parallelism").trim()));
        assertThat(dependsOn("taskmanager")).containsEntry("jobmanager", "service_healthy");
    }

    @Test
    void bucketInitCreatesExactlyTheConfiguredBuckets() {
        Map<String, Object> init = service("minio-init");
        String script = Stream.concat(list(init.get("entrypoint")).stream(), list(init.get("command")).stream())
                .map(Object::toString).collect(Collectors.joining("\n"));
        String makeBuckets = script.lines().filter(line -> line.trim().startsWith("mc mb")).findFirst().orElseThrow();
        List<String> created = new ArrayList<>();
        Matcher m = Pattern.compile("\\blocal/([a-z0-9][a-z0-9.-]*)").matcher(makeBuckets);
        while (m.find()) {
            created.add(m.group(1));
        }

        assertThat(created).containsExactlyElementsOf(Arrays.asList(app.getProperty("tickerlake.s3.buckets").split(",")));
    }

    @Test
    void dockerfileRunsTheJarAsNonRootWithBoundedHeap() throws IOException {
        String dockerfile = read("Dockerfile");

        assertThat(dockerfile).contains("FROM eclipse-temurin:17-jre").contains("COPY target/tickerlake.jar")
                .contains("-XX:+ExitOnOutOfMemoryError").contains("-Xmx").contains("\"-jar\"");
        assertThat(instruction(dockerfile, "EXPOSE")).contains(String.valueOf(serverPort()), String.valueOf(managementPort()));
        assertThat(instruction(dockerfile, "USER")).isNotEmpty().noneMatch(user -> user.startsWith("root") || user.startsWith("0"));
        assertThat(instruction(dockerfile, "VOLUME")).containsExactly(environment("tickerlake").get("TICKERLAKE_DATA_DIR"));
        assertThat(read(".dockerignore")).contains("!target/tickerlake.jar");
    }

    /** Remote mode ships tickerlake-flink-job.jar with each submission; empty job-jar = the one next to tickerlake.jar. */
    @Test
    void dockerfileShipsTheFlinkJobJarNextToTickerlakeJar() throws IOException {
        String dockerfile = read("Dockerfile");
        Map<String, String> copies = new LinkedHashMap<>();
        dockerfile.lines().filter(line -> line.startsWith("COPY ")).map(line -> line.substring(5).trim().split("\\s+"))
                .forEach(parts -> copies.put(parts[0], parts[parts.length - 1]));

        assertThat(app.getProperty("tickerlake.flink.job-jar")).contains("{{env:TICKERLAKE_FLINK_JOB_JAR:}}");
        assertThat(copies).containsKeys("target/tickerlake.jar", "target/tickerlake-flink-job.jar");
        Path appJar = Path.of(copies.get("target/tickerlake.jar"));
        assertThat(Path.of(copies.get("target/tickerlake-flink-job.jar")))
                .isEqualTo(appJar.resolveSibling("tickerlake-flink-job.jar"));
        assertThat(read(".dockerignore").lines()).contains("!target/tickerlake-flink-job.jar");
    }

    // ---- Kubernetes ---------------------------------------------------------------------------------------------

    @Test
    void everyManifestParses() throws IOException {
        List<Path> manifests;
        try (Stream<Path> files = Files.walk(ROOT.resolve("k8s"))) {
            manifests = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }

        assertThat(manifests).extracting(p -> ROOT.resolve("k8s").relativize(p).toString().replace(File.separatorChar, '/'))
                .contains("kustomization.yaml", "base/kustomization.yaml", "base/deployment.yaml",
                        "overlays/external/kustomization.yaml", "overlays/flink-operator/kustomization.yaml");
        for (Path manifest : manifests) {
            for (Object document : new Load(LoadSettings.builder().build()).loadAllFromString(Files.readString(manifest))) {
                assertThat(map(document)).as(manifest.toString()).containsKeys("apiVersion", "kind");
            }
        }
    }

    @Test
    void deploymentProbesTheAppsHealthPathsOnTheManagementPort() throws IOException {
        Map<String, Object> container = tickerlakeContainer();
        Map<String, Integer> ports = list(container.get("ports")).stream().map(DeploymentFilesTest::map)
                .collect(Collectors.toMap(p -> (String) p.get("name"), p -> (Integer) p.get("containerPort")));

        assertThat(ports).containsEntry("management", managementPort()).containsEntry("api", serverPort());
        assertThat(healthPath()).isEqualTo("/observe/health");
        assertProbe(container, "livenessProbe", healthPath() + "/live");
        assertProbe(container, "readinessProbe", healthPath() + "/ready");
        Map<String, Object> startup = assertProbe(container, "startupProbe", healthPath() + "/live");
        assertThat((Integer) startup.get("periodSeconds") * (Integer) startup.get("failureThreshold"))
                .as("seconds allowed to start").isGreaterThanOrEqualTo(120);
        assertThat(map(map(map(deployment().get("spec")).get("strategy"))).get("type"))
                .as("one sync job at a time").isEqualTo("Recreate");
    }

    @Test
    void deploymentSizesMemoryFromTheMeasuredFootprint() throws IOException {
        Map<String, Object> resources = map(tickerlakeContainer().get("resources"));
        Map<String, Object> requests = map(resources.get("requests"));
        Map<String, Object> limits = map(resources.get("limits"));

        assertThat(requests).containsKeys("cpu", "memory");
        assertThat(mebibytes(requests.get("memory"))).as("request").isGreaterThanOrEqualTo(910).isLessThanOrEqualTo(1536);
        assertThat(mebibytes(limits.get("memory"))).as("limit").isGreaterThanOrEqualTo(mebibytes(requests.get("memory")));
        assertThat(env(tickerlakeContainer()).get("JAVA_TOOL_OPTIONS")).asString().contains("-XX:MaxRAMPercentage=");
    }

    @Test
    void serviceExposesTheAdminApiAndManagementPorts() throws IOException {
        Map<String, Object> service = yaml(ROOT.resolve("k8s/base/service.yaml"));
        Map<String, Integer> ports = list(map(service.get("spec")).get("ports")).stream().map(DeploymentFilesTest::map)
                .collect(Collectors.toMap(p -> (String) p.get("name"), p -> (Integer) p.get("port")));

        assertThat(ports).containsExactlyInAnyOrderEntriesOf(Map.of("api", serverPort(), "management", managementPort()));
    }

    @Test
    void secretsAreReferencedNeverInlined() throws IOException {
        Map<String, Object> container = tickerlakeContainer();
        Set<String> referencedKeys = new LinkedHashSet<>();
        for (Object item : list(container.get("env"))) {
            Map<String, Object> variable = map(item);
            String name = (String) variable.get("name");
            if (name.matches(".*(ACCESS_KEY|SECRET_KEY|PASSWORD|USERS)")) {
                assertThat(variable).as(name).doesNotContainKey("value");
                Map<String, Object> ref = map(map(variable.get("valueFrom")).get("secretKeyRef"));
                assertThat(ref.get("name")).isEqualTo("tickerlake");
                referencedKeys.add((String) ref.get("key"));
            }
        }
        assertThat(referencedKeys).contains("s3-access-key", "s3-secret-key");
        Map<String, Object> secretVolume = list(podSpec().get("volumes")).stream().map(DeploymentFilesTest::map)
                .filter(v -> v.containsKey("secret")).map(v -> map(v.get("secret"))).findFirst().orElseThrow();
        assertThat(secretVolume.get("secretName")).isEqualTo("tickerlake");
        list(secretVolume.get("items")).forEach(item -> referencedKeys.add((String) map(item).get("key")));
        assertThat(referencedKeys).contains("admin-users", "management-users.properties");

        // No Secret is built from the kustomizations; the example is a template with placeholders for every key used.
        // The Flink pods get the same S3 keys from the same Secret, as the S3A credential chain's variables.
        Map<String, Object> flinkEnv = env(flinkMainContainer(yaml(ROOT.resolve(FLINK_DEPLOYMENT))));
        for (String name : List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")) {
            Map<String, Object> ref = map(map(flinkEnv.get(name)).get("secretKeyRef"));
            assertThat(ref.get("name")).as(name).isEqualTo("tickerlake");
            referencedKeys.add((String) ref.get("key"));
        }
        assertThat(flinkEnv.values()).as("no literal credential").noneMatch(v -> v instanceof String s && s.contains("change-me"));
        assertThat(map(map(yaml(ROOT.resolve(FLINK_DEPLOYMENT)).get("spec")).get("flinkConfiguration")).keySet())
                .noneMatch(key -> key.matches(".*(access|secret)[.-]key"));

        for (String kustomization : List.of("k8s/kustomization.yaml", "k8s/base/kustomization.yaml",
                "k8s/overlays/external/kustomization.yaml", "k8s/overlays/flink-operator/kustomization.yaml")) {
            Map<String, Object> k = yaml(ROOT.resolve(kustomization));
            assertThat(k).as(kustomization).doesNotContainKeys("secretGenerator");
            assertThat(list(k.get("resources"))).as(kustomization).noneMatch(r -> r.toString().contains("secret"));
        }
        Map<String, Object> stringData = map(yaml(ROOT.resolve("k8s/secret.example.yaml")).get("stringData"));
        assertThat(stringData.keySet()).containsAll(referencedKeys);
        assertThat(stringData.values()).allSatisfy(value -> assertThat(value.toString()).contains("change-me"));
    }

    @Test
    void configMapOverridesOnlyKeysTheAppHas() throws IOException {
        Properties overrides = properties(ROOT.resolve("k8s/base/application.properties"));
        Map<String, Object> generator = map(list(yaml(ROOT.resolve("k8s/base/kustomization.yaml"))
                .get("configMapGenerator")).get(0));
        Map<String, Object> configVolume = list(podSpec().get("volumes")).stream().map(DeploymentFilesTest::map)
                .filter(v -> v.containsKey("configMap")).findFirst().orElseThrow();
        String configFile = list(tickerlakeContainer().get("volumeMounts")).stream().map(DeploymentFilesTest::map)
                .filter(m -> m.get("name").equals(configVolume.get("name"))).map(m -> (String) m.get("mountPath"))
                .findFirst().orElseThrow();

        assertThat(overrides.stringPropertyNames()).isNotEmpty().isSubsetOf(app.stringPropertyNames());
        assertThat(list(generator.get("files"))).containsExactly("application.properties");
        assertThat(map(configVolume.get("configMap")).get("name")).isEqualTo(generator.get("name"));
        assertThat(list(tickerlakeContainer().get("args"))).contains("--config=" + configFile);
    }

    @Test
    void everyDeploymentVariableIsOneTheAppReads() throws IOException {
        Map<String, Object> patch = map(list(map(map(map(yaml(ROOT.resolve("k8s/overlays/external/endpoints.yaml"))
                .get("spec")).get("template")).get("spec")).get("containers")).get(0));
        Map<String, Object> external = env(patch);

        assertThat(env(tickerlakeContainer())).containsKeys("CAMEL_MANAGEMENT_HOST", "TICKERLAKE_DATA_DIR")
                .doesNotContainKeys("S3_ENDPOINT", "KAFKA_BOOTSTRAP_SERVERS");
        assertThat(external).containsKeys("S3_ENDPOINT", "KAFKA_BOOTSTRAP_SERVERS");
        assertThat(external.get("S3_ENDPOINT")).asString().startsWith("http");
        assertThat(external.get("KAFKA_BOOTSTRAP_SERVERS")).asString().isNotBlank();
        Map<String, Object> remote = env(map(list(map(map(map(yaml(ROOT.resolve("k8s/overlays/flink-operator/remote-mode.yaml"))
                .get("spec")).get("template")).get("spec")).get("containers")).get(0)));
        assertThat(remote).containsKeys("TICKERLAKE_FLINK_MODE", "TICKERLAKE_FLINK_JOBMANAGER");
        Stream.of(env(tickerlakeContainer()).keySet(), external.keySet(), remote.keySet()).flatMap(Set::stream)
                .forEach(name -> assertThat(isReadByTheApp(name) || JVM_VARIABLES.contains(name)).as(name).isTrue());
    }

    @Test
    void kustomizeRendersTheDefaultAndTheExternalOverlay() throws Exception {
        assumeThat(onPath("kubectl")).as("kubectl on PATH").isTrue();

        List<Map<String, Object>> base = kustomize("k8s");
        List<Map<String, Object>> external = kustomize("k8s/overlays/external");

        for (List<Map<String, Object>> rendered : List.of(base, external)) {
            assertThat(rendered).extracting(d -> d.get("kind"))
                    .contains("Deployment", "Service", "ConfigMap", "PersistentVolumeClaim").doesNotContain("Secret");
        }
        assertThat(renderedEnv(base)).doesNotContainKey("S3_ENDPOINT").containsEntry("TICKERLAKE_KAFKA_REPLICATION_FACTOR", "1");
        assertThat(renderedEnv(external)).containsKeys("S3_ENDPOINT", "KAFKA_BOOTSTRAP_SERVERS", "S3_ACCESS_KEY")
                .containsEntry("TICKERLAKE_KAFKA_REPLICATION_FACTOR", "3");
    }

    /**
     * The Flink Kubernetes Operator overlay: a session FlinkDeployment (no job: tickerlake submits it) with the S3
     * plugin and settings, and tickerlake in remote mode against its REST service, on external S3 and Kafka.
     */
    @Test
    void flinkOperatorOverlayRendersASessionClusterAndTickerlakeInRemoteMode() throws Exception {
        assumeThat(onPath("kubectl")).as("kubectl on PATH").isTrue();

        List<Map<String, Object>> rendered = kustomize("k8s/overlays/flink-operator");

        assertThat(rendered).extracting(d -> d.get("kind")).doesNotContain("Secret")
                .containsOnlyOnce("FlinkDeployment", "Deployment");
        Map<String, Object> flink = rendered.stream().filter(d -> "FlinkDeployment".equals(d.get("kind")))
                .findFirst().orElseThrow();
        Map<String, Object> spec = map(flink.get("spec"));
        String flinkVersion = pomProperty("flink.version");
        assertThat(flink.get("apiVersion")).isEqualTo("flink.apache.org/v1beta1");
        assertThat(spec).as("session mode: no job").doesNotContainKey("job")
                .containsEntry("flinkVersion", "v1_20").containsKey("serviceAccount");
        assertThat((String) spec.get("image")).startsWith("flink:" + flinkVersion + "-");
        for (String process : List.of("jobManager", "taskManager")) {
            assertThat(map(map(spec.get(process)).get("resource"))).as(process).containsKeys("memory", "cpu");
        }

        // Operator releases 1.10-1.12 (the first with v1_20) type flinkConfiguration as a map of strings: an unquoted
        // true or 2 would be refused by the API server there (1.13 and later take any YAML).
        Map<String, Object> configuration = map(spec.get("flinkConfiguration"));
        assertThat(configuration.values()).allSatisfy(value -> assertThat(value).isInstanceOf(String.class));
        Map<String, Object> tickerlakeEnv = renderedEnv(rendered);
        assertThat(configuration).containsEntry("s3.endpoint", tickerlakeEnv.get("S3_ENDPOINT"))
                .containsEntry("s3.path.style.access", "true")
                .containsEntry("execution.checkpointing.dir", app.getProperty("tickerlake.flink.checkpoint-dir"))
                .containsEntry("execution.checkpointing.savepoint-dir", app.getProperty("tickerlake.flink.savepoint-dir"));
        Properties k8sOverrides = properties(ROOT.resolve("k8s/base/application.properties"));
        assertThat(Integer.parseInt((String) configuration.get("taskmanager.numberOfTaskSlots")))
                .isGreaterThanOrEqualTo(Integer.parseInt(k8sOverrides.getProperty("tickerlake.flink.parallelism",
                        app.getProperty("tickerlake.flink.parallelism")).trim()));
        assertThat(configuration.keySet()).noneMatch(key -> key.matches(".*(access|secret)[.-]key"));

        Map<String, Object> flinkEnv = env(flinkMainContainer(flink));
        assertThat(flinkEnv).containsEntry("ENABLE_BUILT_IN_PLUGINS", "flink-s3-fs-hadoop-" + flinkVersion + ".jar");
        for (Map.Entry<String, String> key : Map.of("AWS_ACCESS_KEY_ID", "s3-access-key",
                "AWS_SECRET_ACCESS_KEY", "s3-secret-key").entrySet()) {
            assertThat(map(map(flinkEnv.get(key.getKey())).get("secretKeyRef")))
                    .containsEntry("name", "tickerlake").containsEntry("key", key.getValue());
        }

        // tickerlake: remote mode on the operator's REST service, S3 and Kafka the cluster's pods reach.
        assertThat(tickerlakeEnv).containsEntry("TICKERLAKE_FLINK_MODE", "remote")
                .containsEntry("TICKERLAKE_FLINK_JOBMANAGER", map(flink.get("metadata")).get("name") + "-rest:8081")
                .containsKeys("S3_ENDPOINT", "KAFKA_BOOTSTRAP_SERVERS", "S3_ACCESS_KEY", "S3_SECRET_KEY");
        assertThat(tickerlakeEnv.get("S3_ACCESS_KEY")).isInstanceOf(Map.class);
        assertThat((String) tickerlakeEnv.get("S3_ENDPOINT")).startsWith("http").doesNotContain("127.0.0.1", "localhost");
        assertThat((String) tickerlakeEnv.get("KAFKA_BOOTSTRAP_SERVERS")).doesNotContain("127.0.0.1", "localhost");
    }

    /** One place to edit: the cluster's s3.endpoint is copied from tickerlake's S3_ENDPOINT in overlays/external. */
    @Test
    void flinkClusterFollowsTheS3EndpointEditedInTheExternalOverlay(@TempDir Path copy) throws Exception {
        assumeThat(onPath("kubectl")).as("kubectl on PATH").isTrue();
        try (Stream<Path> files = Files.walk(ROOT.resolve("k8s"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = copy.resolve(ROOT.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            }
        }
        Path endpoints = copy.resolve("k8s/overlays/external/endpoints.yaml");
        String original = (String) env(map(list(map(map(map(yaml(endpoints).get("spec")).get("template")).get("spec"))
                .get("containers")).get(0))).get("S3_ENDPOINT");
        Files.writeString(endpoints, Files.readString(endpoints).replace(original, "http://s3.example.test:9000"));

        List<Map<String, Object>> rendered = kustomize(copy.resolve("k8s/overlays/flink-operator").toString());

        Map<String, Object> flink = rendered.stream().filter(d -> "FlinkDeployment".equals(d.get("kind")))
                .findFirst().orElseThrow();
        assertThat(renderedEnv(rendered)).containsEntry("S3_ENDPOINT", "http://s3.example.test:9000");
        assertThat(map(map(flink.get("spec")).get("flinkConfiguration")))
                .containsEntry("s3.endpoint", "http://s3.example.test:9000");
    }

    // ---- what the app reads -------------------------------------------------------------------------------------

    /**
     * An environment variable tickerlake reads: a short name from an {@code {{env:NAME}}} placeholder, a key of
     * application.properties in upper case with dots and dashes as underscores, or one of Camel Main's own options.
     */
    private static boolean isReadByTheApp(String name) {
        Set<String> shortNames = new LinkedHashSet<>();
        for (String key : app.stringPropertyNames()) {
            Matcher m = ENV_PLACEHOLDER.matcher(app.getProperty(key));
            while (m.find()) {
                shortNames.add(m.group(1));
            }
        }
        return shortNames.contains(name)
                || app.stringPropertyNames().stream().anyMatch(key -> environmentName(key).equals(name))
                || camelMainOptions.keySet().stream().anyMatch(option -> environmentName(option).equals(name));
    }

    private static String environmentName(String key) {
        return key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase().replace('.', '_').replace('-', '_');
    }

    private static int managementPort() {
        return Integer.parseInt(app.getProperty("camel.management.port").trim());
    }

    private static int serverPort() {
        return Integer.parseInt(app.getProperty("camel.server.port").trim());
    }

    /** The management server's health path: application.properties if it sets one, else Camel's default. */
    private static String healthPath() {
        String configured = app.getProperty("camel.management.health-path");
        return configured != null ? configured.trim()
                : camelMainOptions.get("camel.management.healthPath").get("defaultValue").asText();
    }

    private static String pomProperty(String name) {
        try {
            Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(read("pom.xml"));
            assertThat(m.find()).as("%s in pom.xml", name).isTrue();
            return m.group(1).trim();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---- compose helpers ----------------------------------------------------------------------------------------

    private static Map<String, Object> service(String name) {
        assertThat(services).containsKey(name);
        return map(services.get(name));
    }

    /** The services running tickerlake's image (built from the Dockerfile). */
    private static List<String> tickerlakeServices() {
        return services.keySet().stream().filter(name -> service(name).containsKey("build")).toList();
    }

    /** Compose's rule: a service is active when it has no profile or one of the active profiles. */
    private static List<String> active(Set<String> profiles) {
        return services.keySet().stream().filter(name -> {
            List<Object> own = list(service(name).get("profiles"));
            return own.isEmpty() || own.stream().anyMatch(profiles::contains);
        }).toList();
    }

    private static List<String> activeTickerlakes(Set<String> profiles) {
        return active(profiles).stream().filter(tickerlakeServices()::contains).toList();
    }

    /** FLINK_PROPERTIES as the image's entrypoint reads it: one {@code key: value} a line. */
    private static Map<String, String> flinkProperties(String name) {
        Map<String, String> properties = new LinkedHashMap<>();
        environment(name).getOrDefault("FLINK_PROPERTIES", "").lines().filter(line -> !line.isBlank()).forEach(line -> {
            int colon = line.indexOf(':');
            assertThat(colon).as("FLINK_PROPERTIES line %s", line).isPositive();
            properties.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        });
        return properties;
    }

    private static int jobManagerRestPort() {
        return Integer.parseInt(flinkProperties("jobmanager").getOrDefault("rest.port", "8081"));
    }

    private static String bucketOf(String s3Uri) {
        assertThat(s3Uri).startsWith("s3://");
        return s3Uri.substring("s3://".length()).split("/")[0];
    }

    private static String image(String name) {
        return (String) service(name).get("image");
    }

    private static List<Integer> containerPorts(String name) {
        return list(service(name).get("ports")).stream().map(Object::toString)
                .map(p -> Integer.valueOf(p.substring(p.lastIndexOf(':') + 1).replace("/tcp", "")))
                .toList();
    }

    private static String healthcheck(String name) {
        Object test = map(service(name).get("healthcheck")).get("test");
        return test instanceof List<?> parts ? parts.stream().map(Object::toString).collect(Collectors.joining(" "))
                : test == null ? "" : test.toString();
    }

    private static Map<String, String> dependsOn(String name) {
        Map<String, String> conditions = new LinkedHashMap<>();
        map(service(name).get("depends_on")).forEach((target, how) ->
                conditions.put(target, (String) map(how).get("condition")));
        return conditions;
    }

    private static Map<String, String> environment(String name) {
        Map<String, String> env = new LinkedHashMap<>();
        map(service(name).get("environment")).forEach((key, value) -> env.put(key, String.valueOf(value)));
        return env;
    }

    private static List<String> instruction(String dockerfile, String instruction) {
        return dockerfile.lines().filter(line -> line.startsWith(instruction + " "))
                .flatMap(line -> Arrays.stream(line.substring(instruction.length()).trim().split("\\s+")))
                .toList();
    }

    // ---- Kubernetes helpers -------------------------------------------------------------------------------------

    private static final String FLINK_DEPLOYMENT = "k8s/overlays/flink-operator/flink-deployment.yaml";

    /** The FlinkDeployment's main container in its pod template (the operator's fixed name). */
    private static Map<String, Object> flinkMainContainer(Map<String, Object> flinkDeployment) {
        Map<String, Object> template = map(map(flinkDeployment.get("spec")).get("podTemplate"));
        return list(map(template.get("spec")).get("containers")).stream().map(DeploymentFilesTest::map)
                .filter(c -> "flink-main-container".equals(c.get("name"))).findFirst().orElseThrow();
    }

    private static Map<String, Object> deployment() throws IOException {
        return yaml(ROOT.resolve("k8s/base/deployment.yaml"));
    }

    private static Map<String, Object> podSpec() throws IOException {
        return map(map(map(deployment().get("spec")).get("template")).get("spec"));
    }

    private static Map<String, Object> tickerlakeContainer() throws IOException {
        return list(podSpec().get("containers")).stream().map(DeploymentFilesTest::map)
                .filter(c -> "tickerlake".equals(c.get("name"))).findFirst().orElseThrow();
    }

    /** Name → value, or → the valueFrom map. */
    private static Map<String, Object> env(Map<String, Object> container) {
        Map<String, Object> env = new LinkedHashMap<>();
        list(container.get("env")).stream().map(DeploymentFilesTest::map).forEach(v ->
                env.put((String) v.get("name"), v.containsKey("value") ? v.get("value") : v.get("valueFrom")));
        return env;
    }

    private static Map<String, Object> assertProbe(Map<String, Object> container, String probe, String path) {
        Map<String, Object> definition = map(container.get(probe));
        Map<String, Object> httpGet = map(definition.get("httpGet"));
        assertThat(httpGet).as(probe).containsEntry("path", path).containsEntry("port", "management");
        return definition;
    }

    private static int mebibytes(Object quantity) {
        String q = quantity.toString();
        if (q.endsWith("Gi")) {
            return Integer.parseInt(q.substring(0, q.length() - 2)) * 1024;
        }
        assertThat(q).as("memory quantity").endsWith("Mi");
        return Integer.parseInt(q.substring(0, q.length() - 2));
    }

    private static List<Map<String, Object>> kustomize(String dir) throws Exception {
        Process process = new ProcessBuilder("kubectl", "kustomize", dir).directory(ROOT.toFile())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("kubectl kustomize %s:%n%s", dir, output).isZero();
        List<Map<String, Object>> documents = new ArrayList<>();
        new Load(LoadSettings.builder().build()).loadAllFromString(output).forEach(d -> documents.add(map(d)));
        return documents;
    }

    private static Map<String, Object> renderedEnv(List<Map<String, Object>> rendered) {
        Map<String, Object> deployment = rendered.stream().filter(d -> "Deployment".equals(d.get("kind")))
                .findFirst().orElseThrow();
        return env(map(list(map(map(map(deployment.get("spec")).get("template")).get("spec")).get("containers")).get(0)));
    }

    private static boolean onPath(String command) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> Path.of(dir, command)).anyMatch(Files::isExecutable);
    }

    // ---- files --------------------------------------------------------------------------------------------------

    private static String read(String file) throws IOException {
        return Files.readString(ROOT.resolve(file));
    }

    private static Properties properties(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader in = new StringReader(Files.readString(file))) {
            properties.load(in);
        }
        return properties;
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        return map(new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file)));
    }

    /** YAML merge keys ({@code <<: *anchor}), which Compose applies and YAML 1.2 parsers leave as a plain key. */
    private static Object resolveMergeKeys(Object node) {
        if (node instanceof Map<?, ?> source) {
            Map<String, Object> merged = new LinkedHashMap<>();
            Object bases = source.get("<<");
            for (Object base : bases instanceof List<?> several ? several : bases == null ? List.of() : List.of(bases)) {
                merged.putAll(map(resolveMergeKeys(base)));
            }
            source.forEach((key, value) -> {
                if (!"<<".equals(key)) {
                    merged.put(String.valueOf(key), resolveMergeKeys(value));
                }
            });
            return merged;
        }
        if (node instanceof List<?> items) {
            return items.stream().map(DeploymentFilesTest::resolveMergeKeys).collect(Collectors.toList());
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object yaml) {
        if (yaml == null) {
            return Map.of();
        }
        assertThat(yaml).isInstanceOf(Map.class);
        return (Map<String, Object>) yaml;
    }

    private static List<Object> list(Object yaml) {
        if (yaml == null) {
            return List.of();
        }
        assertThat(yaml).isInstanceOf(List.class);
        return new ArrayList<>((List<?>) yaml);
    }
}
