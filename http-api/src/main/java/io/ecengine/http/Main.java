package io.ecengine.http;

import com.typesafe.config.ConfigFactory;

/** Starts one engine node with the packaged configuration and environment overrides. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    Server.start(ConfigFactory.empty());
  }
}
