package io.ecengine.http.api;

/** Thrown by handlers to answer with a problem; never logged as an error. */
public final class ApiException extends RuntimeException {

  private final transient Problem problem;

  public ApiException(Problem problem) {
    super(problem.detail(), null, false, false);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
