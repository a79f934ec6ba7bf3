package io.wharf.container;

/**
 * Event-bus addresses of the container manager. Each instance listens on its own
 * addresses, so a clustered event bus can reach the container manager of a chosen instance.
 *
 * <ul>
 *   <li>{@code wharf.containers.<instance>.launch}: body {@link LaunchSpec#toJson()}; reply
 *       {@link ContainerInfo#toJson()} once the notebook answers its readiness probe.</li>
 *   <li>{@code wharf.containers.<instance>.stop}: body {@code {"id": "<container id>"}}; reply
 *       {@code {}} once the container is stopped and removed (also when it was already gone).</li>
 *   <li>{@code wharf.containers.<instance>.list}: body {@code {}}; reply
 *       {@code {"containers": [ContainerInfo…]}}, the Wharf-labelled containers of that instance.</li>
 *   <li>{@code wharf.containers.<instance>.homes}: body {@code {}}; reply {@code {"homes": [HomeVolume…]}}, the
 *       home volumes on that instance's engine.</li>
 *   <li>{@code wharf.containers.<instance>.remove-homes}: body {@code {"account": "<id>"}}; reply
 *       {@code {"removed": [names]}} once no home volume of that account is left on the engine; a volume
 *       still in use fails the request (DOCKER_ERROR) after the others were removed.</li>
 * </ul>
 *
 * Failures come back as {@link io.vertx.core.eventbus.ReplyException} with a failure code from
 * {@link FailureCodes} and a message fit to show a user.
 */
public final class ContainerAddresses {

  private ContainerAddresses() {
  }

  public static String launch(String instance) {
    return "wharf.containers." + instance + ".launch";
  }

  public static String stop(String instance) {
    return "wharf.containers." + instance + ".stop";
  }

  public static String list(String instance) {
    return "wharf.containers." + instance + ".list";
  }

  public static String homes(String instance) {
    return "wharf.containers." + instance + ".homes";
  }

  public static String removeHomes(String instance) {
    return "wharf.containers." + instance + ".remove-homes";
  }

  /** Docker health of an instance: reply {@code {"docker": true, "version": "..."}}, or DOCKER_UNAVAILABLE. */
  public static String ping(String instance) {
    return "wharf.containers." + instance + ".ping";
  }

  /** Starts a function container: body {@link FunctionLaunchSpec#toJson()}; reply {@link ContainerInfo#toJson()} once it is ready. */
  public static String launchFunction(String instance) {
    return "wharf.containers." + instance + ".launch-function";
  }

  /**
   * Starts a generic function container for the warm pool (its runtime loads nothing until claimed): body {@code {}};
   * reply {@link ContainerInfo#toJson()} (no user) once its runtime answers.
   */
  public static String launchWarmFunction(String instance) {
    return "wharf.containers." + instance + ".launch-warm-function";
  }

  /**
   * Claims a warm container for a function: body {@code {"id"}} and {@link FunctionLaunchSpec#toJson()}; reply
   * {@link ContainerInfo#toJson()} once its runtime loaded the snapshot. A failed load removes the container.
   */
  public static String claimWarmFunction(String instance) {
    return "wharf.containers." + instance + ".claim-warm-function";
  }

  /**
   * The last lines of a function's containers' output on an instance: body {@code {"owner", "function", "lines"}};
   * reply {@code {"containers": [{"id", "lines": [...]}]}}, bounded (see {@link FunctionContainers#logs}).
   */
  public static String functionLogs(String instance) {
    return "wharf.containers." + instance + ".function-logs";
  }

  /**
   * The function containers an earlier run of this instance left running, which the container manager keeps at its start for
   * the functions role (their runtimes may hold the answers of async calls the killed run had sent them): body {@code {}};
   * reply {@code {"containers": [ContainerInfo…]}} (the function's name in {@code server}), handed over once: the asker
   * removes them (with {@code stop}) when no call needs them. Those not asked for within 10 minutes of the start are removed.
   */
  public static String functionLeftovers(String instance) {
    return "wharf.containers." + instance + ".function-leftovers";
  }

  /** Snapshots a folder of a home: body {@code {"user", "account", "path"}}; reply {@code {"version": "<sha256>"}}. */
  public static String snapshot(String instance) {
    return "wharf.containers." + instance + ".snapshot";
  }

  /**
   * Load of an instance: reply {@code {"instance", "running", "memoryReserved", "maxContainers", "maxMemory", "releasable",
   * "releasableMemory"}}; with notebooks first, unclaimed warm-pool containers are counted in {@code releasable}, not
   * {@code running}.
   */
  public static String load(String instance) {
    return "wharf.containers." + instance + ".load";
  }

  /**
   * Published when the instance's Docker event stream ends ({@code {"up": false}}: the engine
   * stopped or went away) or is back ({@code {"up": true}}), so that the instance reports its
   * engine's state at once instead of at its next periodic check.
   */
  public static String engine(String instance) {
    return "wharf.containers." + instance + ".engine";
  }

  /**
   * Published (to every instance) when a Wharf container dies:
   * {@code {"id", "user", "server", "instance", "event": "die"|"oom", "exitCode", "oomKilled", "reason"}}.
   */
  public static String events() {
    return "wharf.containers.events";
  }

  /**
   * Published (to every instance) when a function container dies unasked:
   * {@code {"id", "instance", "owner", "function"}}.
   */
  public static String functionEvents() {
    return "wharf.containers.function-events";
  }

  /** Failure codes carried by {@link io.vertx.core.eventbus.ReplyException#failureCode()}. */
  public static final class FailureCodes {
    /** The request was malformed, or the image is not on the allow-list. */
    public static final int BAD_REQUEST = 400;
    /** The image does not exist on the engine. */
    public static final int IMAGE_NOT_FOUND = 404;
    /** The Docker engine did not answer. */
    public static final int DOCKER_UNAVAILABLE = 503;
    /** The notebook did not become ready in time, or exited while starting. */
    public static final int NOT_READY = 504;
    /** The instance has no room for another server. */
    public static final int AT_CAPACITY = 507;
    /** Anything else Docker refused. */
    public static final int DOCKER_ERROR = 500;

    private FailureCodes() {
    }
  }
}
