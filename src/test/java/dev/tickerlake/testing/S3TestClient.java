package dev.tickerlake.testing;

import java.net.URI;
import java.util.List;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;

/** An S3 client independent of tickerlake's routes, to check what landed on an S3 server. */
public final class S3TestClient implements AutoCloseable {

    private final S3Client client;

    public S3TestClient(String endpoint, String accessKey, String secretKey) {
        this.client = S3Client.builder()
                .endpointOverride(URI.create(endpoint))
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .build();
    }

    public List<String> buckets() {
        return client.listBuckets().buckets().stream().map(Bucket::name).toList();
    }

    public void createBucket(String bucket) {
        client.createBucket(b -> b.bucket(bucket));
    }

    public void put(String bucket, String key, String content) {
        client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(content));
    }

    public String get(String bucket, String key) {
        return client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
    }

    @Override
    public void close() {
        client.close();
    }
}
