package dev.tickerlake.support;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where an S3 server is and how to sign requests to it: the one source of the {@code s3.*} options of the sync job's
 * catalog, its Flink cluster's S3 filesystem and the lake's catalog. {@link #toString()} never shows the secret key.
 */
public record S3Settings(String endpoint, String accessKey, String secretKey, boolean pathStyleAccess, String region) {

    /** Option keys that carry credentials, or file-system settings that may: never shown, never table options. */
    private static final Pattern SECRET_OR_FILE_SYSTEM = Pattern.compile(
            "(?i)(^(s3|s3a|fs|oss|hadoop)\\.)|secret|password|passwd|token|credential|access[-._]?key|session");

    public S3Settings {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
        region = region == null || region.isBlank() ? null : region;
    }

    /** Path-style access, no region: what the embedded S3 server and MinIO expect. */
    public static S3Settings pathStyle(String endpoint, String accessKey, String secretKey) {
        return new S3Settings(endpoint, accessKey, secretKey, true, null);
    }

    /** The {@code s3.*} options Paimon's S3 file IO and Flink's S3 filesystem read (the region only when set). */
    public Map<String, String> options() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("s3.endpoint", endpoint);
        options.put("s3.access-key", accessKey);
        options.put("s3.secret-key", secretKey);
        options.put("s3.path.style.access", String.valueOf(pathStyleAccess));
        if (region != null) {
            options.put("s3.endpoint.region", region);
        }
        return options;
    }

    /** Whether an option key names a credential or a file-system setting that may carry one. */
    public static boolean isSecretOrFileSystemOption(String key) {
        return SECRET_OR_FILE_SYSTEM.matcher(key).find();
    }

    @Override
    public String toString() {
        return "S3Settings[endpoint=" + endpoint + ", accessKey=" + accessKey + ", secretKey=****, pathStyleAccess="
                + pathStyleAccess + ", region=" + region + "]";
    }
}
