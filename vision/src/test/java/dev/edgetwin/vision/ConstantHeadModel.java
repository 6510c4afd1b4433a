package dev.edgetwin.vision;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A test model whose detection output is {@code base + mask * max(image)}: a fixed head that only
 * fires on a bright frame. A white frame (max 1) gives {@code base + mask}; a black one (max = the
 * letterbox grey, 114/255) scales the masked entries (the scores) below any sensible threshold, so
 * a test sees whether every frame's output was really written.
 */
final class ConstantHeadModel {
    private ConstantHeadModel() {}

    /**
     * @param inputSize the square model input, [1, 3, inputSize, inputSize]
     * @param base the output's fixed part, row-major in {@code outputShape}
     * @param mask what is multiplied by the image maximum and added
     * @param metadata custom metadata (names, end2end, provenance)
     */
    static Path write(
            Path file,
            int inputSize,
            long[] outputShape,
            float[] base,
            float[] mask,
            Map<String, String> metadata)
            throws IOException {
        return write(file, inputSize, outputShape, base, mask, metadata, false);
    }

    /**
     * As {@link #write(Path, int, long[], float[], float[], Map)}; with {@code uint8Input} the
     * input is uint8 grey levels that the model casts and divides by 255 itself, as some exports
     * do.
     */
    static Path write(
            Path file,
            int inputSize,
            long[] outputShape,
            float[] base,
            float[] mask,
            Map<String, String> metadata,
            boolean uint8Input)
            throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder().setName("constant_head");
        g.addInput(
                value(
                        "images",
                        uint8Input ? TensorProto.DataType.UINT8 : TensorProto.DataType.FLOAT,
                        1,
                        3,
                        inputSize,
                        inputSize));
        g.addInitializer(floats("base", base, outputShape));
        g.addInitializer(floats("mask", mask, outputShape));
        String image = "images";
        if (uint8Input) {
            g.addInitializer(floats("scale", new float[] {255f}, new long[0]));
            g.addNode(
                    NodeProto.newBuilder()
                            .setOpType("Cast")
                            .addInput("images")
                            .addOutput("levels")
                            .addAttribute(
                                    AttributeProto.newBuilder()
                                            .setName("to")
                                            .setType(AttributeProto.AttributeType.INT)
                                            .setI(TensorProto.DataType.FLOAT.getNumber())));
            g.addNode(
                    NodeProto.newBuilder()
                            .setOpType("Div")
                            .addInput("levels")
                            .addInput("scale")
                            .addOutput("normalised"));
            image = "normalised";
        }
        g.addNode(
                NodeProto.newBuilder()
                        .setOpType("ReduceMax")
                        .addInput(image)
                        .addOutput("peak")
                        .addAttribute(
                                AttributeProto.newBuilder()
                                        .setName("keepdims")
                                        .setType(AttributeProto.AttributeType.INT)
                                        .setI(0)));
        g.addNode(
                NodeProto.newBuilder()
                        .setOpType("Mul")
                        .addInput("peak")
                        .addInput("mask")
                        .addOutput("scaled"));
        g.addNode(
                NodeProto.newBuilder()
                        .setOpType("Add")
                        .addInput("base")
                        .addInput("scaled")
                        .addOutput("output0"));
        g.addOutput(floatValue("output0", outputShape));
        ModelProto.Builder model =
                ModelProto.newBuilder()
                        .setIrVersion(8)
                        .setProducerName("edgetwin vision tests (ConstantHeadModel)")
                        .addOpsetImport(
                                OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                        .setGraph(g);
        metadata.forEach(
                (k, v) ->
                        model.addMetadataProps(
                                StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        Files.write(file, model.build().toByteArray());
        return file;
    }

    private static TensorProto floats(String name, float[] values, long[] shape) {
        TensorProto.Builder t =
                TensorProto.newBuilder()
                        .setName(name)
                        .setDataType(TensorProto.DataType.FLOAT.getNumber());
        long size = 1;
        for (long d : shape) {
            t.addDims(d);
            size *= d;
        }
        if (size != values.length) {
            throw new IllegalArgumentException(
                    name + ": " + values.length + " values for " + size + " elements");
        }
        for (float v : values) {
            t.addFloatData(v);
        }
        return t.build();
    }

    private static ValueInfoProto floatValue(String name, long... shape) {
        return value(name, TensorProto.DataType.FLOAT, shape);
    }

    private static ValueInfoProto value(String name, TensorProto.DataType type, long... shape) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : shape) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(
                        TypeProto.newBuilder()
                                .setTensorType(
                                        TypeProto.Tensor.newBuilder()
                                                .setElemType(type.getNumber())
                                                .setShape(s)))
                .build();
    }
}
