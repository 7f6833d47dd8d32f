package dev.restyle.engine.image;

import static dev.restyle.engine.TestImages.assertSamePixels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.restyle.engine.TestImages;
import java.awt.Color;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageTensorsTest {
  private NDManager manager;

  @BeforeEach
  void openManager() {
    manager = NDManager.newBaseManager(Device.cpu());
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  @ParameterizedTest
  @ValueSource(ints = {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_3BYTE_BGR})
  void eightBitRgbRoundTripsExactly(int type) {
    BufferedImage image = TestImages.random(23, 17, type, type);
    NDArray tensor = ImageTensors.toTensor(image, manager);
    assertEquals(new Shape(3, 17, 23), tensor.getShape());
    assertEquals(DataType.FLOAT32, tensor.getDataType());
    assertSamePixels(image, ImageTensors.toImage(tensor));
  }

  @Test
  void channelsAreInRgbOrder() {
    NDArray tensor = ImageTensors.toTensor(TestImages.solid(5, 4, Color.RED), manager);
    assertConstant(tensor, 0, 255);
    assertConstant(tensor, 1, 0);
    assertConstant(tensor, 2, 0);

    tensor = ImageTensors.toTensor(TestImages.solid(5, 4, new Color(10, 20, 30)), manager);
    assertConstant(tensor, 0, 10);
    assertConstant(tensor, 1, 20);
    assertConstant(tensor, 2, 30);
  }

  @Test
  void pixelsAreInRowMajorOrder() {
    BufferedImage image = TestImages.random(6, 4, BufferedImage.TYPE_INT_RGB, 5);
    NDArray tensor = ImageTensors.toTensor(image, manager);
    int[] expected = TestImages.rgb(image, 5, 2);
    for (int c = 0; c < 3; c++) {
      assertEquals(expected[c], tensor.getFloat(c, 2, 5), "channel " + c + " at (5, 2)");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_3BYTE_BGR})
  void subImageConvertsTheCropNotItsParent(int type) {
    BufferedImage parent = TestImages.random(30, 20, type, 99);
    BufferedImage crop = parent.getSubimage(7, 5, 11, 9);
    NDArray tensor = ImageTensors.toTensor(crop, manager);
    assertEquals(new Shape(3, 9, 11), tensor.getShape());
    assertSamePixels(crop, ImageTensors.toImage(tensor));
    int[] corner = TestImages.rgb(parent, 7, 5);
    assertEquals(corner[1], tensor.getFloat(1, 0, 0), "green at the crop's origin");
  }

  @Test
  void greyImagesExpandToThreeEqualChannels() {
    BufferedImage grey = new BufferedImage(8, 3, BufferedImage.TYPE_BYTE_GRAY);
    for (int x = 0; x < 8; x++) {
      for (int y = 0; y < 3; y++) {
        grey.getRaster().setSample(x, y, 0, x * 36);
      }
    }
    NDArray tensor = ImageTensors.toTensor(grey, manager);
    assertEquals(new Shape(3, 3, 8), tensor.getShape());
    float[] r = tensor.get("0, 1, :").toFloatArray();
    assertArrayEquals(r, tensor.get("1, 1, :").toFloatArray());
    assertArrayEquals(r, tensor.get("2, 1, :").toFloatArray());
    assertEquals(0, r[0]);
    assertEquals(252, r[7], 1, "the lightest grey stays light");
    for (int x = 1; x < 8; x++) {
      assertTrue(r[x] > r[x - 1], "grey levels keep their order");
    }
  }

  @Test
  void opaqueArgbImagesLoseOnlyTheirAlpha() {
    BufferedImage argb = TestImages.random(9, 7, BufferedImage.TYPE_INT_ARGB, 4);
    NDArray tensor = ImageTensors.toTensor(argb, manager);
    assertEquals(new Shape(3, 7, 9), tensor.getShape());
    assertSamePixels(argb, ImageTensors.toImage(tensor));
  }

  @Test
  void toImageClampsAndRounds() {
    NDArray tensor =
        manager.create(new float[] {-20f, 300f, 127.6f, 0.4f, 253.7f, 12f}, new Shape(3, 1, 2));
    int[] left = TestImages.rgb(ImageTensors.toImage(tensor), 0, 0);
    int[] right = TestImages.rgb(ImageTensors.toImage(tensor), 1, 0);
    assertArrayEquals(new int[] {0, 128, 254}, left, "R, G, B of the left pixel");
    assertArrayEquals(new int[] {255, 0, 12}, right, "R, G, B of the right pixel");
  }

  @Test
  void toImageRefusesOtherShapes() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ImageTensors.toImage(manager.zeros(new Shape(1, 3, 4, 4))));
    assertThrows(
        IllegalArgumentException.class,
        () -> ImageTensors.toImage(manager.zeros(new Shape(4, 4, 3))));
  }

  @Test
  void asThreeByteBgrCopiesViewsButNotWholeImages() {
    BufferedImage whole = TestImages.random(10, 10, BufferedImage.TYPE_3BYTE_BGR, 8);
    assertTrue(ImageTensors.asThreeByteBgr(whole) == whole, "no copy needed");
    BufferedImage view = whole.getSubimage(2, 3, 4, 5);
    BufferedImage copy = ImageTensors.asThreeByteBgr(view);
    assertEquals(BufferedImage.TYPE_3BYTE_BGR, copy.getType());
    assertEquals(4 * 5 * 3, copy.getRaster().getDataBuffer().getSize());
    assertSamePixels(view, copy);
  }

  private static void assertConstant(NDArray chw, int channel, float value) {
    float[] values = chw.get(channel).toFloatArray();
    for (float v : values) {
      assertEquals(value, v, "channel " + channel);
    }
  }
}
