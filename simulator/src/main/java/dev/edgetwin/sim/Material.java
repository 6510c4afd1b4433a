package dev.edgetwin.sim;

/**
 * What a pixel shows, with the base colour that lighting scales. Everything that is not one of the
 * object classes is grey (or a faintly blue steel grey), so that no background pixel ever has a
 * class colour's chromaticity.
 */
enum Material {
    /** Chosen so that the lit floor renders at about 128. */
    FLOOR(136, 136, 136),
    MARKING(250, 250, 250),
    WALL(200, 200, 204),
    /** Above the walls: unlit, drawn at its base colour. */
    CEILING(105, 108, 112),
    SHELF(80, 85, 95),
    ROBOT(ObjectClass.ROBOT),
    PERSON(ObjectClass.PERSON),
    BOX(ObjectClass.BOX);

    final float red;
    final float green;
    final float blue;

    Material(int red, int green, int blue) {
        this.red = red;
        this.green = green;
        this.blue = blue;
    }

    Material(ObjectClass objectClass) {
        this(objectClass.red(), objectClass.green(), objectClass.blue());
    }

    static Material of(ObjectClass objectClass) {
        return switch (objectClass) {
            case ROBOT -> ROBOT;
            case PERSON -> PERSON;
            case BOX -> BOX;
        };
    }
}
