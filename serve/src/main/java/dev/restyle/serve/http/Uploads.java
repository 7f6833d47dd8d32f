package dev.restyle.serve.http;

import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Request bodies of bounded size: a multipart form's file field, or the raw body. The declared
 * length is checked before anything is read, and the bytes are counted while reading (chunked
 * bodies declare none), so an oversized upload gets a 413 without being held.
 */
public final class Uploads {
  private Uploads() {}

  /** Whether the request is a multipart form. */
  public static boolean isMultipart(Context ctx) {
    String type = ctx.contentType();
    return type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
  }

  /** A form field from a multipart form, or else a query parameter. */
  public static Optional<String> param(Context ctx, String name) {
    String value = isMultipart(ctx) ? ctx.formParam(name) : null;
    if (value == null) {
      value = ctx.queryParam(name);
    }
    return Optional.ofNullable(value).filter(v -> !v.isBlank());
  }

  /** Refuses a request whose declared length is over {@code limit}. */
  public static void checkDeclaredLength(Context ctx, long limit, String what) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > limit) {
      throw ApiException.tooLarge(tooLargeMessage(what, limit));
    }
  }

  /** The bytes of file field {@code field} (multipart) or of the whole body. */
  public static byte[] bytes(Context ctx, String field, long limit, String what)
      throws IOException {
    checkDeclaredLength(ctx, limit, what);
    try (InputStream in = open(ctx, field, what)) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (bytes.length > limit) {
        throw ApiException.tooLarge(tooLargeMessage(what, limit));
      }
      if (bytes.length == 0) {
        throw ApiException.badRequest("the " + what + " is empty");
      }
      return bytes;
    }
  }

  /** Copies file field {@code field} (multipart) or the whole body to {@code target}. */
  public static long copy(Context ctx, String field, long limit, String what, Path target)
      throws IOException {
    checkDeclaredLength(ctx, limit, what);
    long total = 0;
    try (InputStream in = open(ctx, field, what);
        OutputStream out = Files.newOutputStream(target)) {
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        total += n;
        if (total > limit) {
          throw ApiException.tooLarge(tooLargeMessage(what, limit));
        }
        out.write(buffer, 0, n);
      }
    }
    if (total == 0) {
      throw ApiException.badRequest("the " + what + " is empty");
    }
    return total;
  }

  /** The name the client gave the upload, if any. */
  public static Optional<String> filename(Context ctx, String field) {
    if (!isMultipart(ctx)) {
      return Optional.empty();
    }
    UploadedFile file = ctx.uploadedFile(field);
    return file == null ? Optional.empty() : Optional.ofNullable(file.filename());
  }

  private static InputStream open(Context ctx, String field, String what) {
    if (isMultipart(ctx)) {
      UploadedFile file = ctx.uploadedFile(field);
      if (file == null) {
        throw ApiException.badRequest(
            "the form has no file field '" + field + "': send the " + what + " in it");
      }
      return file.content();
    }
    return ctx.bodyInputStream();
  }

  private static String tooLargeMessage(String what, long limit) {
    return String.format(
        Locale.ROOT, "the %s is larger than the limit of %s", what, humanBytes(limit));
  }

  /** 20971520 -> "20.0 MiB". */
  public static String humanBytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " bytes";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
