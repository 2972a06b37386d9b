package dev.tickerlake.support;

import java.util.Objects;

/**
 * Where an S3 server is and how to sign requests to it; shared by Paimon's file IO and Flink's S3 filesystem.
 * {@link #toString()} never shows the secret key.
 */
public record S3Settings(String endpoint, String accessKey, String secretKey, boolean pathStyleAccess, String region) {

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

    @Override
    public String toString() {
        return "S3Settings[endpoint=" + endpoint + ", accessKey=" + accessKey + ", secretKey=****, pathStyleAccess="
                + pathStyleAccess + ", region=" + region + "]";
    }
}
