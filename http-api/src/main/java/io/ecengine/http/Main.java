package io.ecengine.http;

import com.typesafe.config.ConfigFactory;

/** Starts one engine node with the packaged configuration and environment overrides. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    commonPoolWithThreads();
    Server.start(ConfigFactory.empty());
  }

  /**
   * Pekko hands out CompletionStages whose plain callbacks (thenApply...) run on the JVM's common
   * ForkJoinPool. On a machine with fewer than three cores that pool has parallelism 1, and then
   * the JDK starts a new thread for every callback, which costs more than the request itself. This
   * must run before anything touches the common pool.
   */
  public static void commonPoolWithThreads() {
    String key = "java.util.concurrent.ForkJoinPool.common.parallelism";
    if (System.getProperty(key) == null) {
      System.setProperty(
          key, Integer.toString(Math.max(8, Runtime.getRuntime().availableProcessors())));
    }
  }
}
