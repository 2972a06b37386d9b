package dev.tickerlake.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The files and directories under a root, by relative path ({@code /} separated, directories ending in {@code /}),
 * with each file's size and modification time: taken before and after a fault, {@link #changes} lists what appeared,
 * disappeared or changed. Directory mtimes are left out (they move with their entries, which are compared instead).
 * Subtrees that {@code skip} names are not read at all (e.g. a build's own output).
 */
record FileTree(Path root, Map<String, String> entries) {

    static FileTree of(Path root, Predicate<String> skip) {
        Map<String, String> entries = new TreeMap<>();
        if (!Files.exists(root)) {
            return new FileTree(root, entries);
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    String name = relative(dir) + "/";
                    if (!dir.equals(root) && skip.test(name)) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    entries.put(name, "dir");
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    String name = relative(file);
                    if (!skip.test(name)) {
                        entries.put(name, attrs.size() + " bytes, modified " + attrs.lastModifiedTime());
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    // A file the running pipeline removed while the tree was read (Kafka segments, Flink's temp files).
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw new UncheckedIOException(e);
                }

                private String relative(Path path) {
                    return root.relativize(path).toString().replace('\\', '/');
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new FileTree(root, entries);
    }

    /** What differs from {@code before}: {@code + path}, {@code - path}, {@code ~ path (was -> now)}, sorted. */
    List<String> changes(FileTree before) {
        List<String> changes = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(before.entries.keySet());
        names.addAll(entries.keySet());
        for (String name : names) {
            String was = before.entries.get(name);
            String now = entries.get(name);
            if (was == null) {
                changes.add("+ " + name);
            } else if (now == null) {
                changes.add("- " + name);
            } else if (!was.equals(now)) {
                changes.add("~ " + name + " (" + was + " -> " + now + ")");
            }
        }
        return changes;
    }

    /** The path of a change line ({@code + a/b} -> {@code a/b}). */
    static String path(String change) {
        String rest = change.substring(2);
        int detail = rest.indexOf(" (");
        return detail < 0 ? rest : rest.substring(0, detail);
    }
}
