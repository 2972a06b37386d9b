package dev.tickerlake.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP basic authentication of the admin API's mutating calls. Users come from {@code tickerlake.admin.users}
 * ({@code name:password,...}, e.g. from an environment variable) and/or a file of {@code name:password} lines
 * ({@code tickerlake.admin.users-file}, e.g. a mounted secret). Only the embedded dev mode has a default user.
 */
public final class AdminAuth {

    private static final Logger LOG = LoggerFactory.getLogger(AdminAuth.class);

    private final Map<String, byte[]> users = new LinkedHashMap<>();
    private final boolean devDefault;

    public AdminAuth(String users, String usersFile, boolean embeddedDevMode) throws IOException {
        parse(List.of(users.split(",")));
        if (usersFile != null && !usersFile.isBlank()) {
            parse(Files.readAllLines(Path.of(usersFile.trim()), StandardCharsets.UTF_8));
        }
        devDefault = this.users.isEmpty() && embeddedDevMode;
        if (devDefault) {
            // Said in one line where the API is bound to loopback for it (TickerlakeConfiguration).
            this.users.put("admin", "admin".getBytes(StandardCharsets.UTF_8));
        } else if (this.users.isEmpty()) {
            LOG.warn("Admin API: no users configured (tickerlake.admin.users or tickerlake.admin.users-file); "
                    + "mutating calls are refused");
        }
    }

    /**
     * The YAML bean's builder ({@code routes/admin-api.camel.yaml}): Camel hands a property's value to a setter as it
     * is, while a constructor argument holding a double quote (a generated password may) fails to parse.
     */
    public static final class FromProperties {
        private String users = "";
        private String usersFile = "";
        private boolean embeddedDevMode;

        public void setUsers(String users) {
            this.users = users == null ? "" : users;
        }

        public void setUsersFile(String usersFile) {
            this.usersFile = usersFile;
        }

        public void setEmbeddedDevMode(boolean embeddedDevMode) {
            this.embeddedDevMode = embeddedDevMode;
        }

        public AdminAuth build() throws IOException {
            return new AdminAuth(users, usersFile, embeddedDevMode);
        }
    }

    /** Whether the dev mode's default user admin/admin is in force (no users configured, embedded servers). */
    public boolean devDefault() {
        return devDefault;
    }

    private void parse(List<String> lines) {
        for (String line : lines) {
            String entry = line.trim();
            int colon = entry.indexOf(':');
            if (entry.isEmpty() || entry.startsWith("#") || colon < 1) {
                continue;
            }
            users.put(entry.substring(0, colon), entry.substring(colon + 1).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Passes when {@code authorization} is valid basic credentials of a configured user; else a 401. */
    public void check(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw unauthorized("this call needs HTTP basic authentication");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw unauthorized("malformed basic credentials");
        }
        int colon = decoded.indexOf(':');
        byte[] expected = colon < 1 ? null : users.get(decoded.substring(0, colon));
        byte[] given = colon < 1 ? new byte[0] : decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
        if (expected == null || !MessageDigest.isEqual(expected, given)) {
            throw unauthorized("unknown user or wrong password");
        }
    }

    private static ApiException unauthorized(String detail) {
        return new ApiException(401, "unauthorized", detail);
    }
}
