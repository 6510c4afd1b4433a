package dev.edgetwin.profiles;

import java.util.regex.Pattern;

/**
 * A thermal zone to watch and the temperature at which edgetwin starts shedding load (lower frame
 * rate, smaller planner batch). It sits a few degrees below the point where the SoC throttles its
 * own clocks, so the robot slows down in steps we choose instead of all at once.
 *
 * @param type the zone's name as in {@code /sys/devices/virtual/thermal/thermal_zone*}{@code
 *     /type}, e.g. {@code CPU-therm}, {@code gpu-thermal}
 * @param throttleCelsius degrees Celsius
 */
public record ThermalZone(String type, double throttleCelsius) {

    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** Silicon is shut down well below this; a larger value is a typo (or Fahrenheit). */
    static final double MAX_CELSIUS = 150;

    public ThermalZone {
        if (type == null || !TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException(
                    "thermalZones: '"
                            + type
                            + "' is not a thermal zone type (letters, digits, '_', '.', '-')");
        }
        if (!(throttleCelsius > 0 && throttleCelsius <= MAX_CELSIUS)) {
            throw new IllegalArgumentException(
                    "thermalZones: "
                            + type
                            + " throttleCelsius "
                            + throttleCelsius
                            + " is not above 0 and at most "
                            + MAX_CELSIUS);
        }
    }
}
