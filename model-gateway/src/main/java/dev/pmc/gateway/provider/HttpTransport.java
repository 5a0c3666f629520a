package dev.pmc.gateway.provider;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * POSTs JSON over the Vert.x HTTP client (non-blocking, pooled keep-alive connections on the event loop).
 * One transport per target, pool size = the target's in-flight cap. Timeouts fail the call with
 * {@link ProviderException.Kind#TIMEOUT}; connection failures with CONNECT.
 */
public final class HttpTransport {
    /** Status, header lookup (case-insensitive) and body of a response. */
    public record Reply(int status, Function<String, String> header, String body) {
    }

    private final HttpClient client;
    /** Calls are made on this event-loop context: from a foreign thread the response could arrive before its body handler is set. */
    private final io.vertx.core.Context context;

    public HttpTransport(Vertx vertx, int poolSize) {
        this.client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(Math.max(1, poolSize)).setKeepAlive(true)
                .setConnectTimeout(5000).setPipelining(false));
        this.context = vertx.getOrCreateContext();
    }

    public CompletableFuture<Reply> post(URI uri, Map<String, String> headers, byte[] body, long timeoutMs) {
        boolean tls = "https".equals(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(uri.getHost()).setPort(port).setSsl(tls)
                .setURI(path).setTimeout(timeoutMs);
        headers.forEach(options::putHeader);
        options.putHeader("Content-Type", "application/json");
        CompletableFuture<Reply> out = new CompletableFuture<>();
        context.runOnContext(v -> client.request(options)
                .compose(req -> req.send(Buffer.buffer(body)).compose(resp -> resp.body()
                        .map(b -> new Reply(resp.statusCode(), resp.headers()::get, b.toString()))))
                .onSuccess(out::complete)
                .onFailure(err -> out.completeExceptionally(classify(err))));
        // a deadline of our own too, so no call can hang whatever happens to its connection
        return out.orTimeout(timeoutMs + 2000, java.util.concurrent.TimeUnit.MILLISECONDS)
                .exceptionallyCompose(err -> CompletableFuture.failedFuture(
                        err instanceof java.util.concurrent.TimeoutException ? classify(err) : err));
    }

    static ProviderException classify(Throwable err) {
        String name = err.getClass().getSimpleName();
        String msg = String.valueOf(err.getMessage());
        if (name.contains("Timeout") || msg.contains("timeout period")) {
            return new ProviderException(ProviderException.Kind.TIMEOUT, 0, "timeout", null);
        }
        if (err instanceof java.net.ConnectException || name.contains("Connect")) {
            return new ProviderException(ProviderException.Kind.CONNECT, 0, "cannot connect", null);
        }
        return new ProviderException(ProviderException.Kind.CONNECT, 0, name, null);
    }

    public void close() {
        client.close();
    }
}
