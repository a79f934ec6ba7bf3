package io.wharf.router.impl;

import org.junit.jupiter.api.Test;

import static io.wharf.router.impl.TokenCredentials.fromAuthorization;
import static io.wharf.router.impl.TokenCredentials.fromUri;
import static io.wharf.router.impl.TokenCredentials.withoutTokenParameter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class TokenCredentialsTest {

  @Test
  void readsTheTokenAndBearerSchemesInAnyCase() {
    assertEquals("abc123", fromAuthorization("token abc123"));
    assertEquals("abc123", fromAuthorization("Token  abc123 "));
    assertEquals("abc123", fromAuthorization("Bearer abc123"));
    assertEquals("abc123", fromAuthorization("bearer abc123"));
  }

  @Test
  void aMalformedHeaderIsNoToken() {
    assertNull(fromAuthorization(null));
    assertNull(fromAuthorization("Basic YWxpY2U6c2VjcmV0"));
    assertNull(fromAuthorization("token"));
    assertNull(fromAuthorization("token "));
    assertNull(fromAuthorization("tokenabc"));
    assertNull(fromAuthorization("token abc def"));
    assertNull(fromAuthorization("token a\u0001bc"));
    assertNull(fromAuthorization("token ab\u00e9"));
    assertNull(fromAuthorization("token " + "a".repeat(TokenCredentials.MAX_LENGTH + 1)));
    assertEquals("a".repeat(TokenCredentials.MAX_LENGTH), fromAuthorization("token " + "a".repeat(TokenCredentials.MAX_LENGTH)));
  }

  @Test
  void readsTheTokenQueryParameterOnly() {
    assertEquals("abc", fromUri("/user/alice/api?token=abc"));
    assertEquals("abc", fromUri("/user/alice/api?x=1&token=abc&y=2"));
    assertNull(fromUri("/user/alice/api?xtoken=abc"));
    assertNull(fromUri("/user/alice/token=abc"));
    assertNull(fromUri("/user/alice/api?token="));
    assertNull(fromUri("/user/alice/api"));
    assertEquals("abc", fromUri("/user/alice/api?xtoken=1&token=abc"));
  }

  @Test
  void removesEveryTokenParameterAndKeepsTheRest() {
    assertEquals("/user/alice/api", withoutTokenParameter("/user/alice/api?token=abc"));
    assertEquals("/user/alice/api?x=1&y=2", withoutTokenParameter("/user/alice/api?x=1&token=abc&y=2"));
    assertEquals("/user/alice/api?x=1", withoutTokenParameter("/user/alice/api?token=a&x=1&token=b"));
    assertEquals("/user/alice/api?xtoken=1", withoutTokenParameter("/user/alice/api?xtoken=1&token=b"));
    String untouched = "/user/alice/api?xtoken=1&session_id=s";
    assertSame(untouched, withoutTokenParameter(untouched));
    String noQuery = "/user/alice/api/kernels";
    assertSame(noQuery, withoutTokenParameter(noQuery));
  }
}
