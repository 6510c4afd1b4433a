package dev.edgetwin.modelkit;

import java.util.SplittableRandom;

/**
 * Float models for the quantizer's tests and benchmark, built with {@link OnnxGraphBuilder} (here,
 * in its package, so that the tests in {@code dev.edgetwin.modelkit.quantize} can have them). Each
 * takes an image {@code images} [1, 3, size, size] in [0, 1]; weights are He-initialised from a
 * seed, so every call with the same arguments gives the same bytes.
 */
public final class QuantizerTestModels {
    public static final String INPUT = "images";
    public static final String OUTPUT = "output0";
    public static final long OPSET = 17;

    private QuantizerTestModels() {}

    /**
     * A small detector backbone: a stride-2 3x3 Conv to {@code channels}, Relu; a 3x3 Conv, Relu;
     * MaxPool 2x2; two 3x3 Convs to {@code 2 * channels} with Relus and a residual Add; a Concat of
     * the two branches' pooled features; a 1x1 Conv head to {@code headChannels} that is the output
     * [1, headChannels, size / 4, size / 4].
     */
    public static byte[] convStack(int size, int channels, int headChannels, long seed) {
        var g = new OnnxGraphBuilder("conv_stack");
        var random = new SplittableRandom(seed);
        String x = g.floatInput(INPUT, 1, 3, size, size);
        String a = relu(g, conv(g, random, x, 3, channels, 3, 2));
        String b = relu(g, conv(g, random, a, channels, channels, 3, 1));
        String p =
                g.node(
                        "MaxPool",
                        new String[] {b},
                        OnnxGraphBuilder.ints("kernel_shape", 2, 2),
                        OnnxGraphBuilder.ints("strides", 2, 2));
        String c = relu(g, conv(g, random, p, channels, 2 * channels, 3, 1));
        String d = relu(g, conv(g, random, c, 2 * channels, 2 * channels, 3, 1));
        String sum = g.op("Add", c, d);
        String cat = g.concat(1, sum, p);
        String head = conv(g, random, cat, 3 * channels, headChannels, 1, 1, OUTPUT);
        g.floatOutput(head, 1, headChannels, size / 4, size / 4);
        return build(g);
    }

    /**
     * A plain stack without branches: a stride-2 3x3 Conv to {@code channels} and Relu, then {@code
     * layers - 1} 3x3 Convs with Relus at that width, then a 1x1 Conv head to {@code headChannels}:
     * the output [1, headChannels, size / 2, size / 2].
     */
    public static byte[] plainConvStack(
            int size, int channels, int layers, int headChannels, long seed) {
        var g = new OnnxGraphBuilder("plain_conv_stack");
        var random = new SplittableRandom(seed);
        String x = g.floatInput(INPUT, 1, 3, size, size);
        String y = relu(g, conv(g, random, x, 3, channels, 3, 2));
        for (int i = 1; i < layers; i++) {
            y = relu(g, conv(g, random, y, channels, channels, 3, 1));
        }
        String head = conv(g, random, y, channels, headChannels, 1, 1, OUTPUT);
        g.floatOutput(head, 1, headChannels, size / 2, size / 2);
        return build(g);
    }

    /**
     * {@link #convStack} followed by a decode head: Sigmoid on the head Conv, then a Reshape to [1,
     * headChannels, anchors] as a YOLO export does. The head rule must keep both float.
     */
    public static byte[] convStackWithDecode(int size, int channels, int headChannels, long seed) {
        var g = new OnnxGraphBuilder("conv_stack_decode");
        var random = new SplittableRandom(seed);
        String x = g.floatInput(INPUT, 1, 3, size, size);
        String a = relu(g, conv(g, random, x, 3, channels, 3, 2));
        String b = relu(g, conv(g, random, a, channels, channels, 3, 2));
        String head = conv(g, random, b, channels, headChannels, 1, 1);
        String scores = g.op("Sigmoid", head);
        long anchors = (long) (size / 4) * (size / 4);
        String out =
                g.namedNode(
                        "Reshape",
                        OUTPUT,
                        new String[] {scores, g.int64s("shape", 1, headChannels, anchors)});
        g.floatOutput(out, 1, headChannels, anchors);
        return build(g);
    }

    /**
     * One 3x3 Conv with bias, 3 -> {@code out} channels, padding 1, then a Relu that is the output
     * [1, out, size, size]. The Conv's own output is quantized (it feeds the Relu, not the graph
     * output), so ONNX Runtime runs it as one int8 convolution.
     */
    public static byte[] singleConvRelu(int size, int out, long seed) {
        var g = new OnnxGraphBuilder("single_conv");
        var random = new SplittableRandom(seed);
        String x = g.floatInput(INPUT, 1, 3, size, size);
        String y = g.namedNode("Relu", OUTPUT, new String[] {conv(g, random, x, 3, out, 3, 1)});
        g.floatOutput(y, 1, out, size, size);
        return build(g);
    }

