package io.ecengine.http.api;

/** Who may call an endpoint. */
public enum Access {
  PUBLIC,
  ADMIN,
  TENANT
}
