package io.wharf.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The root README's configuration table against the shipped defaults: every key, its variable and its default. */
class ReadmeConfigTableTest {

  private static final Pattern CODE = Pattern.compile("`([^`]+)`");

  @Test
  void theTableListsEveryShippedKeyWithItsVariableAndDefault() throws Exception {
    Map<String, Object> keys = new LinkedHashMap<>();
    leaves("", WharfConfig.defaults(), keys);
    String readme = Files.readString(Path.of("..", "README.md"));
    String table = readme.substring(readme.indexOf("\n## Configuration"), readme.indexOf("\n## Logging"));
    List<String> problems = new ArrayList<>();
    for (String row : table.lines().filter(l -> l.startsWith("| `")).toList()) {
      String[] cells = row.substring(2, row.length() - 2).split(" \\| ");
      List<String> rowKeys = codes(cells[0]).stream().filter(k -> !k.equals("logging.level.NAME")).toList();
      rowKeys.forEach(k -> problems.add(keys.containsKey(k) ? null : "not a shipped key: " + k));
      keys.keySet().removeIf(k -> rowKeys.contains(k) || k.startsWith("logging.level.") && cells[0].contains("logging.level.NAME"));
      for (String env : codes(cells[1])) {
        boolean named = rowKeys.stream().anyMatch(k -> WharfConfig.envName("WHARF", k).equals(env)) || env.startsWith("WHARF_LOGGING_LEVEL_");
        problems.add(named ? null : env + " is not the variable of " + rowKeys);
      }
      String[] defaults = cells[2].replace("`", "").split(rowKeys.size() > 1 && !cells[2].contains(";") ? ", " : "; ");
      for (int i = 0; i < rowKeys.size() && !cells[2].contains("…"); i++) {
        String shown = defaults.length == 1 ? defaults[0] : i < defaults.length ? defaults[i] : "?";
        String actual = render(WharfConfig.defaults(), rowKeys.get(i));
        problems.add(shown.equals(actual) ? null : rowKeys.get(i) + ": the README says " + shown + ", conf/wharf.yaml " + actual);
      }
    }
    keys.keySet().forEach(k -> problems.add("missing from the table: " + k));
    problems.removeIf(p -> p == null);
    assertEquals(List.of(), problems);
  }

  private static List<String> codes(String cell) {
    List<String> found = new ArrayList<>();
    for (Matcher m = CODE.matcher(cell); m.find(); ) {
      found.add(m.group(1));
    }
    return found;
  }

  /** Dotted paths of the values; an empty section ({@code profiles: {}}) is a value of its own. */
  private static void leaves(String prefix, JsonObject section, Map<String, Object> into) {
    section.forEach(e -> {
      if (e.getValue() instanceof JsonObject nested && !nested.isEmpty() && !prefix.equals("logging.level.")) {
        leaves(prefix + e.getKey() + ".", nested, into);
      } else {
        into.put(prefix + e.getKey(), e.getValue());
      }
    });
  }

  /** A default as the table writes it: (empty), none for an empty section, lists comma-separated. */
  private static String render(JsonObject defaults, String key) {
    Object value = defaults;
    for (String part : key.split("\\.")) {
      value = ((JsonObject) value).getValue(part);
    }
    if (value instanceof JsonArray list) {
      return list.isEmpty() ? "(empty)" : String.join(",", list.stream().map(String::valueOf).toList());
    }
    if (value instanceof JsonObject) {
      return "none";
    }
    return "".equals(value) ? "(empty)" : String.valueOf(value);
  }
}
