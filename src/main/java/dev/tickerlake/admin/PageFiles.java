package dev.tickerlake.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.apache.camel.Header;
import org.apache.camel.Variable;

/**
 * The time-travel page's files as {@code routes/time-travel-page.camel.yaml} serves them: the page from the jar's
 * {@code page/} folder, uPlot from its WebJar, nothing else. Files are read once and kept (they never change while the
 * jar runs), each with an ETag so that a browser revalidates with one short 304 instead of fetching it again.
 */
public final class PageFiles {

    /** The page's own files: {@code /ui/<path>} is {@code page/<path>} in the jar. */
    static final String PAGE_ROOT = "page/";
    /** {@code /ui/lib/uplot/<file>} is the WebJar's {@code dist/<file>}. */
    static final String UPLOT_PREFIX = "lib/uplot/";
    private static final String UPLOT_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";

    /** Letters, digits, dot, dash, underscore and single slashes: no {@code ..}, no hidden file, no encoded anything. */
    private static final Pattern SAFE_PATH =
            Pattern.compile("^[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$");
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");

    /** One file's bytes and the headers that go with them. */
    public record PageFile(byte[] content, String contentType, String etag) {

        /** True when the browser's {@code If-None-Match} names this version: a 304 is enough. */
        public boolean notModifiedFor(String ifNoneMatch) {
            if (ifNoneMatch == null) {
                return false;
            }
            for (String candidate : ifNoneMatch.split(",")) {
                String tag = candidate.trim();
                if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
                    return true;
                }
            }
            return false;
        }
    }

    private final ClassLoader classLoader;
    private final String uplotDist;
    private final Map<String, Optional<PageFile>> files = new ConcurrentHashMap<>();

    public PageFiles() {
        this(PageFiles.class.getClassLoader());
    }

    PageFiles(ClassLoader classLoader) {
        this.classLoader = classLoader;
        this.uplotDist = "META-INF/resources/webjars/uplot/" + webJarVersion(classLoader) + "/dist/";
    }

    /**
     * The file for a path under {@code /ui/} ({@code css/page.css}, {@code lib/uplot/uPlot.esm.js}), or null when there
     * is none: an unknown name, a path with anything but plain segments, or a type the page does not use.
     */
    public PageFile find(String path) {
        if (path == null || !SAFE_PATH.matcher(path).matches()) {
            return null;
        }
        String type = CONTENT_TYPES.get(path.substring(path.lastIndexOf('.') + 1));
        if (type == null) {
            return null;
        }
        String resource = path.startsWith(UPLOT_PREFIX)
                ? uplotDist + path.substring(UPLOT_PREFIX.length())
                : PAGE_ROOT + path;
        return files.computeIfAbsent(path, p -> read(resource, type)).orElse(null);
    }

    /** The file for a request path: {@code /} is the page itself, {@code /ui/<path>} one of its files; else null. */
    public PageFile forRequest(String requestPath) {
        if ("/".equals(requestPath) || requestPath == null || requestPath.isEmpty()) {
            return find("index.html");
        }
        return requestPath.startsWith("/ui/") ? find(requestPath.substring("/ui/".length())) : null;
    }

    /** True when the browser already holds {@code file} in the version it names in {@code If-None-Match}. */
    public static boolean notModified(@Variable("file") PageFile file, @Header("If-None-Match") String ifNoneMatch) {
        return file != null && file.notModifiedFor(ifNoneMatch);
    }

    private Optional<PageFile> read(String resource, String contentType) {
        try (InputStream in = classLoader.getResourceAsStream(resource)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] content = in.readAllBytes();
            return Optional.of(new PageFile(content, contentType, etag(content)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource + " from the jar", e);
        }
    }

    private static String etag(byte[] content) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String webJarVersion(ClassLoader classLoader) {
        try (InputStream in = classLoader.getResourceAsStream(UPLOT_POM)) {
            if (in == null) {
                throw new IllegalStateException("the uPlot WebJar is not on the classpath (" + UPLOT_POM + ")");
            }
            Properties pom = new Properties();
            pom.load(in);
            return pom.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
