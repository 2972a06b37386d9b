package dev.tickerlake.testing;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The addresses this machine's listening TCP sockets on a port are bound to, read from the kernel's socket tables
 * ({@code /proc/net/tcp}, {@code /proc/net/tcp6}): where a server really listens, without sending it anything.
 */
public final class ListeningSockets {

    private static final String LISTEN = "0A";

    private ListeningSockets() {
    }

    /**
     * E.g. {@code ["127.0.0.1"]} or {@code ["0.0.0.0"]}; IPv6 addresses as {@code "::"} or {@code "::1"}, an IPv4 address
     * on an IPv6 socket ({@code ::ffff:127.0.0.1}) as the IPv4 address.
     */
    public static List<String> addresses(int port) throws IOException {
        List<String> addresses = new ArrayList<>();
        String hexPort = String.format(Locale.ROOT, "%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.isReadable(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file)) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length < 4 || !LISTEN.equals(fields[3]) || !fields[1].endsWith(":" + hexPort)) {
                    continue;
                }
                addresses.add(address(fields[1].substring(0, fields[1].indexOf(':'))));
            }
        }
        return addresses;
    }

    /**
     * Every TCP socket a process listens on, as {@code address:port} (e.g. {@code 127.0.0.1:8081}): its socket file
     * descriptors ({@code /proc/<pid>/fd}) matched by inode against the socket tables of its network namespace.
     */
    public static List<String> ofProcess(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", String.valueOf(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException closed) {
                    // the descriptor was closed meanwhile
                }
            }
        }
        List<String> sockets = new ArrayList<>();
        for (String table : List.of("tcp", "tcp6")) {
            Path file = Path.of("/proc", String.valueOf(pid), "net", table);
            if (!Files.isReadable(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file)) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length < 10 || !LISTEN.equals(fields[3]) || !inodes.contains(fields[9])) {
                    continue;
                }
                int colon = fields[1].indexOf(':');
                sockets.add(address(fields[1].substring(0, colon)) + ":"
                        + Integer.parseInt(fields[1].substring(colon + 1), 16));
            }
        }
        return sockets;
    }

    /** The kernel writes addresses as 32-bit words in host (little-endian) byte order. */
    private static String address(String hex) {
        if (hex.length() == 8) {
            return Integer.parseInt(hex.substring(6, 8), 16) + "." + Integer.parseInt(hex.substring(4, 6), 16) + "."
                    + Integer.parseInt(hex.substring(2, 4), 16) + "." + Integer.parseInt(hex.substring(0, 2), 16);
        }
        if (hex.equals("00000000000000000000000000000000")) {
            return "::";
        }
        if (hex.equals("00000000000000000000000001000000")) {
            return "::1";
        }
        if (hex.startsWith("0000000000000000FFFF0000")) {
            return address(hex.substring(24));
        }
        return hex;
    }
}
