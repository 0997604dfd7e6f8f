package io.ecengine.http.api;

/** Who is calling, as established from the bearer key. */
public sealed interface Principal {

  /** The operator of the engine, who manages tenants. */
  record Admin() implements Principal {}

  /** One merchant; sees only its own data. */
  record Tenant(String tenantId) implements Principal {}

  /** No or an unknown key; only public routes answer. */
  record Anonymous() implements Principal {}
}
