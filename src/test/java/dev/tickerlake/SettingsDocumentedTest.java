package dev.tickerlake;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * application.properties documents every {@code tickerlake.*} setting the code reads, under a comment, with the value
 * the code falls back to when the key is unset. A read is a call whose first argument is {@code props} or
 * {@code settings} followed by (key, fallback) pairs, e.g. {@code value(settings, "tickerlake.replay.speed", "1")};
 * a key or a fallback may be a constant ({@code String.valueOf(SyntheticFeed.DEFAULT_SEED)}). Routes' placeholders
 * ({@code {{tickerlake.x}}}, {@code {{tickerlake.x:default}}}) count too.
 */
class SettingsDocumentedTest {

    private static final Path SOURCES = Path.of("src/main/java");
    private static final Path PROPERTIES = Path.of("application.properties");
    private static final List<Path> ROUTE_DIRS = List.of(Path.of("routes"));
    private static final Pattern READ = Pattern.compile("\\b\\w+\\(\\s*(?:props|settings)\\s*,");
    private static final Pattern KEY = Pattern.compile("\"(tickerlake\\.[a-z0-9.-]+)\"");
    private static final Pattern RESOLVE = Pattern.compile("resolveProperty\\(\\s*\"(tickerlake\\.[a-z0-9.-]+)\"\\s*\\)");
    private static final Pattern STRING_CONSTANT = Pattern.compile(
            "static final String ([A-Z][A-Z0-9_]*)\\s*=\\s*\"(tickerlake\\.[a-z0-9.-]+)\"\\s*;");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\??(tickerlake\\.[a-z0-9.-]+)(?::([^}]*))?}}");
    private static final Pattern ENV_DEFAULT = Pattern.compile("\\{\\{env:[A-Z0-9_]+:(.*)}}");
    private static final Pattern CLASS_FIELD = Pattern.compile("([A-Z]\\w*)\\.([A-Z][A-Z0-9_]*)");

    @Test
    void everySettingReadIsDocumentedUnderAComment() {
        List<String> lines = lines(PROPERTIES);
        List<String> problems = new ArrayList<>();
        reads().forEach((key, read) -> {
            int at = keyLine(lines, key);
            if (at < 0) {
                problems.add(key + " (read in " + read.where() + ") is missing from application.properties");
            } else if (!commented(lines, at)) {
                problems.add(key + " has no comment above it in application.properties");
            }
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void theCodesFallbackIsTheDocumentedValue() {
        Properties file = properties();
        List<String> problems = new ArrayList<>();
        reads().forEach((key, read) -> {
            if (read.fallback() == null || !file.containsKey(key)) {
                return;
            }
            String documented = effective(file.getProperty(key));
            if (!read.fallback().equals(documented)) {
                problems.add(key + ": the code (" + read.where() + ") falls back to \"" + read.fallback()
                        + "\", application.properties says \"" + documented + "\"");
            }
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void findsTheReadsItChecks() {
        Map<String, Read> reads = reads();
        assertThat(reads).containsKeys("tickerlake.source", "tickerlake.s3.endpoint", "tickerlake.upbit.ping-interval",
                "tickerlake.kafka.dlq-retention-size", "tickerlake.cdc.batch-size");
        assertThat(reads.get("tickerlake.synthetic.seed").fallback()).isEqualTo("42");
        assertThat(reads.get("tickerlake.cdc.max-frame-bytes").fallback()).isEqualTo("65536");
        assertThat(reads.get("tickerlake.upbit.websocket-url").fallback()).isEqualTo("wss://api.upbit.com/websocket/v1");
    }

    /** A key read, where, and the value used when it is unset (null when the code has none). */
    record Read(String where, String fallback) {
    }

    /** Every key read by the sources and the routes; a key read twice keeps the read that has a fallback. */
    static Map<String, Read> reads() {
        Map<String, Read> reads = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                String where = file.getFileName().toString();
                Map<String, String> constants = new TreeMap<>();
                Matcher c = STRING_CONSTANT.matcher(text);
                while (c.find()) {
                    constants.put(c.group(1), c.group(2));
                }
                Matcher call = READ.matcher(text);
                while (call.find()) {
                    List<String> args = arguments(text, call.end());
                    for (int i = 0; i + 1 < args.size(); i++) {
                        String key = key(args.get(i), constants);
                        if (key != null) {
                            String fallback = evaluate(args.get(i + 1), file);
                            merge(reads, key, new Read(where, fallback));
                        }
                    }
                }
                Matcher resolve = RESOLVE.matcher(text);
                while (resolve.find()) {
                    merge(reads, resolve.group(1), new Read(where, null));
                }
            }
            for (Path dir : ROUTE_DIRS) {
                try (Stream<Path> routes = Files.walk(dir)) {
                    for (Path file : routes.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                        Matcher p = PLACEHOLDER.matcher(Files.readString(file));
                        while (p.find()) {
                            merge(reads, p.group(1), new Read(file.toString(), p.group(2)));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return reads;
    }

    private static void merge(Map<String, Read> reads, String key, Read read) {
        Read known = reads.get(key);
        if (known == null || known.fallback() == null) {
            reads.put(key, read);
        }
    }

    /** The arguments after the first, up to the call's closing parenthesis, split at top-level commas. */
    private static List<String> arguments(String text, int from) {
        List<String> args = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        StringBuilder arg = new StringBuilder();
        for (int i = from; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (quoted) {
                arg.append(ch);
                if (ch == '\\') {
                    arg.append(text.charAt(++i));
                } else if (ch == '"') {
                    quoted = false;
                }
                continue;
            }
            if (ch == '"') {
                quoted = true;
            } else if (ch == '(') {
                depth++;
            } else if (ch == ')' && depth-- == 0 || ch == ',' && depth == 0) {
                args.add(arg.toString().trim());
                arg.setLength(0);
                if (ch == ')') {
                    return args;
                }
                continue;
            }
            arg.append(ch);
        }
        throw new IllegalStateException("unclosed call at " + from);
    }

    private static String key(String arg, Map<String, String> constants) {
        Matcher literal = KEY.matcher(arg);
        if (literal.matches()) {
            return literal.group(1);
        }
        return constants.get(arg);
    }

    /** A fallback's value: a literal, null, a constant, or String.valueOf / toString of a constant. */
    private static String evaluate(String expression, Path file) {
        String e = expression.trim();
        if (e.equals("null")) {
            return null;
        }
        if (e.startsWith("\"") && e.endsWith("\"")) {
            return e.substring(1, e.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        if (e.startsWith("String.valueOf(") && e.endsWith(")")) {
            return evaluate(e.substring("String.valueOf(".length(), e.length() - 1), file);
        }
        if (e.endsWith(".toString()")) {
            return evaluate(e.substring(0, e.length() - ".toString()".length()), file);
        }
        Matcher field = CLASS_FIELD.matcher(e);
        if (field.matches()) {
            return String.valueOf(constant(field.group(1), field.group(2)));
        }
        throw new AssertionError(file + ": cannot read the fallback " + e
                + "; write it as a literal or a public constant");
    }

    private static Object constant(String simpleName, String name) {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            Path source = files.filter(f -> f.getFileName().toString().equals(simpleName + ".java")).findFirst()
                    .orElseThrow(() -> new AssertionError("no class " + simpleName + " in " + SOURCES));
            String className = SOURCES.relativize(source).toString().replace('/', '.').replaceAll("\\.java$", "");
            Field field = Class.forName(className).getField(name);
            return field.get(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(simpleName + "." + name + ": " + e, e);
        }
    }

    /** What a value means when no environment variable is set: {@code {{env:X:d}}} is d. */
    private static String effective(String value) {
        Matcher env = ENV_DEFAULT.matcher(value.trim());
        return env.matches() ? env.group(1) : value.trim();
    }

    private static int keyLine(List<String> lines, String key) {
        Pattern line = Pattern.compile(Pattern.quote(key) + "\\s*[=:].*|" + Pattern.quote(key) + "\\s*");
        for (int i = 0; i < lines.size(); i++) {
            if (line.matcher(lines.get(i)).matches()) {
                return i;
            }
        }
        return -1;
    }

    /** A comment heads the block of settings (lines without a blank one between) the key is in. */
    private static boolean commented(List<String> lines, int at) {
        int i = at - 1;
        while (i >= 0 && !lines.get(i).isBlank() && !lines.get(i).startsWith("#")) {
            i--;
        }
        return i >= 0 && lines.get(i).startsWith("#");
    }

    private static Properties properties() {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(PROPERTIES)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
