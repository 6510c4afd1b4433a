package dev.edgetwin.planner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A static occupancy grid and its clearance field, both fixed once built. Cell (col, row) covers
 * [originX + col res, originX + (col + 1) res) x [originY + row res, ...): row 0 is the bottom of
 * the map (the last line of the PGM), as in ROS map_server. Unknown cells count as occupied for
 * planning.
 *
 * <p>The clearance of a cell is the Euclidean distance from its centre to the nearest occupied
 * cell's centre minus half a cell (about the distance to that cell's edge), in metres, computed
 * once with an exact distance transform. Points outside the map have clearance 0.
 */
public final class StaticMap {
    private final int width;
    private final int height;
    private final double resolution;
    private final double originX;
    private final double originY;
    private final boolean[] occupied;
    private final float[] clearance;

    private StaticMap(
            int width,
            int height,
            double resolution,
            double originX,
            double originY,
            boolean[] occupied) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException(
                    "map size must be positive, got " + width + " x " + height);
        }
        if (!(resolution > 0) || !Double.isFinite(resolution)) {
            throw new IllegalArgumentException("resolution must be > 0 m, got " + resolution);
        }
        if (!Double.isFinite(originX) || !Double.isFinite(originY)) {
            throw new IllegalArgumentException("origin must be finite");
        }
        if (occupied.length != width * height) {
            throw new IllegalArgumentException(
                    "occupied must hold width x height = "
                            + width * height
                            + " cells, got "
                            + occupied.length);
        }
        this.width = width;
        this.height = height;
        this.resolution = resolution;
        this.originX = originX;
        this.originY = originY;
        this.occupied = occupied.clone();
        this.clearance = new float[width * height];
        float[] d2 = new float[width * height];
        EuclideanDistance.transform(this.occupied, width, height, d2, null);
        for (int i = 0; i < d2.length; i++) {
            double d =
                    d2[i] >= EuclideanDistance.INF
                            ? 1e6
                            : Math.sqrt(d2[i]) * resolution - 0.5 * resolution;
            clearance[i] = (float) Math.max(0.0, d);
        }
    }

    /**
     * A map from cells: {@code occupied[row * width + col]}, row 0 at the bottom (minimum y).
     * Unknown cells should be passed as occupied.
     */
    public static StaticMap of(
            int width,
            int height,
            double resolution,
            double originX,
            double originY,
            boolean[] occupied) {
        return new StaticMap(width, height, resolution, originX, originY, occupied);
    }

    /**
     * Loads a ROS map_server map: the YAML file with {@code image}, {@code resolution}, {@code
     * origin: [x, y, yaw]}, {@code occupied_thresh}, {@code free_thresh}, {@code negate} and
     * optionally {@code mode} (only {@code trinary}, the default), and the PGM image it names (P5
     * or P2, relative to the YAML file's folder). Rotated maps (yaw other than 0) are refused.
     */
    public static StaticMap load(Path yamlFile) throws MapLoadException {
        String text;
        try {
            text = Files.readString(yamlFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MapLoadException(
                    MapLoadException.Code.UNREADABLE, yamlFile, "cannot read: " + e, e);
        }
        Map<String, String> fields = parseFlatYaml(text);
        String image = required(fields, "image", yamlFile);
        double resolution = number(fields, "resolution", yamlFile);
        if (!(resolution > 0)) {
            throw bad(yamlFile, "resolution", "must be > 0 m per cell, got " + resolution);
        }
        double[] origin = origin(required(fields, "origin", yamlFile), yamlFile);
        if (origin[2] != 0.0) {
            throw bad(
                    yamlFile,
                    "origin",
                    "yaw must be 0 (rotated maps are not supported), got " + origin[2]);
        }
        double occupiedThresh = number(fields, "occupied_thresh", yamlFile);
        double freeThresh = number(fields, "free_thresh", yamlFile);
        if (occupiedThresh < 0 || occupiedThresh > 1) {
            throw bad(yamlFile, "occupied_thresh", "must be in [0, 1], got " + occupiedThresh);
        }
        if (freeThresh < 0 || freeThresh > occupiedThresh) {
            throw bad(
                    yamlFile,
                    "free_thresh",
                    "must be in [0, occupied_thresh = " + occupiedThresh + "], got " + freeThresh);
        }
        String negateText = required(fields, "negate", yamlFile);
        boolean negate;
        switch (negateText) {
            case "0", "false" -> negate = false;
            case "1", "true" -> negate = true;
            default -> throw bad(yamlFile, "negate", "must be 0 or 1, got '" + negateText + "'");
        }
        String mode = fields.getOrDefault("mode", "trinary");
        if (!mode.equals("trinary")) {
            throw bad(yamlFile, "mode", "only 'trinary' is supported, got '" + mode + "'");
        }
        Path parent = yamlFile.toAbsolutePath().getParent();
        Path imagePath = parent == null ? Path.of(image) : parent.resolve(image);
        Pgm pgm = Pgm.read(imagePath);
        boolean[] occ = new boolean[pgm.width * pgm.height];
        for (int r = 0; r < pgm.height; r++) {
            int row = pgm.height - 1 - r; // the PGM's first line is the top of the map
            for (int c = 0; c < pgm.width; c++) {
                double value = pgm.pixels[r * pgm.width + c] / (double) pgm.maxValue;
                double p = negate ? value : 1.0 - value;
                boolean free = p < freeThresh;
                occ[row * pgm.width + c] = !free; // occupied and unknown both block
            }
        }
        return new StaticMap(pgm.width, pgm.height, resolution, origin[0], origin[1], occ);
    }

    private static MapLoadException bad(Path file, String field, String message) {
        return new MapLoadException(
                MapLoadException.Code.BAD_FIELD, file, "field '" + field + "': " + message);
    }

    private static String required(Map<String, String> fields, String key, Path file)
            throws MapLoadException {
        String v = fields.get(key);
        if (v == null || v.isEmpty()) {
            throw new MapLoadException(
                    MapLoadException.Code.MISSING_FIELD, file, "field '" + key + "' is missing");
        }
        return v;
    }

    private static double number(Map<String, String> fields, String key, Path file)
            throws MapLoadException {
        String v = required(fields, key, file);
        try {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw bad(file, key, "expected a number, got '" + v + "'");
        }
    }

    private static double[] origin(String v, Path file) throws MapLoadException {
        String s = v.trim();
        if (!s.startsWith("[") || !s.endsWith("]")) {
            throw bad(file, "origin", "expected [x, y, yaw], got '" + v + "'");
        }
        String[] parts = s.substring(1, s.length() - 1).split(",");
        if (parts.length != 3) {
            throw bad(file, "origin", "expected 3 numbers [x, y, yaw], got '" + v + "'");
        }
        double[] out = new double[3];
        for (int i = 0; i < 3; i++) {
            try {
                out[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw bad(file, "origin", "expected 3 numbers [x, y, yaw], got '" + v + "'");
            }
            if (!Double.isFinite(out[i])) {
                throw bad(file, "origin", "expected finite numbers, got '" + v + "'");
            }
        }
        return out;
    }

    /** The flat "key: value" subset of YAML that map files use; comments and quotes removed. */
    static Map<String, String> parseFlatYaml(String text) {
        Map<String, String> out = new HashMap<>();
        for (String raw : text.split("\\R")) {
            String line = raw;
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (value.length() >= 2
                    && (value.startsWith("\"") && value.endsWith("\"")
                            || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            out.put(key, value);
        }
        return out;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Metres per cell. */
    public double resolution() {
        return resolution;
    }

    public double originX() {
        return originX;
    }

    public double originY() {
        return originY;
    }

    /** Whether cell (col, row) blocks (occupied or unknown); outside the map counts as blocked. */
    public boolean occupied(int col, int row) {
        if (col < 0 || row < 0 || col >= width || row >= height) {
            return true;
        }
        return occupied[row * width + col];
    }

    /** The clearance of cell (col, row) in metres; 0 outside the map. */
    public double cellClearance(int col, int row) {
        if (col < 0 || row < 0 || col >= width || row >= height) {
            return 0.0;
        }
        return clearance[row * width + col];
    }

    /** The clearance at a point in metres (of the cell that holds it); 0 outside the map. */
    public double clearanceAt(double x, double y) {
        return cellClearance(col(x), row(y));
    }

    public int col(double x) {
        return (int) Math.floor((x - originX) / resolution);
    }

    public int row(double y) {
        return (int) Math.floor((y - originY) / resolution);
    }

    public double cellCenterX(int col) {
        return originX + (col + 0.5) * resolution;
    }

    public double cellCenterY(int row) {
        return originY + (row + 0.5) * resolution;
    }

    /** The clearance field itself, row-major from the bottom; read-only by convention. */
    float[] clearanceField() {
        return clearance;
    }

    /** A copy of the grid with some cells set occupied (for routes around stationary objects). */
    boolean[] occupiedCopy() {
        return occupied.clone();
    }

    @Override
    public String toString() {
        return "StaticMap["
                + width
                + " x "
                + height
                + " cells, "
                + resolution
                + " m, origin ("
                + originX
                + ", "
                + originY
                + ")]";
    }

    /** A PGM image (P5 binary or P2 ASCII), 8 or 16 bits. */
    static final class Pgm {
        final int width;
        final int height;
        final int maxValue;
        final int[] pixels;

        private Pgm(int width, int height, int maxValue, int[] pixels) {
            this.width = width;
            this.height = height;
            this.maxValue = maxValue;
            this.pixels = pixels;
        }

        static Pgm read(Path file) throws MapLoadException {
            byte[] data;
            try {
                data = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new MapLoadException(
                        MapLoadException.Code.UNREADABLE,
                        file,
                        "cannot read the image named by field 'image': " + e,
                        e);
            }
            int[] pos = {0};
            String magic = token(data, pos, file);
            boolean binary;
            if (magic.equals("P5")) {
                binary = true;
            } else if (magic.equals("P2")) {
                binary = false;
            } else {
                throw badImage(file, "expected a PGM (magic P5 or P2), got '" + magic + "'");
            }
            int width = intToken(data, pos, file, "width");
            int height = intToken(data, pos, file, "height");
            int maxValue = intToken(data, pos, file, "maxval");
            if (width <= 0 || height <= 0 || (long) width * height > 100_000_000L) {
                throw badImage(file, "bad size " + width + " x " + height);
            }
            if (maxValue <= 0 || maxValue > 65535) {
                throw badImage(file, "maxval must be in [1, 65535], got " + maxValue);
            }
            int[] pixels = new int[width * height];
            if (binary) {
                pos[0]++; // the single whitespace after maxval
                int bytesPer = maxValue > 255 ? 2 : 1;
                long need = (long) pixels.length * bytesPer;
                if (data.length - pos[0] < need) {
                    throw badImage(
                            file,
                            "truncated: expected "
                                    + need
                                    + " bytes of pixels, found "
                                    + Math.max(0, data.length - pos[0]));
                }
                for (int i = 0; i < pixels.length; i++) {
                    int v = data[pos[0]++] & 0xff;
                    if (bytesPer == 2) {
                        v = (v << 8) | (data[pos[0]++] & 0xff);
                    }
                    pixels[i] = Math.min(v, maxValue);
                }
            } else {
                for (int i = 0; i < pixels.length; i++) {
                    pixels[i] = Math.min(intToken(data, pos, file, "pixel " + i), maxValue);
                }
            }
            return new Pgm(width, height, maxValue, pixels);
        }

        private static MapLoadException badImage(Path file, String message) {
            return new MapLoadException(MapLoadException.Code.BAD_IMAGE, file, message);
        }

        private static int intToken(byte[] data, int[] pos, Path file, String what)
                throws MapLoadException {
            String t = token(data, pos, file);
            try {
                return Integer.parseInt(t);
            } catch (NumberFormatException e) {
                throw badImage(file, "expected an integer " + what + ", got '" + t + "'");
            }
        }

        private static String token(byte[] data, int[] pos, Path file) throws MapLoadException {
            int i = pos[0];
            while (i < data.length) {
                byte b = data[i];
                if (b == '#') {
                    while (i < data.length && data[i] != '\n') {
                        i++;
                    }
                } else if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
                    i++;
                } else {
                    break;
                }
            }
            int start = i;
            while (i < data.length
                    && data[i] != ' '
                    && data[i] != '\t'
                    && data[i] != '\n'
                    && data[i] != '\r'
                    && data[i] != '#') {
                i++;
            }
            if (start == i) {
                throw badImage(file, "truncated header or pixel data");
            }
            pos[0] = i;
            return new String(data, start, i - start, StandardCharsets.US_ASCII);
        }
    }
}
