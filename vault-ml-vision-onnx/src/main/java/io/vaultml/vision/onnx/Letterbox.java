package io.vaultml.vision.onnx;

/**
 * How an image was fitted into the model input: scaled by {@code scale} and shifted by {@code (padX, padY)}.
 * Maps model coordinates back to the original image.
 */
record Letterbox(double scale, int padX, int padY, int width, int height) {

    static Letterbox fit(int width, int height, int inputWidth, int inputHeight, boolean centred) {
        double scale = Math.min((double) inputWidth / width, (double) inputHeight / height);
        int w = (int) Math.round(width * scale);
        int h = (int) Math.round(height * scale);
        int padX = centred ? (inputWidth - w) / 2 : 0;
        int padY = centred ? (inputHeight - h) / 2 : 0;
        return new Letterbox(scale, padX, padY, Math.max(1, w), Math.max(1, h));
    }

    double toImageX(double x) {
        return (x - padX) / scale;
    }

    double toImageY(double y) {
        return (y - padY) / scale;
    }
}
