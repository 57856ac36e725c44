package dev.fieldline.support.http;

import java.io.IOException;

/** Answers the requests under one path prefix. */
@FunctionalInterface
public interface OpsRoute {
  OpsReply answer(OpsRequest request) throws IOException;
}
