package io.ecengine.http.api;

/** Who may call an endpoint. */
public enum Access {
  PUBLIC,
  /**
   * Marketplaces delivering webhooks: no bearer key (the handler verifies the marketplace's
   * signature over the raw body) and the request headers are passed on.
   */
  WEBHOOK,
  ADMIN,
  TENANT
}
