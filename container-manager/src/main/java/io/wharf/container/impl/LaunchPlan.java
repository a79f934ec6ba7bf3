package io.wharf.container.impl;

import io.wharf.container.ContainerManagerOptions;
import io.wharf.container.LaunchSpec;
import io.wharf.container.LimitProfile;

import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A launch request checked against the options and resolved into everything Docker needs:
 * image, name, labels, command and the readiness path. Built before any Docker call, so a bad
 * request never creates a container.
 */
record LaunchPlan(String user, String server, String image, String token, String baseUrl,
                  String containerName, Map<String, String> labels, List<String> command, String readyPath,
                  String homeVolume, LimitProfile profile, String account) {

  static final String LABEL_MANAGED = "wharf.managed";
  static final String LABEL_OWNER = "wharf.owner";
  static final String LABEL_SERVER = "wharf.server";
  static final String LABEL_INSTANCE = "wharf.instance";
  /** On a home volume: the immutable id of the account it belongs to (its owner label is the name, for operators). */
  static final String LABEL_ACCOUNT = "wharf.account";
  /** Memory limit in bytes, so a listing gives the reserved memory without inspecting each container. */
  static final String LABEL_MEMORY = "wharf.memory";
  private static final Pattern BYTES = Pattern.compile("\\d{1,18}");

  /** Limit profile it runs with; empty for the default. */
  static final String LABEL_PROFILE = "wharf.profile";

  private static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,63}$");
  // The base URL reaches Jupyter's command line and the probe's request line, so only path characters.
  private static final Pattern BASE_URL = Pattern.compile("^/([A-Za-z0-9._~-]+/)*$");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{(base_url|user|server|account)}");
  /** An account id (a UUID where Wharf makes them); it names volumes and is matched in label filters. */
  static final Pattern ACCOUNT = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9-]{0,63}$");
  private static final Pattern VOLUME = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_.-]{1,254}$");
  private static final Pattern NOT_IN_DOCKER_NAME = Pattern.compile("[^a-zA-Z0-9_.-]");

  static LaunchPlan of(ContainerManagerOptions options, LaunchSpec spec, RandomGenerator random) {
    String user = spec.user() == null ? "" : spec.user();
    if (!NAME.matcher(user).matches()) {
      throw ContainerFailure.badRequest("user name must match " + NAME.pattern() + ": '" + user + "'");
    }
    String server = spec.server() == null ? "" : spec.server();
    if (!server.isEmpty() && !NAME.matcher(server).matches()) {
      throw ContainerFailure.badRequest("server name must match " + NAME.pattern() + ": '" + server + "'");
    }
    String image = spec.image() == null || spec.image().isBlank() ? options.image() : spec.image();
    if (!options.isAllowed(image)) {
      throw ContainerFailure.badRequest("image " + image + " is not allowed on this server");
    }
    // An empty JUPYTER_TOKEN switches Jupyter's authentication off.
    String token = spec.token();
    if (token == null || token.isEmpty() || token.length() > 512 || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw ContainerFailure.badRequest("a notebook token of printable characters is required");
    }
    String baseUrl = spec.baseUrl() == null || spec.baseUrl().isEmpty()
      ? "/user/" + user + "/" + (server.isEmpty() ? "" : server + "/")
      : spec.baseUrl();
    if (!BASE_URL.matcher(baseUrl).matches()) {
      throw ContainerFailure.badRequest("base URL must be a path that starts and ends with '/': " + baseUrl);
    }
    LimitProfile profile = options.profiles().get(spec.profile()).orElseThrow(
      () -> ContainerFailure.badRequest("there is no limit profile '" + spec.profile() + "' on this server"));
    String account = spec.account();
    if (options.homes() && !ACCOUNT.matcher(account).matches()) {
      throw ContainerFailure.badRequest("a launch with a home volume needs the owner's account id, matching " + ACCOUNT.pattern());
    }
    Map<String, String> values = Map.of("base_url", baseUrl, "user", user, "server", server, "account", account);
    String home = options.homes() ? homeVolume(options.homeVolume(), values) : null;
    return new LaunchPlan(user, server, image, token, baseUrl,
      containerName(options.instanceId(), user, server, random),
      Map.of(LABEL_MANAGED, "true", LABEL_OWNER, user, LABEL_SERVER, server, LABEL_INSTANCE, options.instanceId(),
        LABEL_MEMORY, Long.toString(profile.memoryBytes()), LABEL_PROFILE, profile.recordedName()),
      options.command().stream().map(arg -> substitute(arg, values)).toList(),
      substitute(options.readyPath(), values),
      home,
      profile, account);
  }

  /**
   * The home volume's name: the template with the account id (never the name alone, which a new
   * account may reuse); a named server gets a volume of its own, {@code -<server>} appended unless
   * the template places {@code {server}} itself.
   */
  static String homeVolume(String template, Map<String, String> values) {
    String server = values.get("server");
    String name = substitute(template, values)
      + (server.isEmpty() || template.contains("{server}") ? "" : "-" + server);
    if (!VOLUME.matcher(name).matches()) {
      throw ContainerFailure.badRequest("the home volume name " + name + " is not one Docker accepts");
    }
    return name;
  }

  /** Labels of the home volume: whose account, the user name for operators, the server, the creating instance. */
  Map<String, String> homeLabels(String instance) {
    return Map.of(LABEL_MANAGED, "true", LABEL_ACCOUNT, account, LABEL_OWNER, user, LABEL_SERVER, server,
      LABEL_INSTANCE, instance);
  }

  /** The memory limit a container's labels record, or {@code fallback} for one launched without the label. */
  static long memoryOf(Map<String, String> labels, long fallback) {
    String memory = labels == null ? null : labels.get(LABEL_MEMORY);
    return memory != null && BYTES.matcher(memory).matches() ? Long.parseLong(memory) : fallback;
  }

  /** {@code wharf-<instance>-<user>[-<server>]-<6 hex>}, reduced to the characters Docker accepts. */
  static String containerName(String instance, String user, String server, RandomGenerator random) {
    String name = "wharf-" + instance + "-" + user + (server.isEmpty() ? "" : "-" + server)
      + "-" + String.format("%06x", random.nextInt(1 << 24));
    return NOT_IN_DOCKER_NAME.matcher(name).replaceAll("_");
  }

  /** One pass, so a substituted value is never itself expanded. */
  static String substitute(String template, Map<String, String> values) {
    Matcher matcher = PLACEHOLDER.matcher(template);
    return matcher.replaceAll(match -> Matcher.quoteReplacement(values.get(match.group(1))));
  }
}
