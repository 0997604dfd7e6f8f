package io.ecengine.http.routes;

import io.ecengine.http.api.Access;
import io.ecengine.http.api.ApiException;
import io.ecengine.http.api.Call;
import io.ecengine.http.api.Endpoint;
import io.ecengine.http.api.Problem;
import io.ecengine.http.api.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The operations console's static files: the page at {@code /} and its scripts, styles and icon
 * under {@code /console/}. They need no key (the page asks for one and sends it with every API
 * call). Every file goes out with a strict Content-Security-Policy (scripts, styles and fetches
 * from this origin only, nothing inline, no framing) and an ETag, and is revalidated on each use,
 * so a new engine version is picked up at once without stale scripts.
 */
public final class ConsoleAssets {

  /** Flat names only: no path can leave the console folder. */
  private static final Pattern ASSET = Pattern.compile("[a-z0-9][a-z0-9-]{0,60}\\.(js|css|svg)");

  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src"
          + " 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml");

  private record Asset(byte[] bytes, String contentType, String etag) {}

  private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

  public List<Endpoint> endpoints() {
    return List.of(
        new Endpoint("GET", "/", Access.PUBLIC, call -> serve(call, "index.html")),
        new Endpoint(
            "GET",
            "/console/{asset}",
            Access.PUBLIC,
            call -> {
              String name = call.param("asset");
              if (!ASSET.matcher(name).matches()) {
                throw notFound();
              }
              return serve(call, name);
            }));
  }

  private CompletionStage<Reply> serve(Call call, String name) {
    Asset asset =
        cache.computeIfAbsent(name, ConsoleAssets::load).orElseThrow(ConsoleAssets::notFound);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("Referrer-Policy", "no-referrer");
    headers.put("X-Frame-Options", "DENY");
    headers.put("Cross-Origin-Opener-Policy", "same-origin");
    headers.put("Cache-Control", "no-cache");
    headers.put("ETag", asset.etag());
    boolean unchanged =
        call.header("If-None-Match")
            .map(
                tags ->
                    List.of(tags.split(",")).stream()
                        .map(String::trim)
                        .anyMatch(asset.etag()::equals))
            .orElse(false);
    Reply reply =
        unchanged
            ? new Reply(304, null, null, headers)
            : Reply.bytes(200, asset.bytes(), asset.contentType(), headers);
    return CompletableFuture.completedFuture(reply);
  }

  private static Optional<Asset> load(String name) {
    try (InputStream in = ConsoleAssets.class.getResourceAsStream("/console/" + name)) {
      if (in == null) {
        return Optional.empty();
      }
      byte[] bytes = in.readAllBytes();
      String extension = name.substring(name.lastIndexOf('.') + 1);
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      String etag = "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
      return Optional.of(new Asset(bytes, TYPES.get(extension), etag));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ApiException notFound() {
    return new ApiException(Problem.notFound("route-not-found", "No such console file."));
  }
}
