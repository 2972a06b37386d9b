package dev.tickerlake.admin;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Which request paths the page route answers with which file, and what the browser may keep. */
class PageFilesTest {

    @TempDir
    static Path jar;

    private static PageFiles files() throws Exception {
        Files.createDirectories(jar.resolve("page/js"));
        Files.writeString(jar.resolve("page/index.html"), "<!doctype html><title>t</title>");
        Files.writeString(jar.resolve("page/js/main.js"), "export const x = 1;");
        Files.writeString(jar.resolve("page/notes.txt"), "not a page file type");
        Files.writeString(jar.resolve("secret.js"), "outside page/");
        // The uPlot WebJar is on the test classpath: the parent loader finds it.
        return new PageFiles(new URLClassLoader(new URL[] {jar.toUri().toURL()}, PageFilesTest.class.getClassLoader()));
    }

    @Test
    void theRootIsThePageAndUiPathsAreItsFilesOrUplot() throws Exception {
        PageFiles files = files();
        PageFiles.PageFile index = files.forRequest("/");
        assertThat(new String(index.content(), StandardCharsets.UTF_8)).startsWith("<!doctype html>");
        assertThat(index.contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(files.forRequest("/ui/js/main.js").contentType()).isEqualTo("text/javascript; charset=utf-8");
        PageFiles.PageFile uplot = files.forRequest("/ui/lib/uplot/uPlot.esm.js");
        assertThat(new String(uplot.content(), StandardCharsets.UTF_8)).contains("export { uPlot as default }");
        assertThat(files.forRequest("/ui/lib/uplot/uPlot.min.css").contentType()).startsWith("text/css");
    }

    @Test
    void nothingOutsideThePageFolderTheWebJarsDistOrThePagesFileTypes() throws Exception {
        PageFiles files = files();
        assertThat(files.forRequest("/ui/notes.txt")).isNull();
        assertThat(files.forRequest("/ui/../secret.js")).isNull();
        assertThat(files.forRequest("/ui/js/../../secret.js")).isNull();
        assertThat(files.forRequest("/ui/%2e%2e/secret.js")).isNull();
        assertThat(files.forRequest("/ui/.hidden.js")).isNull();
        assertThat(files.forRequest("/ui//js/main.js")).isNull();
        assertThat(files.forRequest("/ui/lib/uplot/../package.json")).isNull();
        assertThat(files.forRequest("/ui/nope.js")).isNull();
        assertThat(files.forRequest("/secret.js")).isNull();
        assertThat(files.forRequest("/ui/")).isNull();
    }

    @Test
    void theEtagNamesTheContentAndAMatchingIfNoneMatchIsEnough() throws Exception {
        PageFiles files = files();
        PageFiles.PageFile main = files.forRequest("/ui/js/main.js");
        assertThat(main.etag()).matches("\"[0-9a-f]{24}\"").isNotEqualTo(files.forRequest("/").etag());
        assertThat(PageFiles.notModified(main, main.etag())).isTrue();
        assertThat(PageFiles.notModified(main, "\"other\", " + main.etag())).isTrue();
        assertThat(PageFiles.notModified(main, "W/" + main.etag())).isTrue();
        assertThat(PageFiles.notModified(main, "\"other\"")).isFalse();
        assertThat(PageFiles.notModified(main, null)).isFalse();
        assertThat(PageFiles.notModified(null, "*")).isFalse();
    }
}
