package io.wharf.session;

import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserNamesTest {

  @Test
  void namesAreLowerCaseLettersDigitsAndInsideDotsUnderscoresAndDashes() {
    assertTrue(UserNames.valid("alice"));
    assertTrue(UserNames.valid("0"));
    assertTrue(UserNames.valid("a.b_c-d9"));
    assertTrue(UserNames.valid("a".repeat(64)));
    assertFalse(UserNames.valid(null));
    assertFalse(UserNames.valid(""));
    assertFalse(UserNames.valid("a".repeat(65)));
    assertFalse(UserNames.valid("Alice"));
    assertFalse(UserNames.valid(".alice"));
    assertFalse(UserNames.valid("-alice"));
    assertFalse(UserNames.valid("_alice"));
    assertFalse(UserNames.valid("al ice"));
    assertFalse(UserNames.valid("al/ice"));
    assertFalse(UserNames.valid("al%2fice"));
    assertFalse(UserNames.valid("\u00e9mile"));
  }

  @Test
  void theCheckAgreesWithTheDocumentedPatternOnEveryShortName() {
    Pattern documented = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    String alphabet = "aZ09._-/ \u00e9";
    for (char first : alphabet.toCharArray()) {
      for (char second : alphabet.toCharArray()) {
        for (String name : new String[] {"" + first, "" + first + second, "x" + first + second}) {
          assertEquals(documented.matcher(name).matches(), UserNames.valid(name), name);
        }
      }
    }
  }
}
