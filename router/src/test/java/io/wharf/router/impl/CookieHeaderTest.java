package io.wharf.router.impl;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class CookieHeaderTest {

  @Test
  void findsTheNamedCookieOnly() {
    assertEquals("v1", CookieHeader.value("wharf-session=v1", "wharf-session"));
    assertEquals("v2", CookieHeader.value("a=1; wharf-session=v2; b=3", "wharf-session"));
    assertEquals("v3", CookieHeader.value("a=1;wharf-session=v3", "wharf-session"));
    assertEquals("quoted", CookieHeader.value("wharf-session=\"quoted\"", "wharf-session"));
    assertNull(CookieHeader.value("xwharf-session=v; wharf-sessionx=w", "wharf-session"));
    assertNull(CookieHeader.value("a=1; b", "wharf-session"));
    assertNull(CookieHeader.value(null, "wharf-session"));
    assertEquals("", CookieHeader.value("wharf-session=", "wharf-session"));
  }

  @Test
  void removesTheNamedCookieAndKeepsTheRest() {
    assertEquals("a=1; b=2", CookieHeader.without("a=1; wharf-session=x; b=2", "wharf-session"));
    assertEquals("a=1", CookieHeader.without("wharf-session=x;a=1", "wharf-session"));
    assertNull(CookieHeader.without("wharf-session=x", "wharf-session"));
    assertEquals("xwharf-session=1", CookieHeader.without("xwharf-session=1; wharf-session=2", "wharf-session"));
  }
}
