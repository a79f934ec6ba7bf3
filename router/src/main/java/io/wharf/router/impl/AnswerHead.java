package io.wharf.router.impl;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;

import java.util.Arrays;

/**
 * A container's answer head as {@link AnswerDecoder} read it: status, reason and headers as
 * views on one copy of the head's bytes, in the order they came, and what the decoder made of its
 * framing. Read on the event loop that decoded it, while the exchange writes its own head.
 */
final class AnswerHead {

  private final int status;
  private final AsciiString reason;
  private AsciiString[] names = new AsciiString[16];
  private AsciiString[] values = new AsciiString[16];
  private int size;
  private String connection;
  boolean keepAlive;
  /** The body's length, or -1: chunked, or until the container closes, or none at all (see {@link #bodiless}). */
  long contentLength = -1;
  boolean chunked;

  AnswerHead(int status, AsciiString reason) {
    this.status = status;
    this.reason = reason;
  }

  int status() {
    return status;
  }

  /** The status with the container's reason phrase (Netty's constant when they match). */
  HttpResponseStatus httpStatus() {
    HttpResponseStatus known = HttpResponseStatus.valueOf(status);
    return known.reasonPhrase().contentEquals(reason) ? known : new HttpResponseStatus(status, reason.toString());
  }

  /** No body follows the head, whatever its headers say (RFC 9112 §6.3). */
  boolean bodiless() {
    return status == 204 || status == 304;
  }

  /** The answer ends when the container closes its connection. */
  boolean endsAtClose() {
    return !bodiless() && !chunked && contentLength < 0;
  }

  void add(AsciiString name, AsciiString value) {
    if (size == names.length) {
      names = Arrays.copyOf(names, size * 2);
      values = Arrays.copyOf(values, size * 2);
    }
    names[size] = name;
    values[size] = value;
    size++;
    if (name.length() == 10 && name.contentEqualsIgnoreCase("connection")) {
      connection = connection == null ? value.toString() : connection + "," + value;
    }
  }

  int size() {
    return size;
  }

  AsciiString name(int i) {
    return names[i];
  }

  AsciiString value(int i) {
    return values[i];
  }

  /** The {@code Connection} header's tokens, several fields joined; null when there is none. */
  String connection() {
    return connection;
  }
}
