package dev.edgetwin.runtime.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/** Talks to the running daemon's admin API ({@code runtime.admin.AdminServer}). */
final class AdminClient {
    static final int DEFAULT_PORT = 8787;

    @Option(
            names = "--admin-port",
            defaultValue = "8787",
            description =
                    "The running daemon's admin API port on 127.0.0.1. Default: ${DEFAULT-VALUE}.")
    int port = DEFAULT_PORT;

    /** A reply: the HTTP status and the JSON body. */
    record Reply(int status, String body) {}

    /** GET or POST {@code path} with {@code query}; empty when no daemon answers. */
    Optional<Reply> call(String method, String path, Map<String, String> query)
            throws IOException, InterruptedException {
        String q =
                query.entrySet().stream()
                        .map(
                                e ->
                                        URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                                                + "="
                                                + URLEncoder.encode(
                                                        e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"));
        URI uri = URI.create("http://127.0.0.1:" + port + path + (q.isEmpty() ? "" : "?" + q));
        HttpRequest request =
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(150))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build();
        try {
            HttpResponse<String> r =
                    HttpClient.newBuilder()
                            .connectTimeout(Duration.ofSeconds(2))
                            .build()
                            .send(request, HttpResponse.BodyHandlers.ofString());
            return Optional.of(new Reply(r.statusCode(), r.body()));
        } catch (ConnectException e) {
            return Optional.empty();
        }
    }
}
