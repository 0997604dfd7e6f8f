package io.ecengine.loadtest.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One engine node as a separate JVM ({@code java -cp <classpath> io.ecengine.http.Main}), with its
 * output in a log file, and the signals the fault scenarios send it: SIGKILL, SIGTERM, SIGSTOP and
 * SIGCONT.
 */
public final class NodeProcess {

  private final String name;
  private final int httpPort;
  private final int remotePort;
  private final Path log;
  private final Process process;

  private NodeProcess(String name, int httpPort, int remotePort, Path log, Process process) {
    this.name = name;
    this.httpPort = httpPort;
    this.remotePort = remotePort;
    this.log = log;
    this.process = process;
  }

  /**
   * Starts {@code io.ecengine.http.Main} on {@code classpath} with {@code env} added to this
   * process's environment; output is appended to {@code log}.
   */
  static NodeProcess start(
      String name,
      int httpPort,
      int remotePort,
      String classpath,
      List<String> jvmOptions,
      Map<String, String> env,
      Path log) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classpath);
    command.add("io.ecengine.http.Main");
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      return new NodeProcess(name, httpPort, remotePort, log, builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start " + name, e);
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public int httpPort() {
    return httpPort;
  }

  public int remotePort() {
    return remotePort;
  }

  public URI base() {
    return URI.create("http://127.0.0.1:" + httpPort);
  }

  /** The cluster address of this node. */
  public String address() {
    return "pekko://ec-engine@127.0.0.1:" + remotePort;
  }

  public Path log() {
    return log;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** kill -9: the JVM gets no chance to do anything. */
  public void kill() {
    process.destroyForcibly();
  }

  /** SIGTERM: the JVM runs its coordinated shutdown. */
  public void terminate() {
    process.destroy();
  }

  /** SIGSTOP: every thread stands still until {@link #resume()}. */
  public void freeze() {
    signal("STOP");
  }

  /** SIGCONT. */
  public void resume() {
    signal("CONT");
  }

  private void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Waits for the process to end; true when it did within {@code timeout}. */
  public boolean awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public int exitValue() {
    return process.exitValue();
  }

  /** The log so far. */
  public List<String> logLines() {
    try {
      return Files.readAllLines(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + pid() + ", http " + httpPort + ", remoting " + remotePort + ")";
  }
}
