package dev.restyle.serve.image;

import dev.restyle.serve.http.ApiException;
import java.util.Locale;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * The encodings a stylised image can be returned in. JPEG and PNG go through ImageIO; WebP, which
 * ImageIO cannot write, through {@link WebpEncoder} (libwebp in the bundled FFmpeg). A format this
 * JVM cannot encode is a 406 that names the formats available.
 */
public enum OutputFormat {
  JPEG("jpeg", "image/jpeg", "jpg"),
  PNG("png", "image/png", "png"),
  WEBP("webp", "image/webp", "webp");

  private final String imageIoName;
  private final String mediaType;
  private final String extension;

  OutputFormat(String imageIoName, String mediaType, String extension) {
    this.imageIoName = imageIoName;
    this.mediaType = mediaType;
    this.extension = extension;
  }

  public String imageIoName() {
    return imageIoName;
  }

  public String mediaType() {
    return mediaType;
  }

  public String extension() {
    return extension;
  }

  /** Whether this JVM can encode the format. */
  public boolean available() {
    if (this == WEBP) {
      return WebpEncoder.available();
    }
    return ImageIO.getImageWritersByFormatName(imageIoName).hasNext();
  }

  /**
   * The format a request asks for: the {@code format} parameter (jpeg, jpg, png, webp) if given,
   * else the first image type its Accept header names, else JPEG.
   *
   * @throws ApiException 400 for an unknown name, 406 for a format this JVM cannot encode
   */
  public static OutputFormat negotiate(Optional<String> parameter, String accept) {
    OutputFormat format;
    if (parameter.isPresent()) {
      format =
          switch (parameter.get().toLowerCase(Locale.ROOT)) {
            case "jpeg", "jpg", "image/jpeg" -> JPEG;
            case "png", "image/png" -> PNG;
            case "webp", "image/webp" -> WEBP;
            default ->
                throw ApiException.badRequest(
                    "format must be jpeg, png or webp, got '" + parameter.get() + "'");
          };
    } else {
      format = fromAccept(accept);
    }
    if (!format.available()) {
      throw new ApiException(
          406,
          "this server has no " + format.name() + " encoder; ask for format=jpeg or format=png");
    }
    return format;
  }

  private static OutputFormat fromAccept(String accept) {
    if (accept == null) {
      return JPEG;
    }
    for (String part : accept.split(",")) {
      String type = part.split(";")[0].trim().toLowerCase(Locale.ROOT);
      switch (type) {
        case "image/jpeg", "image/jpg":
          return JPEG;
        case "image/png":
          return PNG;
        case "image/webp":
          if (WEBP.available()) {
            return WEBP;
          }
          break;
        default:
          break;
      }
    }
    return JPEG;
  }
}
