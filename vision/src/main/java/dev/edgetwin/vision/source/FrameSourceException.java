package dev.edgetwin.vision.source;

/** Why a frame source could not deliver a frame. The one checked exception of this package. */
public final class FrameSourceException extends Exception {

    /** What went wrong; {@link #recoverable()} says whether calling {@code next()} again helps. */
    public enum Code {
        /** The source could not be opened: folder missing or empty, program not found. */
        OPEN_FAILED(false),
        /**
         * One image (a file, or one part of an MJPEG stream) could not be read or decoded. It was
         * skipped; the next call goes on with the following one.
         */
        IMAGE_UNREADABLE(true),
        /**
         * An MJPEG camera could not be reached, refused the request or sent something other than a
         * multipart stream. The next call reconnects, after the configured reconnect delay.
         */
        CONNECTION_FAILED(true),
        /** A folder without loop ran out of images, or the GStreamer pipeline reached its end. */
        STREAM_ENDED(false),
        /**
         * The GStreamer child process failed to start, exited with an error or sent a short frame.
         */
        PROCESS_FAILED(false),
        /** The source was closed, possibly from another thread while {@code next()} waited. */
        CLOSED(false);

        private final boolean recoverable;

        Code(boolean recoverable) {
            this.recoverable = recoverable;
        }

        /** Whether the same source may deliver frames again if {@code next()} is called again. */
        public boolean recoverable() {
            return recoverable;
        }
    }

    private final Code code;

    public FrameSourceException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public FrameSourceException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }

    @Override
    public String getMessage() {
        return code + ": " + super.getMessage();
    }
}
