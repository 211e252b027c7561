package io.sfpulse.schemas.registry;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Chooses and shares registry clients by URL: {@code mock://scope} or http(s) URLs. */
public final class SchemaRegistryClients {

    private static final Map<String, SchemaRegistryClient> SHARED = new ConcurrentHashMap<>();

    private SchemaRegistryClients() {}

    /** A client for the comma-separated {@code urls}; REST clients are shared per (urls, credentials). */
    public static SchemaRegistryClient forUrls(final String urls, final String userInfo) {
        final List<String> list =
                Arrays.stream(urls.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (list.isEmpty()) {
            throw new IllegalArgumentException("schema.registry.url is empty");
        }
        if (list.get(0).startsWith("mock://")) {
            return MockSchemaRegistryClient.forScope(list.get(0).substring("mock://".length()));
        }
        return SHARED.computeIfAbsent(
                urls + "|" + (userInfo == null ? "" : userInfo),
                k -> new RestSchemaRegistryClient(list, userInfo));
    }
}
