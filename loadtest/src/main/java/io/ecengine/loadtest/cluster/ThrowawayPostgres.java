package io.ecengine.loadtest.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server of its own for the database outage scenario, so that it can really be stopped
 * and started without touching the machine's shared server: {@code initdb} into a temporary
 * directory, {@code pg_ctl start} on a free port of 127.0.0.1, {@code pg_ctl stop -m immediate}
 * (the server's processes are killed, as in a crash; it recovers from its WAL on the next start).
 * The binaries come from {@code EC_PG_BIN}, {@code /usr/lib/postgresql/<version>/bin} or the PATH.
 * PostgreSQL refuses to run as root, so when this JVM runs as root (as CI does) every command runs
 * as the {@code postgres} OS user through {@code runuser}.
 */
public final class ThrowawayPostgres implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ThrowawayPostgres.class);

  private final Path bin;
  private final Path dir;
  private final int port;
  private final boolean asPostgresUser;

  private ThrowawayPostgres(Path bin, Path dir, int port, boolean asPostgresUser) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.asPostgresUser = asPostgresUser;
  }

  /** Where initdb and pg_ctl are, if this machine has them. */
  public static Optional<Path> binaries() {
    String configured = System.getenv("EC_PG_BIN");
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured)).filter(ThrowawayPostgres::hasServer);
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        Optional<Path> newest =
            versions
                .map(v -> v.resolve("bin"))
                .filter(ThrowawayPostgres::hasServer)
                .max(Comparator.comparing(ThrowawayPostgres::majorVersion));
        if (newest.isPresent()) {
          return newest;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String entry : path.split(java.io.File.pathSeparator)) {
      if (!entry.isBlank() && hasServer(Path.of(entry))) {
        return Optional.of(Path.of(entry));
      }
    }
    return Optional.empty();
  }

  private static boolean hasServer(Path bin) {
    return Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl"));
  }

  private static int majorVersion(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Creates the cluster directory and starts the server; fails when there are no binaries. */
  public static ThrowawayPostgres start() {
    Path bin =
        binaries()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "No PostgreSQL server binaries (initdb, pg_ctl) found; set EC_PG_BIN"));
    boolean root = "root".equals(System.getProperty("user.name"));
    try {
      Path dir = Files.createTempDirectory("ec-pg-");
      ThrowawayPostgres server = new ThrowawayPostgres(bin, dir, freePort(), root);
      if (root) {
        server.run(List.of("chown", "postgres:postgres", dir.toString()), false);
      }
      server.run(
          List.of(
              bin.resolve("initdb").toString(),
              "-D",
              server.data().toString(),
              "-U",
              "postgres",
              "--auth=trust",
              "--encoding=UTF8",
              "--no-sync"),
          true);
      server.startServer();
      log.info("Throwaway PostgreSQL ({}) on port {} in {}", bin, server.port, dir);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return port;
  }

  /** JDBC URL of the server's {@code postgres} database (user {@code postgres}, no password). */
  public String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  private Path data() {
    return dir.resolve("data");
  }

  /** Starts the server and waits until it accepts connections. */
  public void startServer() {
    run(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            data().toString(),
            "-l",
            dir.resolve("server.log").toString(),
            "-w",
            "-t",
            "60",
            "-o",
            "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c max_connections=100",
            "start"),
        true);
  }

  /** Stops the server the hard way: its processes are killed, clients are cut off at once. */
  public void stopServer() {
    run(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            data().toString(),
            "-m",
            "immediate",
            "-w",
            "stop"),
        true);
  }

  /** Stops the server if it runs and deletes its directory. */
  @Override
  public void close() {
    try {
      run(
          List.of(
              bin.resolve("pg_ctl").toString(),
              "-D",
              data().toString(),
              "-m",
              "fast",
              "-w",
              "stop"),
          true);
    } catch (RuntimeException alreadyStopped) {
      log.debug("pg_ctl stop: {}", alreadyStopped.getMessage());
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      log.warn("Could not delete {}: {}", dir, e.toString());
    }
  }

  private void run(List<String> command, boolean asServerUser) {
    List<String> full = new ArrayList<>();
    if (asServerUser && asPostgresUser) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    try {
      Process process =
          new ProcessBuilder(full).redirectErrorStream(true).directory(dir.toFile()).start();
      // pg_ctl start leaves the server running with its output in the log file, not here.
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", full) + " failed: " + new String(output, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