    /**
     * A classifier tail: 3x3 Conv to 32 channels, Relu, GlobalAveragePool, Flatten, Gemm 32 -> 16
     * (transB = 1, bias), Relu, MatMul by a constant [16, 8]: the output [1, 8].
     */
    public static byte[] gemmMatMul(int size, long seed) {
        var g = new OnnxGraphBuilder("gemm_matmul");
        var random = new SplittableRandom(seed);
        String x = g.floatInput(INPUT, 1, 3, size, size);
        String a = relu(g, conv(g, random, x, 3, 32, 3, 1));
        String pooled = g.op("Flatten", g.op("GlobalAveragePool", a));
        float[] bias = new float[16];
        for (int i = 0; i < bias.length; i++) {
            bias[i] = (float) (0.1 * random.nextGaussian());
        }
        String fc =
                g.node(
                        "Gemm",
                        new String[] {
                            pooled,
                            g.floats("fc_w", heNormal(random, 16 * 32, 32), 16, 32),
                            g.floats("fc_b", bias, 16)
                        },
                        OnnxGraphBuilder.integer("transB", 1));
        String y =
                g.namedNode(
                        "MatMul",
                        OUTPUT,
                        new String[] {
                            relu(g, fc), g.floats("proj", heNormal(random, 16 * 8, 16), 16, 8)
                        });
        g.floatOutput(y, 1, 8);
        return build(g);
    }

    /** Conv, Relu, then a ConvTranspose (weights the quantizer cannot take) named {@code up}. */
    public static byte[] withConvTranspose(int size, long seed) {
        var g = new OnnxGraphBuilder("conv_transpose");
        var random = new SplittableRandom(seed);
        String x = g.floatInput(INPUT, 1, 3, size, size);
        String a = relu(g, conv(g, random, x, 3, 8, 3, 2));
        String w = g.floats("up_w", heNormal(random, 8 * 4 * 2 * 2, 8 * 4), 8, 4, 2, 2);
        String up =
                g.namedNode(
                        "ConvTranspose",
                        "up",
                        new String[] {a, w},
                        OnnxGraphBuilder.ints("strides", 2, 2));
        String y = conv(g, random, relu(g, up), 4, 2, 1, 1, OUTPUT);
        g.floatOutput(y, 1, 2, size, size);
        return build(g);
    }

    /** {@link #singleConv} at an older opset, for the opset check. */
    public static byte[] singleConvOpset(int size, long opset) {
        var g = new OnnxGraphBuilder("single_conv");
        var random = new SplittableRandom(1);
        String x = g.floatInput(INPUT, 1, 3, size, size);
        String y = conv(g, random, x, 3, 4, 3, 1, OUTPUT);
        g.floatOutput(y, 1, 4, size, size);
        return g.build(DetectorContract.IR_VERSION, opset, "edgetwin-test", "0").toByteArray();
    }

    private static byte[] build(OnnxGraphBuilder g) {
        g.metadata("description", "quantizer test model");
        g.metadata("edgetwin.generator", QuantizerTestModels.class.getName());
        return g.build(DetectorContract.IR_VERSION, OPSET, "edgetwin-test", "0").toByteArray();
    }

    private static String relu(OnnxGraphBuilder g, String x) {
        return g.op("Relu", x);
    }

    private static String conv(
            OnnxGraphBuilder g,
            SplittableRandom random,
            String x,
            int in,
            int out,
            int kernel,
            int stride) {
        return conv(g, random, x, in, out, kernel, stride, null);
    }

    private static String conv(
            OnnxGraphBuilder g,
            SplittableRandom random,
            String x,
            int in,
            int out,
            int kernel,
            int stride,
            String name) {
        int fanIn = in * kernel * kernel;
        String w = g.floats("w", heNormal(random, out * fanIn, fanIn), out, in, kernel, kernel);
        float[] bias = new float[out];
        for (int i = 0; i < out; i++) {
            bias[i] = (float) (0.1 * random.nextGaussian());
        }
        String b = g.floats("b", bias, out);
        int pad = kernel / 2;
        var attributes =
                new ai.onnx.proto.OnnxMl.AttributeProto[] {
                    OnnxGraphBuilder.ints("kernel_shape", kernel, kernel),
                    OnnxGraphBuilder.ints("strides", stride, stride),
                    OnnxGraphBuilder.ints("pads", pad, pad, pad, pad)
                };
        String[] inputs = {x, w, b};
        return name == null
                ? g.node("Conv", inputs, attributes)
                : g.namedNode("Conv", name, inputs, attributes);
    }

    private static float[] heNormal(SplittableRandom random, int count, int fanIn) {
        double std = Math.sqrt(2.0 / fanIn);
        float[] w = new float[count];
        for (int i = 0; i < count; i++) {
            w[i] = (float) (std * random.nextGaussian());
        }
        return w;
    }
}
