package dev.tickerlake.sync;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import dev.tickerlake.support.S3Settings;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.plugin.DefaultPluginManager;
import org.apache.flink.core.plugin.DirectoryBasedPluginFinder;

/**
 * Flink's {@code s3://} file system in this JVM: for the MiniCluster's checkpoints and savepoints, and in both modes for
 * finding the restore point (a retained checkpoint's {@code _metadata}) before a start.
 */
final class FlinkS3Plugin {

    /** Where the build puts Flink's S3 plugin jar among the classpath resources (see the pom). */
    static final String S3_PLUGIN_RESOURCE = "flink-plugins/s3-fs-hadoop/flink-s3-fs-hadoop.jar";

    private FlinkS3Plugin() {
    }

    /**
     * Flink's S3 filesystem must be a plugin (its own class loader): on the main classpath its unrelocated Jackson
     * breaks the Kafka broker. The jar ships as a classpath resource and is unpacked under the local directory.
     * Flink's file systems are JVM-wide, so the last cluster started decides the S3 settings of {@code s3://}.
     */
    static void initialize(S3Settings s3, Path localDir) throws IOException {
        Path pluginsRoot = localDir.resolve("flink-plugins");
        Path pluginJar = pluginsRoot.resolve("s3-fs-hadoop").resolve("flink-s3-fs-hadoop.jar");
        unpackPlugin(pluginJar);
        // The plugin's AWS SDK v1 otherwise prints a multi-line deprecation notice with a stack trace to stderr.
        if (System.getProperty("aws.java.v1.disableDeprecationAnnouncement") == null) {
            System.setProperty("aws.java.v1.disableDeprecationAnnouncement", "true");
        }
        Configuration conf = new Configuration();
        s3.options().forEach(conf::setString);
        // PluginUtils.createPluginManagerFromRootFolder reads the root only from the FLINK_PLUGINS_DIR environment
        // variable, which a running JVM cannot set; the same manager is built here from an explicit root.
        DefaultPluginManager plugins = new DefaultPluginManager(
                new DirectoryBasedPluginFinder(pluginsRoot).findPlugins(),
                CoreOptions.getPluginParentFirstLoaderPatterns(conf));
        FileSystem.initialize(conf, plugins);
    }

    private static void unpackPlugin(Path target) throws IOException {
        ClassLoader loader = FlinkS3Plugin.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(S3_PLUGIN_RESOURCE)) {
            if (in == null) {
                throw new IOException("Flink's S3 plugin is missing from the classpath (" + S3_PLUGIN_RESOURCE
                        + "); the build copies it there at process-resources");
            }
            Files.createDirectories(target.getParent());
            Path partial = target.resolveSibling(target.getFileName() + ".partial");
            long size = Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            if (Files.exists(target) && Files.size(target) == size) {
                Files.delete(partial);
            } else {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }
}
