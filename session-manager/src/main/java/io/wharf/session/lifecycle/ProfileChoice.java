package io.wharf.session.lifecycle;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.wharf.container.LimitProfile;
import io.wharf.container.LimitProfiles;

/**
 * The limit profile a start request asks for. The body is JupyterHub's {@code user_options}, a
 * JSON object; Wharf reads {@code profile} from it and checks it against the configured profiles
 * and the user's rights.
 */
public final class ProfileChoice {

  private ProfileChoice() {
  }

  /**
   * The profile {@code body} names for a server of {@code user}; null when it names none (an
   * empty body or no {@code profile}).
   *
   * @param admin whether the caller is an admin, who may choose any profile for anyone
   * @throws StartRefused 400 for a malformed body or an unknown profile, 403 for one the user may not use
   */
  public static String of(Buffer body, LimitProfiles profiles, String user, boolean admin) {
    JsonObject options;
    try {
      options = body == null || body.length() == 0 ? new JsonObject() : new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw new StartRefused(400, "the body must be a JSON object of server options, such as {\"profile\": \"large\"}");
    }
    Object profile = options.getValue("profile");
    if (profile == null) {
      return null;
    }
    if (!(profile instanceof String name)) {
      throw new StartRefused(400, "profile must be the name of a limit profile");
    }
    LimitProfile chosen = profiles.get(name).orElseThrow(() -> new StartRefused(400, "there is no limit profile '" + name
      + "'; available: " + profiles.availableTo(user, admin).stream().map(LimitProfile::name).toList()));
    if (!chosen.allows(user, admin)) {
      throw new StartRefused(403, "the limit profile '" + name + "' is not available to " + user);
    }
    return name;
  }
}
