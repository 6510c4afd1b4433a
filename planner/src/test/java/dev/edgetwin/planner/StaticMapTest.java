package dev.edgetwin.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticMapTest {
    @TempDir Path dir;

    // 4 x 3 pixels, top line first: black (occupied) top-left, grey (unknown) in the middle.
    private static final int[] PIXELS = {
        0, 254, 254, 254,
        254, 205, 254, 254,
        254, 254, 254, 0
    };

    private Path writeMap(String yaml, byte[] pgm) throws IOException {
        Files.write(dir.resolve("floor.pgm"), pgm);
        Path y = dir.resolve("floor.yaml");
        Files.writeString(y, yaml, StandardCharsets.UTF_8);
        return y;
    }

    private static byte[] p5(int w, int h, int[] pixels) {
        byte[] header =
                ("P5\n# made by the test\n" + w + " " + h + "\n255\n")
                        .getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[header.length + pixels.length];
        System.arraycopy(header, 0, out, 0, header.length);
        for (int i = 0; i < pixels.length; i++) {
            out[header.length + i] = (byte) pixels[i];
        }
        return out;
    }

    private static byte[] p2(int w, int h, int[] pixels) {
        StringBuilder sb = new StringBuilder("P2\n" + w + " " + h + "\n255\n");
        for (int p : pixels) {
            sb.append(p).append(' ');
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static final String YAML =
            "image: floor.pgm  # relative to this file\n"
                    + "resolution: 0.5\n"
                    + "origin: [-1.0, 2.0, 0.0]\n"
                    + "occupied_thresh: 0.65\n"
                    + "free_thresh: 0.196\n"
                    + "negate: 0\n"
                    + "mode: trinary\n";

    @Test
    void loadsP5AndP2WithRowsFromTheBottomAndUnknownAsOccupied() throws Exception {
        for (byte[] image : new byte[][] {p5(4, 3, PIXELS), p2(4, 3, PIXELS)}) {
            StaticMap map = StaticMap.load(writeMap(YAML, image));
            assertEquals(4, map.width());
            assertEquals(3, map.height());
            assertEquals(0.5, map.resolution());
            assertEquals(-1.0, map.originX());
            assertEquals(2.0, map.originY());
            // The PGM's top line is row 2.
            assertTrue(map.occupied(0, 2));
            assertTrue(map.occupied(1, 1), "unknown (205) blocks");
            assertTrue(map.occupied(3, 0));
            assertFalse(map.occupied(1, 2));
            assertFalse(map.occupied(2, 0));
            // World coordinates: cell (0, 2) covers x in [-1, -0.5), y in [3, 3.5).
            assertEquals(0.0, map.clearanceAt(-0.75, 3.25));
            assertEquals(0.0, map.clearanceAt(-5, 0), "outside the map");
            assertEquals(map.cellClearance(2, 0), map.clearanceAt(0.25, 2.25));
        }
    }

    @Test
    void negateInvertsTheImage() throws Exception {
        StaticMap map =
                StaticMap.load(writeMap(YAML.replace("negate: 0", "negate: 1"), p5(4, 3, PIXELS)));
        assertFalse(map.occupied(0, 2), "black is free when negated");
        assertTrue(map.occupied(1, 2));
    }

    @Test
    void badFilesNameTheFileAndField() throws Exception {
        Path y = writeMap(YAML.replace("resolution: 0.5\n", ""), p5(4, 3, PIXELS));
        MapLoadException e = assertThrows(MapLoadException.class, () -> StaticMap.load(y));
        assertEquals(MapLoadException.Code.MISSING_FIELD, e.code());
        assertTrue(
                e.getMessage().contains("floor.yaml") && e.getMessage().contains("'resolution'"),
                e.getMessage());

        Path y2 = writeMap(YAML.replace("0.65", "lots"), p5(4, 3, PIXELS));
        e = assertThrows(MapLoadException.class, () -> StaticMap.load(y2));
        assertEquals(MapLoadException.Code.BAD_FIELD, e.code());
        assertTrue(
                e.getMessage().contains("'occupied_thresh'") && e.getMessage().contains("lots"),
                e.getMessage());

        Path y3 = writeMap(YAML.replace("[-1.0, 2.0, 0.0]", "[-1.0, 2.0, 0.5]"), p5(4, 3, PIXELS));
        e = assertThrows(MapLoadException.class, () -> StaticMap.load(y3));
        assertTrue(
                e.getMessage().contains("'origin'") && e.getMessage().contains("yaw"),
                e.getMessage());

        Path y4 = writeMap(YAML.replace("trinary", "scale"), p5(4, 3, PIXELS));
        e = assertThrows(MapLoadException.class, () -> StaticMap.load(y4));
        assertTrue(e.getMessage().contains("'mode'"), e.getMessage());

        byte[] truncated = java.util.Arrays.copyOf(p5(4, 3, PIXELS), 20);
        Path y5 = writeMap(YAML, truncated);
        e = assertThrows(MapLoadException.class, () -> StaticMap.load(y5));
        assertEquals(MapLoadException.Code.BAD_IMAGE, e.code());
        assertEquals(dir.resolve("floor.pgm").toAbsolutePath(), e.file().toAbsolutePath());
        assertTrue(
                e.getMessage().contains("floor.pgm") && e.getMessage().contains("truncated"),
                e.getMessage());

        Path y6 = writeMap(YAML, "P6\n4 3\n255\n".getBytes(StandardCharsets.US_ASCII));
        e = assertThrows(MapLoadException.class, () -> StaticMap.load(y6));
        assertTrue(e.getMessage().contains("P6"), e.getMessage());

        Path y7 = writeMap(YAML.replace("floor.pgm", "missing.pgm"), p5(4, 3, PIXELS));
        e = assertThrows(MapLoadException.class, () -> StaticMap.load(y7));
        assertEquals(MapLoadException.Code.UNREADABLE, e.code());
        assertTrue(e.getMessage().contains("missing.pgm"), e.getMessage());

        e = assertThrows(MapLoadException.class, () -> StaticMap.load(dir.resolve("none.yaml")));
        assertEquals(MapLoadException.Code.UNREADABLE, e.code());
    }

    @Test
    void distanceTransformMatchesBruteForce() {
        Random random = new Random(42);
        for (int trial = 0; trial < 30; trial++) {
            int w = 1 + random.nextInt(40);
            int h = 1 + random.nextInt(40);
            double density = trial % 3 == 0 ? 0.01 : random.nextDouble() * 0.3;
            boolean[] sites = new boolean[w * h];
            for (int i = 0; i < sites.length; i++) {
                sites[i] = random.nextDouble() < density;
            }
            float[] d2 = new float[w * h];
            int[] nearest = new int[w * h];
            EuclideanDistance.transform(sites, w, h, d2, nearest);
            for (int i = 0; i < sites.length; i++) {
                long best = Long.MAX_VALUE;
                for (int j = 0; j < sites.length; j++) {
                    if (sites[j]) {
                        long dx = i % w - j % w;
                        long dy = i / w - j / w;
                        best = Math.min(best, dx * dx + dy * dy);
                    }
                }
                if (best == Long.MAX_VALUE) {
                    assertTrue(d2[i] >= EuclideanDistance.INF, "no site: infinite");
                    assertEquals(-1, nearest[i]);
                } else {
                    assertEquals(best, d2[i], 1e-3, "trial " + trial + " cell " + i);
                    int n = nearest[i];
                    long dx = i % w - n % w;
                    long dy = i / w - n / w;
                    assertTrue(sites[n]);
                    assertEquals(best, dx * dx + dy * dy, "nearest site label");
                }
            }
        }
    }

    @Test
    void clearanceIsDistanceToTheNearestOccupiedCellInMetres() {
        StaticMap map = Worlds.corridor(2.0, 1.0);
        // Lane centre: 0.5 m from the wall cells' centres... 10.5 cells minus half a cell.
        double y = Worlds.centre(1.0);
        assertEquals(0.5, map.clearanceAt(1.0, y), 0.051);
        assertEquals(0.0, map.clearanceAt(1.0, 0.01), "on the wall");
    }
}
