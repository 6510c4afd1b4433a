package dev.edgetwin.sim;

/**
 * The kinds of object the simulated factory contains that a detector should find, with the base
 * colour each is painted in. Class ids are the detector's output channel order.
 */
public enum ObjectClass {
    ROBOT(0, "robot", 40, 90, 220, 0.40),
    PERSON(1, "person", 235, 220, 30, 0.25),
    BOX(2, "box", 165, 110, 55, 0.30);

    private final int id;
    private final String label;
    private final int red;
    private final int green;
    private final int blue;
    private final double footprintRadius;

    ObjectClass(int id, String label, int red, int green, int blue, double footprintRadius) {
        this.id = id;
        this.label = label;
        this.red = red;
        this.green = green;
        this.blue = blue;
        this.footprintRadius = footprintRadius;
    }

    /** The detector's class index. */
    public int id() {
        return id;
    }

    /** The class name as it appears in model metadata and on the wire. */
    public String label() {
        return label;
    }

    /** Base colour, fully lit, 0-255. */
    public int red() {
        return red;
    }

    public int green() {
        return green;
    }

    public int blue() {
        return blue;
    }

    /** Nominal distance in metres from the object's centre to the edge of its floor footprint. */
    public double footprintRadius() {
        return footprintRadius;
    }

    /** Every class's footprint radius by label, as {@code FloorLocator} takes them. */
    public static java.util.Map<String, Double> footprintRadiiByLabel() {
        java.util.Map<String, Double> radii = new java.util.LinkedHashMap<>();
        for (ObjectClass c : values()) {
            radii.put(c.label, c.footprintRadius);
        }
        return java.util.Map.copyOf(radii);
    }

    public static ObjectClass byId(int id) {
        for (ObjectClass c : values()) {
            if (c.id == id) {
                return c;
            }
        }
        throw new IllegalArgumentException("no object class with id " + id);
    }
}
